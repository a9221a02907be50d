"""The bench's outputs: a printed table, ``results.json`` and a PNG chart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List

from bench.retrieval import DATASETS

TARGETS = {
    "recall@3 zh, en": ">= 0.95",
    "recall@3 en→zh-only": ">= 0.85",
    "knowledge p50, 1 user": "<= 100 ms",
    "knowledge p95, 8 users": "<= 400 ms",
    "knowledge / action p50": "<= 2.0",
    "no-search action p95, 8 users": "<= 150 ms",
    "Rasa RSS": "<= 1200 MB",
    "action server RSS": "<= 700 MB",
    "lexical index, 100k passages": "<= 500 MB",
    "search p50, 100k passages": "<= 50 ms",
}


def targets(results: Dict) -> List[Dict]:
    if not {"1", "8"} <= set(results["latency"]) or "e5-small/hybrid" not in results["retrieval"]:
        return []  # the targets are stated for 1 and 8 users and the assistant's retriever
    hybrid = results["retrieval"]["e5-small/hybrid"]
    latency = results["latency"]
    memory = results["memory"]
    rows = [
        ("recall@3 zh, en", min(hybrid["zh"]["recall@3"], hybrid["en"]["recall@3"]), lambda v: v >= 0.95),
        ("recall@3 en→zh-only", hybrid["en→zh-only"]["recall@3"], lambda v: v >= 0.85),
        ("knowledge p50, 1 user", latency["1"]["knowledge"]["p50_ms"], lambda v: v <= 100),
        ("knowledge p95, 8 users", latency["8"]["knowledge"]["p95_ms"], lambda v: v <= 400),
        ("knowledge / action p50", latency["1"]["ratio"]["knowledge_vs_action_p50"], lambda v: v <= 2.0),
        ("no-search action p95, 8 users", latency["8"]["action"]["p95_ms"], lambda v: v <= 150),
        ("Rasa RSS", max(memory["idle"]["rasa"], memory["after_load"]["rasa"]), lambda v: v <= 1200),
        (
            "action server RSS",
            max(memory["idle"]["actions"], memory["after_load"]["actions"]),
            lambda v: v <= 700,
        ),
    ]
    lexical = results.get("lexical", {}).get("100000")
    if lexical:
        rows.append(("lexical index, 100k passages", lexical["library"]["rss_added_mb"], lambda v: v <= 500))
    at_100k = [row for row in results.get("scale", {}).get("sizes", []) if row["chunks"] == 100_000]
    if at_100k:
        rows.append(("search p50, 100k passages", at_100k[0]["query_hnsw"]["p50_ms"], lambda v: v <= 50))
    return [
        {"what": name, "measured": value, "target": TARGETS[name], "met": check(value)}
        for name, value, check in rows
    ]


def table(results: Dict) -> str:
    lines = ["", "RETRIEVAL (evaluation set, in-scope questions; recall@1 / recall@3 / MRR)"]
    lines.append(f"  {'retriever':<24}" + "".join(f"{d:>24}" for d in DATASETS))
    for name, scores in results["retrieval"].items():
        cells = "".join(
            f"{scores[d]['recall@1']:>10.3f}{scores[d]['recall@3']:>7.3f}{scores[d]['mrr']:>7.3f}"
            for d in DATASETS
        )
        lines.append(f"  {name:<24}{cells}")
    lines += ["", "CHAT LATENCY over REST, ms (p50 / p95 / p99), errors, throughput"]
    for level, row in results["latency"].items():
        cells = "  ".join(
            f"{kind} {row[kind]['p50_ms']:.0f}/{row[kind]['p95_ms']:.0f}/{row[kind]['p99_ms']:.0f}"
            for kind in ("plain", "action", "knowledge")
        )
        errors = sum(row[k]["errors"] for k in ("plain", "action", "knowledge"))
        lines.append(
            f"  {level:>2} concurrent: {cells}  knowledge/action {row['ratio']['knowledge_vs_action_p50']:.2f}x"
            f"  errors {errors}  {row['throughput']['requests_per_s']} req/s"
        )
    if "action_server" in results:
        lines += ["", "AT THE ACTION SERVER ITSELF (webhook calls as Rasa makes them; ms p50 / p95)"]
        for label, row in results["action_server"].items():
            search = row.get("search")
            lines.append(
                f"  {label:<12} no-search action {row['no_search']['p50_ms']:.1f}/{row['no_search']['p95_ms']:.1f}"
                + (f"   searches {search['p50_ms']:.0f}/{search['p95_ms']:.0f}" if search else "")
            )
    memory = results["memory"]
    lines += [
        "",
        "MEMORY (RSS of each process tree, MB)",
        f"  Rasa server   idle {memory['idle']['rasa']:.0f}, after load {memory['after_load']['rasa']:.0f}",
        f"  action server idle {memory['idle']['actions']:.0f}, after load {memory['after_load']['actions']:.0f}",
        "",
        f"SCALE (synthetic passages from the real ones; embedding {results['scale']['embedding_passages_per_s']}"
        " passages/s)",
        f"  {'chunks':>8}{'build/s':>9}{'flat q p50/p95':>17}{'hnsw q p50/p95':>17}{'hnsw R@10 rows/src':>19}"
        f"{'faiss add flat/hnsw s':>23}{'lexical s':>10}{'+MB':>7}",
    ]
    for row in results["scale"]["sizes"]:
        lines.append(
            f"  {row['chunks']:>8}{row['build_chunks_per_s']:>9}"
            f"{row['query_flat']['p50_ms']:>9.0f}/{row['query_flat']['p95_ms']:<7.0f}"
            f"{row['query_hnsw']['p50_ms']:>9.0f}/{row['query_hnsw']['p95_ms']:<7.0f}"
            f"{row['hnsw_recall@10']:>12.3f}/{row['hnsw_source_recall@10']:<6.3f}{row['flat_add_s']:>12.2f}/{row['hnsw_add_s']:<10.2f}"
            f"{row['lexical_build_s']:>10.1f}{row['rss_growth_mb']:>7.0f}"
        )
    if "encoders" in results:
        lines += ["", "EMBEDDING ENGINES (e5-small; each in its own process)"]
        for engine in ("onnx", "torch"):
            row = results["encoders"][engine]
            lines.append(
                f"  {engine:<6} query p50/p95 {row['query_p50_ms']:>6.1f}/{row['query_p95_ms']:<6.1f} ms"
                f"  {row['passages_per_s']:>6.1f} passages/s  RSS {row['rss_mb']:>6.0f} MB"
            )
        ratio = results["encoders"]["torch_vs_onnx"]
        lines.append(
            f"  ONNX vs torch: queries {ratio['query_p50']}x faster, passages {ratio['passages_per_s']}x "
            f"faster, {ratio['rss']}x less memory"
        )
    if "lexical" in results:
        lines += ["", "LEXICAL INDEX (synthetic passages; each index in its own process)"]
        for size, row in results["lexical"].items():
            for kind in ("library", "handwritten"):
                figures = row[kind]
                lines.append(
                    f"  {int(size):>8} {kind:<12} build {figures['build_s']:>6.1f} s  +{figures['rss_added_mb']:>5.0f} MB"
                    f"  search p50/p95 {figures['search_p50_ms']:>7.1f}/{figures['search_p95_ms']:<7.1f} ms"
                )
            ratio = row["handwritten_vs_library"]
            lines.append(
                f"  {'':>8} bm25s vs hand-written: {ratio['memory']}x less memory, searches {ratio['search_p50']}x"
                f" faster, builds {ratio['build']}x faster; same ten best scores {row['same_scores_top10']}"
            )
    lines += ["", "SETUP (seconds, as the Makefile's steps last recorded them)"]
    for name, step in results["setup"].items():
        lines.append(f"  {name:<22}{step['seconds']:>8.1f}   {step.get('finished', '')}")
    lines += ["", "TARGETS (DESIGN §7)"]
    for row in results["targets"]:
        lines.append(
            f"  {'met    ' if row['met'] else 'NOT MET'} {row['what']:<26} {row['measured']:>8} (target {row['target']})"
        )
    return "\n".join(lines)


def _p50_p95(axis, xs: List, figures: List[Dict], colour: str, label: str) -> None:  # noqa: ANN001
    """A solid p50 line and a dashed p95 line of one series."""
    axis.plot(xs, [f["p50_ms"] for f in figures], "o-", color=colour, label=f"{label} p50")
    axis.plot(xs, [f["p95_ms"] for f in figures], "s--", color=colour, label=f"{label} p95")


def chart(results: Dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (quality, latency, scale) = plt.subplots(1, 3, figsize=(17, 5))
    names = list(results["retrieval"])
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        values = [results["retrieval"][name][d]["recall@3"] for d in DATASETS]
        quality.bar([x + i * width for x in range(len(DATASETS))], values, width, label=name)
    quality.axhline(0.95, color="grey", linestyle="--", linewidth=1)
    quality.set_xticks([x + 0.4 - width / 2 for x in range(len(DATASETS))], ["zh", "en", "en → zh-only"])
    quality.set_ylim(0, 1.05)
    quality.set_title("Retrieval recall@3 (dashed: target 0.95)")
    quality.legend(fontsize=8, loc="lower left")

    levels = list(results["latency"])
    for kind, colour in (("plain", "tab:grey"), ("action", "tab:blue"), ("knowledge", "tab:red")):
        _p50_p95(latency, levels, [results["latency"][lv][kind] for lv in levels], colour, kind)
    latency.set_xlabel("concurrent conversations")
    latency.set_ylabel("ms")
    latency.set_title("REST round trip")
    latency.legend(fontsize=8)

    sizes = [row["chunks"] for row in results["scale"]["sizes"]]
    for kind, colour in (("flat", "tab:green"), ("hnsw", "tab:purple")):
        _p50_p95(scale, sizes, [row[f"query_{kind}"] for row in results["scale"]["sizes"]], colour, kind)
    scale.set_xscale("log")
    scale.set_yscale("log")
    scale.set_xlabel("passages in the index")
    scale.set_ylabel("ms per search (in process)")
    scale.set_title("Search latency at scale")
    scale.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write(results: Dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    chart(results, out_dir / "results.png")
