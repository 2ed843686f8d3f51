"""The funds service: learning funds with a double-entry ledger of donations, disbursements and transfers."""
