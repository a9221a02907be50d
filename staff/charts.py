"""Charts drawn on the server as SVG shapes (no script, no inline style: the console's CSP holds), each
with the same figures as a table next to it for screen readers and copying."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

# Colour-blind-safe (Okabe-Ito), dark enough on white for the 3:1 of graphical objects.
COLOURS = {"answered": "#0072B2", "not_covered": "#D55E00", "declined": "#7a6a00"}
WIDTH, HEIGHT, MARGIN = 720, 220, 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str  # what a tooltip (<title>) says


def stacked_days(
    days: Sequence[dt.date], per_day: Dict[dt.date, Counter], kinds: Sequence[str]
) -> Tuple[List[Bar], int]:
    """One stacked bar per day (kinds bottom to top); and the scale's top."""
    top = max([sum(per_day[d].values()) for d in days] + [1])
    slot = (WIDTH - 2 * MARGIN) / max(1, len(days))
    bars = []
    for i, day in enumerate(days):
        base = HEIGHT - MARGIN
        for kind in kinds:
            count = per_day[day][kind]
            if not count:
                continue
            height = (HEIGHT - 2 * MARGIN) * count / top
            base -= height
            bars.append(
                Bar(
                    MARGIN + i * slot + 1,
                    base,
                    max(1.0, slot - 2),
                    height,
                    COLOURS[kind],
                    f"{day:%m-%d} {kind}: {count}",
                )
            )
    return bars, top


def horizontal(counts: Sequence[Tuple[str, int]], width: int = WIDTH - 300) -> List[Bar]:
    """One bar per (label, count), longest first, scaled to the largest."""
    top = max([count for _, count in counts] + [1])
    return [
        Bar(0, i * 22, max(1.0, width * count / top), 16, COLOURS["answered"], f"{label}: {count}")
        for i, (label, count) in enumerate(counts)
    ]
