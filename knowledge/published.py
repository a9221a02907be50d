"""Index builds published through PostgreSQL, so action servers on several hosts serve one current build.

Each host keeps its own :class:`~knowledge.store.IndexStore` (``var/index``). With ``KNOWLEDGE_DATABASE_URL``
set, the database holds every published build as one archive of its files, and a one-row pointer to the
current one:

- a build (the staff console, ``python -m knowledge``) holds a lock that spans hosts, first brings the
  published current build to its own disk so that it builds on top of it, and publishes its new build and
  moves the pointer in one transaction before it switches its own ``current`` link;
- a serving process follows the pointer (:class:`IndexFollower`): every few seconds a background thread
  compares it with the local ``current`` link, downloads a build it lacks into the local store, checks that
  it loads, and switches the link atomically; the knowledge base then reloads it as it does any new build.

If the database cannot be reached, every host keeps serving the build it has and tries again later. The
pilot (``make run``) sets no URL and keeps the local files only.
"""

from __future__ import annotations

import io
import logging
import tarfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional

from knowledge.errors import KnowledgeError

if TYPE_CHECKING:
    from knowledge.store import IndexStore

logger = logging.getLogger(__name__)

# pg_advisory_lock keys (any two fixed 64-bit numbers of our own): creating the tables, building.
SCHEMA_LOCK = 0x4B42_5343
BUILD_LOCK = 0x4B42_424C
KEEP_PUBLISHED = 3  # builds kept in the database: the current one and two before it
CONNECT_TIMEOUT_SECONDS = 5

SCHEMA = """
CREATE TABLE IF NOT EXISTS knowledge_builds (
    build_id text PRIMARY KEY,
    manifest jsonb NOT NULL,
    archive bytea NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS knowledge_current (
    name text PRIMARY KEY,
    build_id text NOT NULL REFERENCES knowledge_builds (build_id),
    switched_at timestamptz NOT NULL DEFAULT now()
);
"""


class PublishError(KnowledgeError):
    """The database of published builds cannot be reached or holds a build that cannot be used."""


def pack(build_dir: Path) -> bytes:
    """The files of one build as an uncompressed tar archive (vectors do not compress)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for path in sorted(Path(build_dir).iterdir()):
            if path.is_file():
                archive.add(path, arcname=path.name)
    return buffer.getvalue()


def unpack(data: bytes, target: Path) -> None:
    """Extract an archive made by :func:`pack`: plain files directly under ``target``, nothing else."""
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as archive:
        for member in archive.getmembers():
            if not member.isfile() or "/" in member.name or member.name in ("", ".", ".."):
                raise PublishError(f"a published build holds an unexpected entry: {member.name!r}")
            source = archive.extractfile(member)
            (target / member.name).write_bytes(source.read() if source else b"")


def published_index(url: Optional[str]) -> Optional[PublishedIndex]:
    """The database at ``url`` that publishes index builds to every host; None without one (local files)."""
    return PublishedIndex(url) if url else None


class PublishedIndex:
    """The published builds in one PostgreSQL database (psycopg; a connection per operation)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._schema_ready = False

    @contextmanager
    def _connect(self) -> Iterator:
        """A connection (closed afterwards); any database error becomes a :class:`PublishError`."""
        import psycopg

        try:
            with psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as connection:
                if not self._schema_ready:
                    with connection.transaction():
                        connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                        connection.execute(SCHEMA)
                    self._schema_ready = True
                yield connection
        except psycopg.Error as error:
            raise PublishError(f"the database of published knowledge builds failed: {error}") from None

    def current_build_id(self) -> Optional[str]:
        with self._connect() as connection:
            query = "SELECT build_id FROM knowledge_current WHERE name = 'current'"
            row = connection.execute(query).fetchone()
        return row[0] if row else None

    def fetch(self, build_id: str) -> bytes:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT archive FROM knowledge_builds WHERE build_id = %s", (build_id,)
            ).fetchone()
        if row is None:
            raise PublishError(f"the published knowledge build {build_id} is gone")
        return bytes(row[0])

    def publish(self, build_id: str, build_dir: Path) -> None:
        """Store the build and make it the current one, in one transaction; older builds beyond
        :data:`KEEP_PUBLISHED` are deleted in the same transaction."""
        manifest = (Path(build_dir) / "manifest.json").read_text(encoding="utf-8")  # jsonb checks it
        archive = pack(build_dir)
        with self._connect() as connection, connection.transaction():
            connection.execute(
                "INSERT INTO knowledge_builds (build_id, manifest, archive) VALUES (%s, %s, %s) "
                "ON CONFLICT (build_id) DO NOTHING",
                (build_id, manifest, archive),
            )
            connection.execute(
                "INSERT INTO knowledge_current (name, build_id) VALUES ('current', %s) ON CONFLICT (name) "
                "DO UPDATE SET build_id = EXCLUDED.build_id, switched_at = now()",
                (build_id,),
            )
            connection.execute(
                "DELETE FROM knowledge_builds WHERE build_id NOT IN (SELECT build_id FROM knowledge_builds "
                "ORDER BY published_at DESC, build_id DESC LIMIT %s)",
                (KEEP_PUBLISHED,),
            )
        logger.info("knowledge build %s published (%d kB)", build_id, len(archive) // 1024)

    @contextmanager
    def build_lock(self) -> Iterator[None]:
        """One build at a time across every host: a session advisory lock, released when the build ends
        (or when its process dies and the connection with it)."""
        with self._connect() as connection:
            connection.execute("SELECT pg_advisory_lock(%s)", (BUILD_LOCK,))
            connection.commit()  # the lock is the session's; no transaction stays open while the build runs
            yield

    def pull(self, store: IndexStore) -> Optional[str]:
        """Bring the published current build into ``store`` and switch its ``current`` link to it; the build
        id when the link moved, None when the store already served it or nothing is published. The caller
        holds the store's lock."""
        published = self.current_build_id()
        if published is None or published == store.current_build_id():
            return None
        if not store.has_build(published):
            store.add_build(published, lambda target: unpack(self.fetch(published), target))
        store.switch_to(published)
        logger.info("knowledge build %s taken from the database", published)
        return published


class IndexFollower:
    """Keeps a local store on the published current build: once on demand, then from a background thread."""

    def __init__(self, store: IndexStore, published: PublishedIndex, interval: float = 5.0) -> None:
        self.store = store
        self.published = published
        self.interval = interval
        self._thread: Optional[threading.Thread] = None
        self._stop = threading.Event()
        self._start_lock = threading.Lock()

    def sync_once(self) -> Optional[str]:
        """Follow the pointer now; the build id taken, if any. A local build that is running is not waited
        for (it publishes what it builds); a database that cannot be reached is logged, not raised."""
        try:
            with self.store.lock(timeout=0):
                return self.published.pull(self.store)
        except KnowledgeError as error:
            logger.warning("published knowledge builds not checked: %s", error)
        except Exception:  # a build that does not load, a full disk: serve what we have, try again later
            logger.exception("a published knowledge build could not be taken")
        return None

    def start(self) -> None:
        """Sync once now (a process serves the published build from its first answer), then every
        ``interval`` seconds in a daemon thread. Calling it again does nothing (every search calls it)."""
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is not None:
                return
            self.sync_once()
            self._thread = threading.Thread(target=self._run, name="knowledge-follower", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sync_once()
