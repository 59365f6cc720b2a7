"""Development helpers: a real local Uptime Kuma, a real Open WebUI and LiteLLM, and an Open
WebUI stand-in, for tests and the demo.

May import: every package except sync/ and cli/."""
