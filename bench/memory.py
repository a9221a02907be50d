"""Resident memory of a server: the whole process tree (the Rasa server and the action server each start
worker processes), read from /proc so that no extra package is needed."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, List


def _children(pid: int) -> List[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def tree(pid: int) -> List[int]:
    pids, pending = [], [pid]
    while pending:
        current = pending.pop()
        pids.append(current)
        pending += _children(current)
    return pids


def rss_mb(pids: Iterable[int]) -> float:
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return round(total_kb / 1024, 1)


def servers_rss(processes: Dict[str, object]) -> Dict[str, float]:
    """{"rasa": MB, "actions": MB} for :class:`bot.launch.pilot.Servers`'s processes."""
    return {name: rss_mb(tree(process.pid)) for name, process in processes.items()}
