"""The members service: the organisation tree, members, officers and their scopes."""
