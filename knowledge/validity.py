"""Validity dates: a document may say from when (``effective``) and until when (``expires``) it applies.

A policy that has expired, or is not yet in force, must not answer a question as if it were current. The
dates are compared with today's date in Shanghai (where the bureau's documents take effect) each time a search
runs, so a document drops out of answers on the day after it expires without anyone rebuilding the index;
the console lists it as expired so staff renew or remove it.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional
from zoneinfo import ZoneInfo

BUREAU_TIMEZONE = ZoneInfo("Asia/Shanghai")

IN_FORCE = "in_force"
EXPIRED = "expired"
NOT_YET = "not_yet"


def today() -> dt.date:
    """The bureau's date now (a server's clock runs in UTC; a Shanghai date changes eight hours earlier)."""
    return dt.datetime.now(BUREAU_TIMEZONE).date()


def parse_date(value: Optional[str]) -> Optional[dt.date]:
    return dt.date.fromisoformat(value) if value else None


def status(effective: Optional[str], expires: Optional[str], on: dt.date) -> str:
    """``IN_FORCE``, ``EXPIRED`` (the day after ``expires``: the date itself is the last day it applies) or
    ``NOT_YET`` (before ``effective``)."""
    start, end = parse_date(effective), parse_date(expires)
    if end is not None and on > end:
        return EXPIRED
    if start is not None and on < start:
        return NOT_YET
    return IN_FORCE


def in_force(effective: Optional[str], expires: Optional[str], on: dt.date) -> bool:
    return status(effective, expires, on) == IN_FORCE
