"""Assistance tickets: validation of what users type, the database, ticket numbers, and the staff CLI."""
