"""The manager app: flows (edit, preview, publish), dashboard, kiosks, workshops, accounts."""
