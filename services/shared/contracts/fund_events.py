"""Payloads of the funds service's events, versioned (see ``contracts.envelope``). No personal data."""
