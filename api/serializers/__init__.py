"""Request validation and the documented shape of every response (for the OpenAPI schema)."""
