"""What the dashboard shows, from the answer log: questions per day, how they ended, which documents were
cited, per language. Computed over a window of days (the log's rows of that window, aggregated here, so the
same code runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import select

from feedback.models import AnswerRecord
from feedback.store import LOW_CONFIDENCE, AnswerLog

LOCAL = ZoneInfo("Asia/Shanghai")
KINDS = ("answered", "not_covered", "declined")


@dataclass
class Summary:
    days: List[dt.date]
    per_day: Dict[dt.date, Counter] = field(default_factory=dict)  # day -> outcome -> count
    total: int = 0
    outcomes: Counter = field(default_factory=Counter)
    rated_up: int = 0
    rated_down: int = 0
    unsure: int = 0
    cited: Counter = field(default_factory=Counter)  # document title -> answers citing it first
    languages: Counter = field(default_factory=Counter)

    def share(self, count: int) -> float:
        return count / self.total if self.total else 0.0

    @property
    def busiest(self) -> int:
        return max((sum(c.values()) for c in self.per_day.values()), default=0)


def summarise(
    log: AnswerLog, days: int = 30, language: Optional[str] = None, today: Optional[dt.date] = None
) -> Summary:
    """The last ``days`` local days (today included), optionally one language."""
    today = today or dt.datetime.now(LOCAL).date()
    first = today - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first, dt.time(), LOCAL)
    summary = Summary([first + dt.timedelta(days=i) for i in range(days)])
    summary.per_day = {day: Counter() for day in summary.days}
    query = select(
        AnswerRecord.created_at, AnswerRecord.language, AnswerRecord.outcome, AnswerRecord.probability,
        AnswerRecord.rating, AnswerRecord.citations,
    ).where(AnswerRecord.created_at >= since)  # fmt: skip
    if language:
        query = query.where(AnswerRecord.language == language)
    with log.sessions() as session:
        rows: List[Tuple] = list(session.execute(query))
    for created, lang, outcome, probability, rating, citations in rows:
        day = created.astimezone(LOCAL).date()
        if day not in summary.per_day:
            continue
        summary.per_day[day][outcome] += 1
        summary.total += 1
        summary.outcomes[outcome] += 1
        summary.languages[lang] += 1
        summary.rated_up += rating == "up"
        summary.rated_down += rating == "down"
        if outcome == "answered":
            summary.unsure += probability is not None and probability < LOW_CONFIDENCE
            cited = json.loads(citations or "[]")
            if cited:
                summary.cited[cited[0].get("title") or cited[0].get("doc_id") or "?"] += 1
    return summary
