"""Use cases of the members service: each runs one transaction through the unit of work."""
