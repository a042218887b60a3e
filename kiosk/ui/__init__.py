"""Shared Qt pieces: theme and stylesheet, big buttons and pictures, background work."""
