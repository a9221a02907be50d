"""The staff-facing operations on the knowledge base: add, update, remove documents and rebuild the index.

Each change is all-or-nothing: documents are written, the index is rebuilt, and if anything fails (a bad
document, a model error, Ctrl-C) the files are put back as they were and the previous index keeps serving.
The CLI (``python -m knowledge``) and later the staff console are thin layers over this class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge.settings import KnowledgeSettings

import dataclasses
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from knowledge import glossary as glossary_module
from knowledge.documents import Document, load_documents
from knowledge.embedding import Embedder, model_fingerprint
from knowledge.errors import DocumentError, KnowledgeError
from knowledge.glossary import Glossary
from knowledge.published import published_index
from knowledge.store import BuildReport, IndexConfig, IndexStore
from knowledge.validity import today

Progress = Optional[Callable[[int, int], None]]


@dataclass
class LibraryConfig:
    docs_dir: Path
    index_dir: Path
    embedding_model: str
    chunk_size: int = 300
    chunk_overlap: int = 1
    dense_index: str = "flat"
    threads: int = 2
    engine: str = "auto"  # the embedding engine (knowledge.embedding.ENGINES)
    glossary_file: Optional[Path] = None  # default: glossary.yml next to the documents' folder
    database_url: Optional[str] = None  # builds also published there, for other hosts (knowledge.published)

    def __post_init__(self) -> None:
        self.docs_dir = Path(self.docs_dir)
        self.index_dir = Path(self.index_dir)
        self.glossary_file = Path(self.glossary_file or self.docs_dir.parent / "glossary.yml")

    @classmethod
    def from_settings(cls, settings: KnowledgeSettings) -> LibraryConfig:
        return cls(
            docs_dir=settings.docs_dir,
            index_dir=settings.index_dir,
            embedding_model=settings.embedding_model,
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
            dense_index=settings.dense_index,
            threads=settings.encode_threads,
            engine=settings.embedding_engine,
            glossary_file=settings.glossary_file,
            database_url=settings.database_url,
        )


class KnowledgeLibrary:
    """Documents on disk plus the index built from them."""

    def __init__(self, config: LibraryConfig, embedder: Optional[Embedder] = None) -> None:
        self.config = config
        self.store = IndexStore(config.index_dir, published_index(config.database_url))
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder(
                self.config.embedding_model, threads=self.config.threads, engine=self.config.engine
            )
        return self._embedder

    def index_config(self) -> IndexConfig:
        return IndexConfig(
            model=self.config.embedding_model,
            model_fingerprint=model_fingerprint(self.config.embedding_model),
            chunk_size=self.config.chunk_size,
            chunk_overlap=self.config.chunk_overlap,
            dense_index=self.config.dense_index,
            glossary=self.glossary(),
        )

    # the glossary ------------------------------------------------------------------------------------
    def glossary(self) -> Glossary:
        """The staff's glossary (the packaged one until they first change it)."""
        return glossary_module.load(self.config.glossary_file)

    def save_glossary(self, glossary: Glossary, progress: Progress = None) -> BuildReport:
        """Write the glossary and rebuild (no passage is embedded again); put back as it was on failure."""
        return self._apply({self.config.glossary_file: glossary.to_yaml()}, progress)

    # documents -----------------------------------------------------------------------------------
    def documents(self) -> List[Document]:
        return load_documents(self.config.docs_dir)

    def pending(self, manifest: Optional[Dict] = None) -> List[str]:
        """Keys of documents added, changed or removed since the index ``manifest`` (default: current)."""
        manifest = manifest if manifest is not None else self.store.read_manifest()
        documents = self.documents()
        if manifest is None:
            return sorted(d.key for d in documents)
        indexed = manifest["documents"]
        pending = [
            d.key for d in documents if d.key not in indexed or indexed[d.key]["hash"] != d.content_hash
        ]
        pending += [key for key in indexed if key not in {d.key for d in documents}]
        if manifest.get("glossary") != self.glossary().fingerprint:
            pending.append("glossary")
        return sorted(pending)

    def path_for(self, lang: str, doc_id: str, kind: str = "document") -> Path:
        """``docs/<lang>/<id>.md``; FAQ entries apart, under ``docs/faq/<lang>/``."""
        folder = self.config.docs_dir / "faq" if kind == "faq" else self.config.docs_dir
        return folder / lang / f"{doc_id}.md"

    def find(self, doc_id: str, lang: Optional[str] = None) -> List[Document]:
        found = [d for d in self.documents() if d.id == doc_id and (lang is None or d.lang == lang)]
        if not found:
            where = f" in {lang}" if lang else ""
            raise KnowledgeError(f"no document with id '{doc_id}'{where} (see 'python -m knowledge list')")
        return found

    # changes -------------------------------------------------------------------------------------
    def rebuild(self, full: bool = False, progress: Progress = None) -> BuildReport:
        return self.store.build(
            self.documents(), self.embedder, self.index_config(), full=full, progress=progress
        )

    def add(self, documents: Sequence[Document], progress: Progress = None) -> BuildReport:
        """Add new documents; an id that already exists in the same language is an error."""
        existing = {d.key for d in self.documents()}
        keys = [d.key for d in documents]
        for document in documents:
            if document.key in existing or keys.count(document.key) > 1:
                raise DocumentError(
                    document.path or document.id,
                    f"a {document.lang} document with id '{document.id}' already exists "
                    "(use 'update' to replace it, or choose another --id)",
                    "id",
                )
        return self._apply(
            {self.path_for(d.lang, d.id, d.kind): dated(d).to_markdown() for d in documents}, progress
        )

    def update(self, documents: Sequence[Document], progress: Progress = None) -> BuildReport:
        """Replace existing documents (matched by id and language)."""
        existing = {d.key: d for d in self.documents()}
        changes: Dict[Path, Optional[str]] = {}
        for document in documents:
            old = existing.get(document.key)
            if old is None:
                raise DocumentError(
                    document.path or document.id,
                    f"no {document.lang} document with id '{document.id}' to update (use 'add')",
                    "id",
                )
            target = self.path_for(document.lang, document.id, document.kind)
            if old.path and Path(old.path) != target:
                changes[Path(old.path)] = None  # it lived under another file name
            if document.content_hash != dataclasses.replace(old, updated=document.updated).content_hash:
                document = dated(document)  # changed: today is its last change (the same text keeps its date)
            changes[target] = document.to_markdown()
        return self._apply(changes, progress)

    def remove(
        self, doc_id: str, lang: Optional[str] = None, progress: Progress = None
    ) -> Tuple[List[str], BuildReport]:
        found = self.find(doc_id, lang)
        report = self._apply({Path(d.path): None for d in found if d.path}, progress)
        return [d.key for d in found], report

    def _apply(self, changes: Dict[Path, Optional[str]], progress: Progress) -> BuildReport:
        """Write (text) or delete (None) files, rebuild, and undo the files if the rebuild fails."""
        backups: Dict[Path, Optional[bytes]] = {}
        try:
            for path, text in changes.items():
                backups[path] = path.read_bytes() if path.exists() else None
                if text is None:
                    path.unlink(missing_ok=True)
                else:
                    _atomic_write(path, text)
            return self.rebuild(progress=progress)
        except BaseException:
            for path, old in backups.items():
                if old is None:
                    path.unlink(missing_ok=True)
                else:
                    _atomic_write(path, old.decode("utf-8"))
            raise


def dated(document: Document) -> Document:
    """``document`` with ``updated`` set to today: the date a reader sees is the page's real last change."""
    return dataclasses.replace(document, updated=today().isoformat())


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
