"""The full-screen customer kiosk: home, guided steps, outcomes, lockdown and reset."""
