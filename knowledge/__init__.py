"""The policy knowledge base and its search engine."""
