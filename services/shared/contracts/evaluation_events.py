"""Payloads of the evaluations service's events, versioned (see ``contracts.envelope``). No personal data."""
