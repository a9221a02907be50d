"""How the ticket form reads a user's words: a request type, yes or no, a field to change, a skip.

Pure functions over text, apart from the form's actions so that they are tested as tables.
"""

from __future__ import annotations

import re
from typing import Optional

from actions.texts import REQUEST_TYPE_LABELS

SKIPPED = "-"  # value of an optional field the user chose to skip

_TYPE_KEYWORDS = (
    ("overseas_dispute", r"overseas|abroad|foreign court|customs|海外|境外|国外|出口|被诉"),
    ("trade_secret", r"trade.?secret|confidential|leak|商业秘密|泄密|技术秘密|秘密"),
    ("mediation", r"mediat|dispute|调解|纠纷"),
    ("infringement_report", r"report|infring|counterfeit|fake|complain|举报|侵权|投诉|假冒|假货|仿冒"),
    ("other", r"other|else|其他|别的"),
)
_SKIP = re.compile(r"^\s*(skip|no|none|n/?a|don'?t have|没有|无|跳过|不填|暂无|略过)\s*[.!。！]?\s*$", re.I)
_YES = re.compile(
    r"^\s*(yes|y|ok|okay|sure|confirm|submit|agree|i agree|correct|right|"
    r"是|是的|对|好|好的|确认|确认提交|提交|同意|可以|没问题|无误)\s*[.!。！]?\s*$",
    re.I,
)
_NO = re.compile(
    r"^\s*(no|n|nope|disagree|i do not agree|i don'?t agree|不|不是|否|不同意|不要|不对|不行)"
    r"\s*[.!。！]?\s*$",
    re.I,
)
_FIELD_KEYWORDS = (
    ("contact", r"phone|mobile|e-?mail|contact detail|电话|手机|邮箱|联系方式"),
    ("contact_person", r"contact person|name of|person|联系人|姓名"),
    ("company_name", r"company|firm|企业|公司|单位"),
    ("credit_code", r"credit code|uscc|信用代码|代码"),
    ("description", r"descri|detail|情况|描述|说明"),
    ("workstation", r"workstation|station|工作站|受理"),
    ("request_type", r"type|request|类型|事项"),
)


def parse_request_type(value: str) -> Optional[str]:
    value = (value or "").strip().lower()
    if value in REQUEST_TYPE_LABELS:
        return value
    if value.isdigit() and 1 <= int(value) <= len(REQUEST_TYPE_LABELS):
        return list(REQUEST_TYPE_LABELS)[int(value) - 1]
    for request_type, pattern in _TYPE_KEYWORDS:
        if re.search(pattern, value, re.I):
            return request_type
    return None


def parse_yes_no(value: str, intent: Optional[str]) -> Optional[bool]:
    if intent == "affirm" or _YES.match(value or ""):
        return True
    if intent == "deny" or _NO.match(value or ""):
        return False
    return None


def field_to_change(value: str) -> Optional[str]:
    for field, pattern in _FIELD_KEYWORDS:
        if re.search(pattern, value or "", re.I):
            return field
    return None


def without_contact_details(value: str) -> str:
    """A company or person name with any phone number or e-mail address typed along with it removed."""
    value = re.sub(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", " ", value or "")
    value = re.sub(r"(\+?86[-\s]?)?\d[\d\s()-]{6,}\d", " ", value)
    value = re.sub(r"(电话|手机|邮箱|phone|mobile|e-?mail|tel)[:：\s]*$", "", value.strip(), flags=re.I)
    return re.sub(r"[,，;；\s]+$", "", value).strip()


def is_skip(value: str) -> bool:
    """The user chose not to give an optional field ("跳过", "none")."""
    return bool(_SKIP.match(value or ""))
