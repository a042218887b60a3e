"""Qt client of the hub and the local outbox. Built by the hub issue."""
