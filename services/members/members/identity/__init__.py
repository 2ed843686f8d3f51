"""Identity verification as an adapter (DOMAIN.md: no public API of the national population database or
VNeID exists to build against).

``Verifier.verify(member, evidence) -> Verification`` is the interface; ``member`` is a ``MemberFacts``
(what the record says) and ``evidence`` what the checker was given. Three adapters:

- ``ManualVerifier`` (the default): an officer looked at the card and says it matches; the record keeps
  who and when.
- ``CccdQrVerifier``: the text of the QR code printed on the chip-based CCCD card, parsed
  (``qr.parse_cccd_qr``) and compared field by field with the record.
- ``NationalRegisterVerifier``: where a lookup in the national population register will plug in once
  the state offers one to the association (through the national data-sharing platform, Decree
  278/2025). It is not wired: it raises ``NotImplementedError`` with what is missing.
"""

from members.identity.verifiers import (
    CccdQrVerifier,
    ManualVerifier,
    MemberFacts,
    NationalRegisterVerifier,
    Verification,
    Verifier,
    verifier_for,
)

__all__ = [
    "CccdQrVerifier", "ManualVerifier", "MemberFacts", "NationalRegisterVerifier", "Verification", "Verifier",
    "verifier_for",
]  # fmt: skip
