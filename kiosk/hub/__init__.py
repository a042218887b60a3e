"""The office hub: FastAPI app, SQLite store, auth and stream (no Qt). Built by the hub issue."""
