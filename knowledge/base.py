"""The live knowledge base of a process: the current index build, loaded lazily and reloaded when it changes.

:class:`KnowledgeBase` is what the action server, the console and the CLI use: before each search it checks
the ``current`` link and reloads a new build, so staff changes are live without a restart. Query encoding
is CPU work; async callers run its methods in a thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

from knowledge.answering import Answer, Context, answer
from knowledge.confidence import MODEL_FILE, ConfidenceModel
from knowledge.embedding import Embedder, model_fingerprint
from knowledge.errors import IndexUnavailableError
from knowledge.published import IndexFollower, PublishedIndex
from knowledge.scope import MODEL_FILE as SCOPE_MODEL_FILE
from knowledge.scope import PROBES as SCOPE_PROBES
from knowledge.scope import ScopeModel
from knowledge.scope import load as load_scope
from knowledge.search import HybridSearcher, withdrawn_rows
from knowledge.search_result import SearchResult
from knowledge.store import IndexStore
from knowledge.validity import today

if TYPE_CHECKING:
    from knowledge.settings import KnowledgeSettings

logger = logging.getLogger(__name__)


class KnowledgeBase:
    """The live knowledge base of a process: lazy loading, reload on a new build, thread-safe."""

    def __init__(
        self,
        index_dir,  # noqa: ANN001 - str or Path
        embedding_model: str,
        confidence_model: Optional[Path] = MODEL_FILE,
        threads: int = 2,
        embedder: Optional[Embedder] = None,
        engine: str = "auto",
        scope_model: Optional[Path] = SCOPE_MODEL_FILE,
        published: Optional[PublishedIndex] = None,
        follow_seconds: float = 5.0,
    ) -> None:
        self.store = IndexStore(index_dir, published)
        # With builds published through a database, this process follows them (started on first use).
        self.follower = IndexFollower(self.store, published, follow_seconds) if published else None
        self.embedding_model = embedding_model
        # None: the unfitted prior (only ``make calibrate`` starts from it)
        self.confidence = (
            ConfidenceModel.load(confidence_model) if confidence_model else ConfidenceModel.prior()
        )
        self.embedder = embedder or Embedder(embedding_model, threads=threads, engine=engine)
        self.scope_model = scope_model
        self._scope: Optional[ScopeModel] = None
        self._scope_loaded = False
        self._searcher: Optional[HybridSearcher] = None
        self._lock = threading.Lock()
        self.reloads = 0

    @classmethod
    def from_settings(cls, settings: KnowledgeSettings, embedder: Optional[Embedder] = None) -> KnowledgeBase:
        """The base ``settings`` describe; ``embedder``: one already loaded (shared with a library)."""
        return cls(
            settings.index_dir,
            settings.embedding_model,
            confidence_model=settings.confidence_model,
            threads=settings.encode_threads,
            embedder=embedder,
            engine=settings.embedding_engine,
            scope_model=settings.scope_model,
            published=settings.published_index(),
            follow_seconds=settings.follow_seconds,
        )

    def close(self) -> None:
        """Stop following published builds (the follower's thread would otherwise outlive its database)."""
        if self.follower is not None:
            self.follower.stop()

    def searcher(self) -> HybridSearcher:
        if self.follower is not None:
            self.follower.start()  # once: takes the published build, then follows it in the background
        current = self.store.current_build_id()
        if current is None:
            raise IndexUnavailableError(
                f"no knowledge index in {self.store.index_dir}: run 'python -m knowledge rebuild'"
            )
        day = today()
        searcher = self._searcher
        if searcher is not None and searcher.build.build_id == current and searcher.on == day:
            return searcher
        with self._lock:
            if self._searcher is None or self._searcher.build.build_id != current:
                build = self.store.load(current)
                if build.manifest.get("model_fingerprint") != model_fingerprint(self.embedding_model):
                    raise IndexUnavailableError(
                        f"the knowledge index was built with {build.manifest.get('model')}, not "
                        f"{self.embedding_model}: run 'python -m knowledge rebuild'"
                    )
                self._searcher = HybridSearcher(build, self.embedder, self.confidence, self.scope(), on=day)
                self.reloads += 1
                logger.info(
                    "knowledge index %s loaded: %d documents, %d chunks",
                    current,
                    build.manifest["counts"]["documents"],
                    build.manifest["counts"]["chunks"],
                )
            elif self._searcher.on != day:
                self._searcher = self._on_new_day(self._searcher, day)
            return self._searcher

    def _on_new_day(self, searcher: HybridSearcher, day: dt.date) -> HybridSearcher:
        """The same build for a new date: searched anew only when a document expired or came into force."""
        if withdrawn_rows(searcher.build.chunks, day) == searcher.withdrawn:
            searcher.on = day
            return searcher
        logger.info("documents expired or came into force on %s: the knowledge index is searched anew", day)
        return HybridSearcher(searcher.build, self.embedder, self.confidence, self.scope(), on=day)

    def scope(self) -> Optional[ScopeModel]:
        """The scope classifier, read once (it does not change with index builds); None: neutral."""
        if not self._scope_loaded:
            self._scope = load_scope(self.scope_model, self.embedder.encode_queries(SCOPE_PROBES))
            self._scope_loaded = True
            if self._scope is None and self.scope_model is not None:
                logger.warning(
                    "no usable scope classifier at %s (run 'make calibrate'): its signal is neutral",
                    self.scope_model,
                )
        return self._scope

    def use_scope(self, model: ScopeModel) -> None:
        """Search with ``model`` from now on (``make calibrate`` fits one)."""
        self._scope, self._scope_loaded = model, True
        if self._searcher is not None:
            self._searcher.scope = model

    def search(
        self, query: str, lang: Optional[str] = None, k: int = 3, nlu_policy: Optional[float] = None
    ) -> List[SearchResult]:
        return self.searcher().search(query, lang=lang, k=k, nlu_policy=nlu_policy)

    def answer(
        self,
        text: str,
        lang: str,
        context: Optional[Context] = None,
        k: int = 3,
        nlu_policy: Optional[float] = None,
        nlu_declined: bool = False,
    ) -> Answer:
        """:func:`knowledge.answering.answer` on the current build."""
        return answer(self.searcher(), text, lang, context, k, nlu_policy, nlu_declined)
