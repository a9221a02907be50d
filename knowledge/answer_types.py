"""Whether a question asks about money, and whether a document states any amount of money at all.

The plan's documents say what the bureau does and how to ask for its help; they state no fees, fines,
taxes, subsidies or rents. Questions about money are the largest group of near-scope questions ("商标异议要交
多少钱", "court fees for a trademark lawsuit", "律师费一般多少"): their topic words match a document well,
but the answer is not in it. The confidence model gets this as one signal (``money_unstated``): the question
asks about money and the passage's document states none. A document that staff add with a fee schedule
answers such questions again, by the same rule.
"""

from __future__ import annotations

import re

ASKS_MONEY = re.compile(
    r"多少钱|几块钱|花多少|交多少|罚多少|赔多少|给多少|钱|(?<!消)费|收费|价格|价钱|报价|租金|房租|税|补贴|资助|补助|"
    r"\b(?:fees?|costs?|costing|price[sd]?|pricing|(?<!in )charges?|charged|pay|paying|paid|payments?|tax|"
    r"taxe[sd]|vat|rent|rents|rental|royalty|royalties|subsid(?:y|ies)|funding|how much|cheap|expensive|"
    r"money|cash|refunds?)\b",
    re.IGNORECASE,
)
STATES_MONEY = re.compile(
    r"[0-9一二三四五六七八九十百千万]+元|费用|收费|免费|罚款|税|"
    r"\b(?:fees?|free of charge|yuan|rmb|fines?|tax|taxes)\b",
    re.IGNORECASE,
)


def asks_about_money(question: str) -> bool:
    """The question asks for an amount of money, or whether something costs any."""
    return bool(ASKS_MONEY.search(question or ""))


def states_money(text: str) -> bool:
    """The text states an amount of money, a fee, a fine or a tax (or that something is free)."""
    return bool(STATES_MONEY.search(text or ""))
