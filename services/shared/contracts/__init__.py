"""What crosses a service boundary: event envelopes and payloads, RPC DTOs and errors.

Nothing here reads configuration or touches infrastructure; every service and the gateway may import it.
"""
