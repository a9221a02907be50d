"""What the console's pages work with: accounts, the knowledge library and its index, the ticket store.

The services are built once per application (:func:`staff.app.create_app`); a test may pass its own ticket
store and embedder.
"""

from __future__ import annotations

import threading
from typing import Any, Dict, List, Optional

import numpy as np
from starlette.requests import Request

from actions.settings import Settings
from feedback.store import AnswerLog, shared_log
from knowledge.base import KnowledgeBase
from knowledge.embedding import Embedder
from knowledge.library import KnowledgeLibrary, LibraryConfig
from staff.accounts import Accounts
from tickets.store import TicketStore, shared_store


class Console:
    """What the pages work with: accounts, the knowledge library and its index, the ticket store."""

    def __init__(
        self,
        settings: Settings,
        tickets: Optional[TicketStore] = None,
        embedder: Optional[Embedder] = None,
        answers: Optional[AnswerLog] = None,
    ) -> None:
        self.settings = settings
        self._answers = answers
        self._question_vectors: Dict[str, np.ndarray] = {}  # review queue texts, encoded once
        self.accounts = Accounts(settings.staff_database_url)
        self.library = KnowledgeLibrary(LibraryConfig.from_settings(settings), embedder=embedder)
        self._tickets = tickets
        self._base: Optional[KnowledgeBase] = None
        self.build_lock = threading.Lock()
        self.build_state: Dict[str, Any] = {
            "running": False,
            "done": 0,
            "total": 0,
            "error": "",
            "result": "",
        }

    @property
    def tickets(self) -> TicketStore:
        return self._tickets or shared_store(self.settings.tickets_database_url)

    @property
    def answers(self) -> AnswerLog:
        url = self.settings.feedback_database_url or self.settings.tickets_database_url
        return self._answers or shared_log(url)

    def question_vectors(self, texts: List[str]) -> np.ndarray:
        """Query embeddings of ``texts`` (blocking: call it in a thread), each text encoded only once."""
        missing = sorted({t for t in texts if t not in self._question_vectors})
        if missing:
            vectors = self.library.embedder.encode_queries(missing)
            self._question_vectors.update(zip(missing, vectors, strict=True))
        dimension = self.library.embedder.dimension
        if not texts:
            return np.zeros((0, dimension), np.float32)
        return np.vstack([self._question_vectors[t] for t in texts])

    @property
    def knowledge_base(self) -> KnowledgeBase:
        if self._base is None:
            # one model in memory for building and searching
            self._base = KnowledgeBase.from_settings(self.settings, embedder=self.library.embedder)
        return self._base

    def start_rebuild(self, actor: str) -> bool:
        """Rebuild the whole index in a background thread; False if a build is running already."""
        if not self.build_lock.acquire(blocking=False):
            return False
        self.build_state.update(running=True, done=0, total=0, error="", result="")

        def progress(done: int, total: int) -> None:
            self.build_state.update(done=done, total=total)

        def work() -> None:
            try:
                report = self.library.rebuild(full=True, progress=progress)
                self.build_state["result"] = f"{report.total_chunks} chunks, {report.seconds:.0f} s"
                self.accounts.audit(actor, "rebuild-index", report.build_id or "", self.build_state["result"])
            except Exception as error:  # shown on the page; the previous index keeps serving
                self.build_state["error"] = str(error)
            finally:
                self.build_state["running"] = False
                self.build_lock.release()

        threading.Thread(target=work, daemon=True).start()
        return True


def console(request: Request) -> Console:
    """The application's console (its services)."""
    return request.app.state.console


def index_status(c: Console) -> Dict[str, Any]:
    manifest = c.library.store.read_manifest()
    return {"manifest": manifest, "pending": c.library.pending(manifest)}
