"""Guichet Kiosk: guided post-office tasks with speech and one-tap help from a mediator."""

__version__ = "0.1.0"
