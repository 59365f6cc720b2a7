"""Development helpers: a real local Uptime Kuma and an Open WebUI stand-in for tests and the demo."""
