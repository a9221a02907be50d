"""Staff command line for the knowledge base: ``python -m knowledge COMMAND`` (run in .venv-actions).

Exit codes: 0 done, 1 refused or failed with a message (nothing changed), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Callable, List, Optional

from knowledge.convert import FORMATS, convert_file
from knowledge.errors import KnowledgeError
from knowledge.library import KnowledgeLibrary, LibraryConfig
from knowledge.store import BuildReport
from knowledge.validity import IN_FORCE, status, today


def _progress_bar(label: str) -> Callable[[int, int], None]:
    """A tqdm bar on stderr for embedding work; silent when there is nothing to embed."""
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if total == 0:
            return
        if bar is None:
            bar = tqdm(total=total, desc=label, unit="chunk", file=sys.stderr, leave=False)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def _print_report(report: BuildReport) -> None:
    if report.nothing_changed:
        print(f"index unchanged ({report.total_chunks} chunks)")
        return
    parts = [
        f"{name} {len(keys)}"
        for name, keys in (
            ("added", report.added),
            ("changed", report.changed),
            ("removed", report.removed),
            ("unchanged", report.unchanged),
        )
        if keys
    ]
    rate = report.embedded_chunks / report.embed_seconds if report.embed_seconds else 0.0
    print(
        f"index {report.build_id} built in {report.seconds:.1f} s"
        f" ({'full' if report.full else 'incremental'}): {', '.join(parts) or 'no documents'}; "
        f"{report.embedded_chunks} of {report.total_chunks} chunks embedded ({rate:.1f} chunks/s)"
    )


def _options(args: argparse.Namespace) -> dict:
    topics = [t.strip() for t in args.topics.split(",")] if getattr(args, "topics", None) else None
    return {
        "id": getattr(args, "id", None),
        "title": args.title,
        "lang": args.lang,
        "source": args.source,
        "source_url": args.source_url,
        "topics": topics,
    }


def _add_or_update(library: KnowledgeLibrary, args: argparse.Namespace, update: bool) -> int:
    if args.id and len(args.files) > 1:
        raise KnowledgeError("--id names one document: give one file with it")
    documents = [convert_file(Path(f), _options(args)) for f in args.files]
    change = library.update if update else library.add
    report = change(documents, progress=_progress_bar("embedding"))
    for d in documents:
        target = "" if update else f" -> {library.path_for(d.lang, d.id, d.kind)}"
        print(f"{'updated' if update else 'added'} {d.key}: {d.title}{target}")
    _print_report(report)
    return 0


def cmd_add(library: KnowledgeLibrary, args: argparse.Namespace) -> int:
    return _add_or_update(library, args, update=False)


def cmd_update(library: KnowledgeLibrary, args: argparse.Namespace) -> int:
    return _add_or_update(library, args, update=True)


def cmd_remove(library: KnowledgeLibrary, args: argparse.Namespace) -> int:
    keys, report = library.remove(args.id, args.lang, progress=_progress_bar("embedding"))
    print(f"removed {', '.join(keys)}")
    _print_report(report)
    return 0


def cmd_list(library: KnowledgeLibrary, args: argparse.Namespace) -> int:
    manifest = library.store.read_manifest() or {"documents": {}}
    indexed = manifest["documents"]
    documents = [d for d in library.documents() if args.lang in (None, d.lang)]
    if args.json:
        print(
            json.dumps(
                [
                    {
                        **d.front_matter(),
                        "indexed": d.key in indexed and indexed[d.key]["hash"] == d.content_hash,
                    }
                    for d in documents
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    day = today()
    for d in documents:
        entry = indexed.get(d.key)
        state = f"{entry['chunks']:>3} chunks" if entry and entry["hash"] == d.content_hash else "not indexed"
        validity = status(d.effective, d.expires, day)
        flag = "" if validity == IN_FORCE else f"  [{validity.replace('_', ' ')}]"
        print(f"{d.lang}  {d.id:<40} {state:<12} {d.updated}  {d.title}{flag}")
    print(f"{len(documents)} documents")
    return 0


def cmd_show(library: KnowledgeLibrary, args: argparse.Namespace) -> int:
    for d in library.find(args.id, args.lang):
        print(d.to_markdown())
    return 0


def cmd_rebuild(library: KnowledgeLibrary, args: argparse.Namespace) -> int:
    _print_report(library.rebuild(full=args.full, progress=_progress_bar("embedding")))
    return 0


def cmd_search(library: KnowledgeLibrary, args: argparse.Namespace) -> int:
    from knowledge.base import KnowledgeBase
    from knowledge.settings import get_settings

    settings = get_settings()
    base = KnowledgeBase.from_settings(settings)
    started = time.perf_counter()
    results = base.search(args.question, lang=args.lang, k=args.k)
    elapsed = (time.perf_counter() - started) * 1000
    if args.json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
        return 0
    if not results:
        print("no results")
    for rank, r in enumerate(results, 1):
        c = r.citation
        mark = "confident" if r.confident else "below threshold"
        print(f"{rank}. [{c['lang']}] {c['title']}" + (f" > {c['section']}" if c["section"] else ""))
        print(
            f"   fused {r.score:.4f}  cosine {r.dense_score:.3f}  relevance {r.relevance:+.3f}  "
            f"bm25 {r.lexical_score:.2f}  ({mark})"
        )
        print(f"   source: {c['source']}" + (f"  {c['source_url']}" if c["source_url"] else ""))
        print(f"   {r.chunk.text[:200]}")
    print(f"({elapsed:.0f} ms, including loading)" if base.reloads else f"({elapsed:.0f} ms)")
    return 0


def cmd_stats(library: KnowledgeLibrary, args: argparse.Namespace) -> int:
    manifest = library.store.read_manifest()
    if manifest is None:
        print(f"no index in {library.config.index_dir} (run 'python -m knowledge rebuild')")
        return 1
    stale = library.pending(manifest)
    build_dir = library.store.builds_dir / manifest["build_id"]
    size = sum(p.stat().st_size for p in build_dir.iterdir())
    print(f"index:      {manifest['build_id']} built {manifest['built_at']}")
    print(f"model:      {manifest['model']} (dimension {manifest['dimension']})")
    print(f"chunking:   {manifest['chunking']}; dense index: {manifest['dense_index']}")
    print(
        f"documents:  {manifest['counts']['documents']}; chunks: {manifest['counts']['chunks']} "
        f"{manifest['counts'].get('languages', {})}"
    )
    print(f"disk:       {size / 1e6:.1f} MB in {build_dir}")
    print(f"pending:    {', '.join(stale) if stale else 'none (index is up to date)'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge", description="Manage the policy knowledge base."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def doc_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("files", nargs="+", metavar="FILE", help=f"documents ({', '.join(FORMATS)})")
        p.add_argument("--id", help="document id (default: from the file name or its front matter)")
        p.add_argument("--title")
        p.add_argument("--lang", choices=("zh", "en"), help="default: detected from the text")
        p.add_argument("--source", help="source document and section (default: the file name)")
        p.add_argument("--source-url")
        p.add_argument("--topics", help="comma-separated keywords")

    doc_options(sub.add_parser("add", help="add new documents and index them"))
    doc_options(sub.add_parser("update", help="replace existing documents (same id and language)"))
    p = sub.add_parser("remove", help="remove a document (both languages unless --lang)")
    p.add_argument("id")
    p.add_argument("--lang", choices=("zh", "en"))
    p = sub.add_parser("list", help="list documents and whether they are indexed")
    p.add_argument("--lang", choices=("zh", "en"))
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("show", help="print a document")
    p.add_argument("id")
    p.add_argument("--lang", choices=("zh", "en"))
    p = sub.add_parser("rebuild", help="bring the index up to date (only changed documents are embedded)")
    p.add_argument("--full", action="store_true", help="re-embed everything")
    p = sub.add_parser("search", help="search as the assistant does, with scores and citations")
    p.add_argument("question")
    p.add_argument("--lang", choices=("zh", "en"), help="the asker's language (default: detected)")
    p.add_argument("-k", type=int, default=3, help="number of results (default 3)")
    p.add_argument("--json", action="store_true")
    sub.add_parser("stats", help="index size, model, pending changes")
    return parser


COMMANDS = {
    "add": cmd_add,
    "update": cmd_update,
    "remove": cmd_remove,
    "list": cmd_list,
    "show": cmd_show,
    "rebuild": cmd_rebuild,
    "search": cmd_search,
    "stats": cmd_stats,
}


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "k", 1) < 1:
        print("error: -k must be at least 1", file=sys.stderr)
        return 2
    try:
        from knowledge.settings import get_settings

        library = KnowledgeLibrary(LibraryConfig.from_settings(get_settings()))
        return COMMANDS[args.command](library, args)
    except (KnowledgeError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: nothing was changed", file=sys.stderr)
        return 130
