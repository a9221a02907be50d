"""Retrieval quality on the evaluation set: lexical only, dense only, the assistant's hybrid, and a baseline.

Datasets: Chinese questions and English questions over the whole knowledge base, and English questions over
a base of the Chinese documents only (the "English question, Chinese-only answer" case of DESIGN §7). A hit
is a result from one of the question's expected documents, as in ``make eval``. Every retriever ranks
documents (one entry per document family), so recall@k counts documents, not passages.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence

from knowledge.embedding import Embedder
from knowledge.eval_set import Question, load_questions
from knowledge.library import KnowledgeLibrary, LibraryConfig
from knowledge.search import CANDIDATES, HybridSearcher
from knowledge.store import IndexStore

Ranker = Callable[[Question], List[str]]
DATASETS = ("zh", "en", "en→zh-only")


def _families(searcher: HybridSearcher, rows: Sequence[int], k: int) -> List[str]:
    """Document ids of the first ``k`` document families (an original and its translation count once),
    as the assistant's own search groups them."""
    families: List[str] = []
    ids: List[str] = []
    for row in rows:
        chunk = searcher.build.chunks[row]
        family = chunk.family
        if family not in families:
            families.append(family)
            ids.append(chunk.doc_id)
        if len(ids) == k:
            break
    return ids


def rankers(searcher: HybridSearcher, k: int = 3) -> Dict[str, Ranker]:
    """The three ways to rank documents over one build: words, vectors, and both fused (the assistant's)."""

    def lexical(question: Question) -> List[str]:
        return _families(searcher, [hit.row for hit in searcher.lexical.search(question.text, CANDIDATES)], k)

    def dense(question: Question) -> List[str]:
        vector = searcher.embedder.encode_queries([question.text])[0]
        return _families(searcher, [row for row, _ in searcher.build.dense.search(vector, CANDIDATES)], k)

    def hybrid(question: Question) -> List[str]:
        return [r.chunk.doc_id for r in searcher.search(question.text, lang=question.lang, k=k)]

    return {"lexical": lexical, "dense": dense, "hybrid": hybrid}


def score(ranker: Ranker, questions: Sequence[Question]) -> Dict[str, float]:
    ranks = []
    started = time.perf_counter()
    for question in questions:
        ranked = ranker(question)
        ranks.append(next((i for i, doc in enumerate(ranked, 1) if doc in question.expect), None))
    n = len(questions)
    return {
        "questions": n,
        "recall@1": round(sum(r == 1 for r in ranks) / n, 3),
        "recall@3": round(sum(r is not None and r <= 3 for r in ranks) / n, 3),
        "mrr": round(sum(1 / r for r in ranks if r) / n, 3),
        "ms_per_question": round(1000 * (time.perf_counter() - started) / n, 1),
    }


def build_index(docs_dir: Path, index_dir: Path, embedder: Embedder) -> HybridSearcher:
    """A real index build (the staff path), loaded as the action server loads it."""
    library = KnowledgeLibrary(LibraryConfig(docs_dir, index_dir, embedder.model_id), embedder=embedder)
    library.rebuild()
    store = IndexStore(index_dir)
    return HybridSearcher(store.load(store.current_build_id()), embedder)


def run(docs_dir: Path, models: Dict[str, str], log: Callable[[str], None] = print) -> Dict[str, Dict]:
    """{"<model>/<retriever>": {dataset: scores}} for every model and retriever, all in this run."""
    questions = [q for q in load_questions() if q.in_scope]
    sets = {
        "zh": [q for q in questions if q.lang == "zh"],
        "en": [q for q in questions if q.lang == "en"],
    }
    sets["en→zh-only"] = sets["en"]
    results: Dict[str, Dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as work:
        zh_only = Path(work) / "docs-zh"
        shutil.copytree(docs_dir / "zh", zh_only / "zh")
        for model_name, model_path in models.items():
            embedder = Embedder(model_path)
            started = time.perf_counter()
            full = build_index(docs_dir, Path(work) / f"{model_name}-full", embedder)
            chinese = build_index(zh_only, Path(work) / f"{model_name}-zh", embedder)
            log(
                f"    {model_name}: indexed {len(full.build.chunks)} + {len(chinese.build.chunks)} chunks "
                f"in {time.perf_counter() - started:.0f} s"
            )
            for name in ("lexical", "dense", "hybrid"):
                if name == "lexical" and results.get("lexical"):
                    continue  # words do not depend on the embedding model
                key = name if name == "lexical" else f"{model_name}/{name}"
                results[key] = {
                    "zh": score(rankers(full)[name], sets["zh"]),
                    "en": score(rankers(full)[name], sets["en"]),
                    "en→zh-only": score(rankers(chinese)[name], sets["en→zh-only"]),
                }
                summary = ", ".join(f"{d} R@3 {results[key][d]['recall@3']:.3f}" for d in DATASETS)
                log(f"    {key:<22} {summary}")
    return results
