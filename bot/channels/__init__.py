"""Custom Rasa input channels (loaded by module path from ``bot/credentials.yml``)."""
