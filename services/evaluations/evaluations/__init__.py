"""The evaluations service: learning-model titles from registration to recognition."""
