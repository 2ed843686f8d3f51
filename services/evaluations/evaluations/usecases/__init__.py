"""Use cases of the evaluations service: one transaction each."""
