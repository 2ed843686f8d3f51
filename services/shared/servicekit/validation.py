"""Loading what arrives at an edge (an RPC argument, an HTTP body) through a marshmallow schema."""

from marshmallow import ValidationError

from contracts.errors import ValidationFailed


def load(schema, data, **kwargs):
    """``schema.load(data)``, with a failure raised as ``ValidationFailed`` so that it crosses RPC."""
    try:
        return schema.load(data if data is not None else {}, **kwargs)
    except ValidationError as error:
        raise ValidationFailed.from_marshmallow(error) from None
