"""The manager app. Built by the manager issue."""
