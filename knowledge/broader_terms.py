"""Broader terms of the documents for the words a question uses instead (a trade fair in Germany → overseas).

Questions name a country or a city; the documents speak of "overseas" (海外, 境外) disputes. Neither the
glossary nor the embeddings bridge that, so a question naming a place gets the documents' broader term added.
"""

from __future__ import annotations

import re
from typing import List, Tuple

from bilingual import has_cjk

# Words that stand for a broader term of the documents: a question about a trade fair in Germany is about an
# overseas dispute, though it never says "overseas".
CONCEPTS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    (
        "海外 境外 overseas",
        (
            "国外",
            "外国",
            "境外",
            "美国",
            "德国",
            "日本",
            "韩国",
            "英国",
            "法国",
            "意大利",
            "西班牙",
            "荷兰",
            "欧洲",
            "欧盟",
            "巴西",
            "印度",
            "越南",
            "泰国",
            "印尼",
            "马来西亚",
            "新加坡",
            "俄罗斯",
            "澳大利亚",
            "加拿大",
            "墨西哥",
            "中东",
            "非洲",
            "拉美",
            "东南亚",
            "拉斯维加斯",
            "abroad",
            "foreign country",
            "foreign countries",
            "united states",
            "usa",
            "america",
            "american",
            "germany",
            "german",
            "japan",
            "japanese",
            "korea",
            "korean",
            "britain",
            "british",
            "united kingdom",
            "france",
            "french",
            "italy",
            "spain",
            "netherlands",
            "europe",
            "european",
            "brazil",
            "india",
            "vietnam",
            "thailand",
            "indonesia",
            "malaysia",
            "singapore",
            "russia",
            "australia",
            "canada",
            "mexico",
            "middle east",
            "africa",
            "latin america",
            "southeast asia",
            "las vegas",
        ),
    ),
)

_CONCEPT_PATTERNS = [
    (
        re.compile(
            "|".join(re.escape(w) if has_cjk(w) else rf"(?<![a-z]){re.escape(w)}(?![a-z])" for w in words)
        ),
        broader,
    )
    for broader, words in CONCEPTS
]


def broader_terms(text: str) -> List[str]:
    """The documents' broader terms for words of ``text`` ("在美国被起诉" → 海外 境外 overseas)."""
    lowered = text.lower()
    return [broader for pattern, broader in _CONCEPT_PATTERNS if pattern.search(lowered)]
