"""Infrastructure shared by every service: unit of work, outbox, inbox, event handlers, RPC, metrics,
health, configuration and logs. Providers here adapt infrastructure and hold no business rules."""
