"""Whether a question asks about money (or time), and whether a document states any amount of it at all.

The plan's documents say what the bureau does and how to ask for its help; they state no fees, fines,
taxes, subsidies or rents. Questions about money are the largest group of near-scope questions ("商标异议要交
多少钱", "court fees for a trademark lawsuit", "律师费一般多少"): their topic words match a document well,
but the answer is not in it. The confidence model gets this as one signal (``money_unstated``): the question
asks about money and the passage's document states none. A document that staff add with a fee schedule
answers such questions again, by the same rule.

Time is the second group, by the same rule: how long something takes, a deadline, opening hours or days
("调解要多久", "is the hotline open on sundays", "复审要在几天内提交"). A document that names a time limit
("申请司法确认有法定的期限") states time; one that says nothing of durations or hours does not
(``time_unstated``).
"""

from __future__ import annotations

import re

ASKS_MONEY = re.compile(
    r"多少钱|几块钱|花多少|交多少|罚多少|赔多少|给多少|钱|(?<!消)费|收费|价格|价钱|报价|租金|房租|税|补贴|资助|补助|"
    r"\b(?:fees?|costs?|costing|price[sd]?|pricing|(?<!in )charges?|charged|pay|paying|paid|payments?|tax|"
    r"taxe[sd]|vat|rent|rents|rental|royalty|royalties|subsid(?:y|ies)|funding|how much|cheap|expensive|"
    r"money|cash|refunds?)\b|"
    # a grant of money, not a patent's grant: "can we get a grant for filing patents", "any grants for SMEs"
    r"\b(?:get|getting|apply for|applying for|receive|any|government|a) grants?\b(?! of\b)",
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


ASKS_TIME = re.compile(
    r"多久|多长时间|多少天|几天|几个月|几年|期限|时限|截止|几点|周末|周[六日]|星期[六天日]|节假日|开门|关门|下班|"
    r"上班时间|营业时间|办公时间|工作时间|开放时间|"
    r"\b(?:how long|how many (?:days|weeks|months|years)|how soon|deadlines?|time limits?|opening hours|"
    r"office hours|business hours|open on|what time|weekends?|sundays?|saturdays?|holidays?|"
    r"takes? (?:long|time)|turnaround|waiting time)\b",
    re.IGNORECASE,
)
STATES_TIME = re.compile(
    r"期限|时限|[0-9一二三四五六七八九十百]+(?:个工作日|个月|日内|天内|年内|小时|周内)|开放时间|办公时间|"
    r"每(?:年|半年|季度|个?月|周|天|日)|"  # how often: "每季度举行一次" answers "多久举行一次"
    r"\b(?:time limits?|deadlines?|\d+ (?:working )?(?:days|weeks|months|hours)|opening hours|"
    r"office hours|annually|quarterly|monthly|weekly|every (?:year|quarter|month|week|day))\b",
    re.IGNORECASE,
)


def asks_about_time(question: str) -> bool:
    """The question asks how long, by when, or at what hours or days."""
    return bool(ASKS_TIME.search(question or ""))


def states_time(text: str) -> bool:
    """The text names a time limit, a duration or opening hours."""
    return bool(STATES_TIME.search(text or ""))
