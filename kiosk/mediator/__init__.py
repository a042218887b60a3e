"""The mediator console. Built by the hub issue."""
