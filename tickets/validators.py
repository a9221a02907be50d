"""Validation of the values a user types into the ticket form. Pure functions, table-tested.

Each returns the normalised value, or None when the text holds no valid value.
"""

from __future__ import annotations

import re
from typing import Optional

from bilingual import CJK_CHARS

# Mainland mobile: 11 digits starting 13–19. Landline: area code 0 + 2–3 digits, then 7–8 digits
# (an optional extension is dropped). Spaces, dashes and a +86 / 0086 prefix are tolerated.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?|0086[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:\+?86[-\s]?|0086[-\s]?)?\(?(0\d{2,3})\)?[-\s]?(\d{3,4}[-\s]?\d{4})(?!\d)")
_EMAIL = re.compile(
    r"(?<![\w.+-])([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24})(?![\w-])"
)
# In free text an address may touch Chinese characters ("邮箱anna@example.com"): no word boundary there.
_EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}")

# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z); the last is a check character.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_TICKET = re.compile(r"\bPT[-\s]?(\d{8})[-\s]?(\d{4})\b", re.IGNORECASE)


def find_phone(text: str) -> Optional[str]:
    """The first mainland mobile (13812345678) or landline (021-12345678) number in free text."""
    text = (text or "").replace("－", "-").replace("（", "(").replace("）", ")")
    mobile = _MOBILE.search(text)
    if mobile:
        return "".join(mobile.groups())
    landline = _LANDLINE.search(text)
    if landline:
        number = re.sub(r"\D", "", landline.group(2))
        if 7 <= len(number) <= 8:
            return f"{landline.group(1)}-{number}"
    return None


def find_email(text: str) -> Optional[str]:
    match = _EMAIL.search((text or "").replace("＠", "@"))
    return match.group(1).lower() if match else None


def credit_code_check_character(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def valid_credit_code(text: str) -> Optional[str]:
    """A unified social credit code (统一社会信用代码) with a correct check character, upper-cased."""
    code = re.sub(r"[\s-]", "", (text or "")).upper()
    if len(code) != 18 or any(ch not in CREDIT_ALPHABET for ch in code):
        return None
    return code if credit_code_check_character(code[:17]) == code[17] else None


def clean_name(text: str, minimum: int = 2, maximum: int = 100) -> Optional[str]:
    """A company or person name: trimmed, not just digits or punctuation, of a sensible length."""
    name = re.sub(r"\s+", " ", (text or "").strip())
    if not (minimum <= len(name) <= maximum):
        return None
    if not re.search(f"[A-Za-z{CJK_CHARS}]", name):
        return None
    return name


def clean_description(text: str, minimum: int = 10, maximum: int = 2000) -> Optional[str]:
    """A description long enough to act on (10 characters) and at most 2,000."""
    description = (text or "").strip()
    if not (minimum <= len(description) <= maximum):
        return None
    return description


def find_ticket_number(text: str) -> Optional[str]:
    match = _TICKET.search(text or "")
    return f"PT-{match.group(1)}-{match.group(2)}" if match else None


def phone_last_four(phone: Optional[str]) -> Optional[str]:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:] if len(digits) >= 4 else None


def mask_phone(phone: Optional[str]) -> str:
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    return digits[:3] + "*" * max(0, len(digits) - 7) + digits[-4:] if len(digits) > 7 else "****"


def mask_email(email: Optional[str]) -> str:
    if not email or "@" not in email:
        return ""
    local, domain = email.split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_contact_details(text: str) -> str:
    """Free text with every phone number and e-mail address in it masked as a ticket's are ("138****5678"),
    for logs staff read (the answer log keeps what users asked, not how to reach them)."""
    text = _EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group(0)), text or "")
    text = _MOBILE.sub(lambda m: mask_phone("".join(m.groups())), text)
    return _LANDLINE.sub(lambda m: mask_phone("".join(m.groups())), text)
