"""The one language rule, in Python and in the chat page's JavaScript, against the same table of cases."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import bilingual

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads((ROOT / "bilingual" / "cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["text"] or "(empty)" for c in CASES])
def test_python_rule(case: dict) -> None:
    assert bilingual.text_language(case["text"]) == case["language"]


def test_the_chat_page_follows_the_same_rule() -> None:
    node = shutil.which("node")
    assert node, "Node.js is needed for the chat page (scripts/ensure-node-modules.sh installs it)"
    script = (
        "import { textLanguage } from './bot/web/src/i18n.js';"
        "import { readFileSync } from 'node:fs';"
        "const cases = JSON.parse(readFileSync('bilingual/cases.json', 'utf8'));"
        "console.log(JSON.stringify(cases.map((c) => textLanguage(c.text))));"
    )
    result = subprocess.run(
        [node, "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [case["language"] for case in CASES]


def test_counts() -> None:
    assert bilingual.cjk_count("商标 trademark 侵权") == 4
    assert bilingual.latin_word_count("a trademark, an IP case") == 4  # "a" is no word
    assert bilingual.has_cjk("logo 被仿冒") and not bilingual.has_cjk("logo")


def test_questions_in_either_language() -> None:
    for text in [
        "申请调解要带哪些材料",
        "调解协议有没有法律效力",
        "多久能处理完",
        "how do I report fakes",
        "是这样吗",
        "双随机抽查是啥",
        "被仿冒了咋办",
    ]:
        assert bilingual.is_question(text), text
    for text in ["我要开工单", "open a ticket", "谢谢", "", "PT-20261127-0042"]:
        assert not bilingual.is_question(text), text
