"""The notifications service: one event in, the right message out on the right channels."""
