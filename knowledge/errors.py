"""Errors the knowledge engine reports to people (staff at the CLI, the action server's log)."""

from __future__ import annotations


class KnowledgeError(Exception):
    """A problem with a clear, user-facing message; never a bare traceback."""


class ModelError(KnowledgeError):
    """The embedding model is missing, broken or cannot be built."""


class DocumentError(KnowledgeError):
    """A knowledge document is malformed; the message names the file and the field."""

    def __init__(self, path: object, message: str, field: str | None = None) -> None:
        self.path = str(path)
        self.field = field
        where = f"{self.path}: field '{field}'" if field else self.path
        super().__init__(f"{where}: {message}")


class IndexUnavailableError(KnowledgeError):
    """No usable index on disk (never built, or damaged)."""
