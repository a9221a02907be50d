"""`python -m knowledge` end to end, as a staff member runs it: real files, real model, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.knowledge.conftest import write_doc

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _environment(tmp_path: Path, model_dir: str) -> dict:
    docs = tmp_path / "docs"
    write_doc(docs, "zh", "report", "商标侵权举报", "发现假冒注册商标的商品，可以向市场监督管理部门举报。")
    write_doc(
        docs,
        "zh",
        "mediation",
        "专利纠纷行政调解",
        "专利侵权纠纷可以申请行政调解，调解协议可以申请司法确认。",
    )
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "KNOWLEDGE_DOCS_DIR": str(docs),
        "KNOWLEDGE_INDEX_DIR": str(tmp_path / "index"),
        "KNOWLEDGE_EMBEDDING_MODEL": model_dir,
    }


@pytest.fixture
def kb(tmp_path: Path, model_dir: str) -> dict:
    """A fresh knowledge base with two documents and no index."""
    return _environment(tmp_path, model_dir)


@pytest.fixture(scope="module")
def built_kb(tmp_path_factory: pytest.TempPathFactory, model_dir: str) -> dict:
    """A knowledge base with its index, shared by the tests that must leave it untouched."""
    env = _environment(tmp_path_factory.mktemp("built"), model_dir)
    result = run(env, "rebuild")
    assert result.returncode == 0, result.stderr
    return env


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def snapshot(env: dict) -> dict:
    """Every file of the knowledge base and of the index, with its content."""
    files = {}
    for root in (Path(env["KNOWLEDGE_DOCS_DIR"]), Path(env["KNOWLEDGE_INDEX_DIR"])):
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.name != "build.lock":
                files[str(path)] = path.read_bytes()
            elif path.is_symlink():
                files[str(path)] = os.readlink(path)
    return files


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with a line of ASCII text (enough for a real PDF parser)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_rebuild_search_add_update_remove(kb: dict, tmp_path: Path) -> None:
    result = run(kb, "rebuild")
    assert result.returncode == 0, result.stderr
    assert "added 2" in result.stdout and "2 of 2 chunks embedded" in result.stdout

    result = run(kb, "search", "假冒商标怎么举报", "-k", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1. [zh] 商标侵权举报") and "source: test corpus" in result.stdout

    new = tmp_path / "customs-guide.txt"
    new.write_text(
        "Goods detained by customs\n\nIf customs detains your goods abroad, keep every document.\n"
    )
    result = run(kb, "add", str(new), "--topics", "customs,overseas", "--source", "staff note 2026")
    assert result.returncode == 0, result.stderr
    assert "added en/customs-guide" in result.stdout and "1 of 3 chunks embedded" in result.stdout
    assert "customs-guide" in run(kb, "list").stdout

    result = run(kb, "search", "what if customs detains our goods", "--lang", "en", "-k", "1")
    assert "Goods detained by customs" in result.stdout

    new.write_text("Goods detained by customs\n\nKeep every document and ask a local lawyer.\n")
    result = run(kb, "update", str(new), "--source", "staff note 2026")
    assert result.returncode == 0, result.stderr
    assert "changed 1" in result.stdout and "1 of 3 chunks embedded" in result.stdout
    assert "local lawyer" in run(kb, "show", "customs-guide").stdout

    result = run(kb, "remove", "customs-guide")
    assert result.returncode == 0 and "removed en/customs-guide" in result.stdout
    assert "customs-guide" not in run(kb, "list").stdout
    stats = run(kb, "stats")
    assert stats.returncode == 0 and "documents:  2" in stats.stdout and "up to date" in stats.stdout


def test_word_and_pdf_files_are_converted(kb: dict, tmp_path: Path) -> None:
    import docx

    word = docx.Document()
    word.add_heading("展会知识产权保护", level=1)
    word.add_paragraph("展会期间发现侵权展品，可以向展会投诉站投诉。")
    word.save(tmp_path / "fair.docx")
    (tmp_path / "notice.pdf").write_bytes(minimal_pdf("Trade fair exhibitors must respect patents."))
    result = run(kb, "add", str(tmp_path / "fair.docx"), str(tmp_path / "notice.pdf"), "--topics", "fair")
    assert result.returncode == 0, result.stderr
    shown = run(kb, "show", "fair").stdout
    assert "lang: zh" in shown and "## 展会知识产权保护" in shown and "投诉站" in shown
    assert "Trade fair exhibitors must respect patents." in run(kb, "show", "notice").stdout


@pytest.mark.parametrize(
    ("name", "content", "extra", "message"),
    [
        ("notes.xyz", b"text", [], "unsupported format"),
        ("empty.txt", b"   \n", [], "contains no text"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", [], "not a readable PDF"),
        ("broken.docx", b"PK not a zip", [], "not a readable Word"),
        ("gbk.txt", "商标".encode("gbk"), [], "not UTF-8"),
        (
            "nofield.md",
            b"---\nid: x1\ntitle: T\nlang: zh\nsource: s\nupdated: 2023-01-01\n---\nbody",
            [],
            "'topics'",
        ),
        ("report.md", None, [], "already exists"),
        ("dup.txt", "重复的文档。".encode(), ["--id", "report"], "already exists"),
    ],
)
def test_bad_input_changes_nothing(built_kb: dict, tmp_path: Path, name, content, extra, message) -> None:
    kb = built_kb
    before = snapshot(kb)
    path = tmp_path / name
    if content is None:  # a document whose id is already taken
        path.write_text((Path(kb["KNOWLEDGE_DOCS_DIR"]) / "zh" / "report.md").read_text(encoding="utf-8"))
    else:
        path.write_bytes(content)
    result = run(kb, "add", str(path), *extra)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert snapshot(kb) == before


def test_missing_things_are_explained(kb: dict, tmp_path: Path) -> None:
    result = run(kb, "search", "商标")
    assert result.returncode == 1 and "no knowledge index" in result.stderr
    result = run(kb, "remove", "nope")
    assert result.returncode == 1 and "no document with id 'nope'" in result.stderr
    result = run({**kb, "KNOWLEDGE_EMBEDDING_MODEL": str(tmp_path / "no-model")}, "rebuild")
    assert result.returncode == 1 and "make model" in result.stderr
    assert run(kb, "frobnicate").returncode == 2
