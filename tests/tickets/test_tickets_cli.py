"""`python -m tickets` as staff run it: list (masked), show, assign, status, note, export."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tickets.store import NewTicket, TicketStore

ROOT = Path(__file__).resolve().parents[2]


def run(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TICKETS_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "tickets", "--actor", "li.si", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_staff_work_a_ticket_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tickets.db'}"
    number = (
        TicketStore(url)
        .create(
            NewTicket(
                "trade_secret",
                "示例公司",
                "王五",
                "员工离职带走了技术资料。",
                "trade-secret-point",
                "zh",
                phone="13812345678",
                email="wang@example.com",
            )
        )
        .number
    )

    listed = run(url, "list")
    assert listed.returncode == 0 and number in listed.stdout
    assert "138****5678" in listed.stdout and "w***@example.com" in listed.stdout
    assert "13812345678" not in listed.stdout and "wang@example.com" not in listed.stdout

    assert run(url, "assign", number, "zhao.liu").returncode == 0
    assert run(url, "status", number, "in_progress", "--note", "已联系").returncode == 0
    assert run(url, "note", number, "企业补充了证据").returncode == 0
    assert number in run(url, "list", "--status", "in_progress", "--workstation", "trade-secret-point").stdout
    assert number not in run(url, "list", "--status", "new").stdout

    shown = run(url, "show", number).stdout
    assert "13812345678" in shown and "zhao.liu" in shown and "企业补充了证据" in shown and "li.si" in shown

    exported = tmp_path / "tickets.csv"
    result = run(url, "export", "--csv", "--masked", "-o", str(exported))
    assert result.returncode == 0 and "1 tickets exported" in result.stderr
    assert number in exported.read_text(encoding="utf-8-sig")

    refused = run(url, "status", number, "new")
    assert refused.returncode == 1 and "cannot go from in_progress to new" in refused.stderr
    missing = run(url, "show", "PT-20000101-0001")
    assert missing.returncode == 1 and "no ticket" in missing.stderr and "Traceback" not in missing.stderr
    assert run(url, "frobnicate").returncode == 2
