"""Faults against the production shape, each checked for what it must not lose (issue: reliability).

Killed action server, killed Rasa instance under load, PostgreSQL restarting during ticket saves, a
knowledge rebuild killed midway while questions are answered.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.launch.production import Production
from bot.launch.supervisor import ROOT
from tests.reliability.conftest import is_apology, post, query, text_of, wait_until_answering
from tests.reliability.flows import CONFIRM, NUMBER, QUESTIONS, TICKET_STEPS

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_a_conversation_goes_through_nginx_to_postgresql(production: Production) -> None:
    sender = "prod-happy"
    for message, expected in TICKET_STEPS:
        status, replies = post(production, sender, message)
        assert status == 200 and expected in text_of(replies), (message, replies)
    status, replies = post(production, sender, CONFIRM)
    number = NUMBER.search(text_of(replies)).group(0)
    assert query(production, "tickets", "SELECT count(*) FROM tickets WHERE number = :p0", number)[0][0] == 1
    users = query(
        production, "rasa", "SELECT count(*) FROM events WHERE sender_id = :p0 AND type_name = 'user'", sender
    )
    assert users[0][0] == len(TICKET_STEPS) + 1


def test_killed_action_servers_get_an_apology_then_the_conversation_goes_on(production: Production) -> None:
    sender = "prod-actions-down"
    wait_until_answering(production)
    production.kill("actions-1")
    try:
        for question in QUESTIONS[:4]:  # the other action server answers
            status, replies = post(production, sender, question)
            assert status == 200 and not is_apology(text_of(replies)), replies
        production.kill("actions-2")
        status, replies = post(production, sender, "商标侵权怎么举报？")
        assert status == 200 and "请稍后再试" in text_of(replies)
    finally:
        for name in ("actions-1", "actions-2"):
            if name not in production.processes:
                production.start_one(name, wait=False)
        production.wait_healthy(["actions-1", "actions-2"])
    for _ in range(10):  # nginx tries a server it saw fail again after a few seconds
        status, replies = post(production, sender, "商标侵权怎么举报？")
        if "根据" in text_of(replies):
            break
        time.sleep(1)
    assert status == 200 and "根据" in text_of(replies)


def test_a_rasa_instance_killed_under_load_loses_no_conversation(production: Production) -> None:
    wait_until_answering(production)
    results: dict[str, list[tuple[int, str]]] = {}
    lock = threading.Lock()

    def talk(number: int) -> None:
        sender = f"prod-kill-rasa-{number}"
        for i in range(8):
            status, replies = post(production, sender, QUESTIONS[(number + i) % len(QUESTIONS)])
            with lock:
                results.setdefault(sender, []).append((status, text_of(replies)))

    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(talk, n) for n in range(12)]
        time.sleep(3)
        production.kill("rasa-1")
        for future in futures:
            future.result()
    try:
        answered = sum(
            1 for replies in results.values() for status, text in replies if status == 200 and text
        )
        failed = [(s, status) for s, replies in results.items() for status, _ in replies if status != 200]
        print(f"\n    Rasa instance killed under load: {answered} of 96 messages answered, failures {failed}")
        # Failures only around the kill: messages in flight on the killed instance (502: sent, so never
        # replayed; a connection it had accepted but not read fails the same way), then a 503 for the
        # next message, which waits on the dead instance's lock on the conversation and is told to try
        # again after the REST channel's 60 s bound, before nginx's 90 s (known issue, see README).
        for sender, replies in results.items():
            statuses = [status for status, _ in replies if status != 200]
            assert len(statuses) <= 3 and set(statuses) <= {502, 503}, (sender, statuses)
        # trackers intact: every answered message is in its conversation, in PostgreSQL
        for sender, replies in results.items():
            stored = query(
                production,
                "rasa",
                "SELECT count(*) FROM events WHERE sender_id = :p0 AND type_name = 'user'",
                sender,
            )[0][0]
            assert stored >= sum(1 for status, _ in replies if status == 200), sender
        # and each conversation goes on
        for sender in results:
            status, replies = post(production, sender, "谢谢")
            assert status == 200 and text_of(replies), sender
    finally:
        production.start_one("rasa-1")


def test_postgresql_restarting_during_ticket_saves_loses_and_duplicates_nothing(
    production: Production,
) -> None:
    users = [f"prod-pg-{n}" for n in range(6)]
    for user in users:
        for message, expected in TICKET_STEPS:
            status, replies = post(production, user, message)
            assert expected in text_of(replies), (user, message, replies)
    told: dict[str, str] = {}
    not_saved: dict[str, str] = {}

    def confirm(user: str) -> None:
        for _ in range(8):  # the user repeats "确认" while the service says it is unavailable
            status, replies = post(production, user, CONFIRM)
            found = NUMBER.search(text_of(replies))
            if found:
                told[user] = found.group(0)
                return
            not_saved[user] = text_of(replies)
            if "无法保存" in text_of(replies):  # told plainly that nothing was saved
                return
            time.sleep(1.5)

    before = query(production, "tickets", "SELECT count(*) FROM tickets")[0][0]
    threads = [threading.Thread(target=confirm, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    production.postgres.restart()
    for thread in threads:
        thread.join()
    print(
        f"\n    PostgreSQL restarted during saves: {len(told)} of {len(users)} users told their ticket number; "
        f"the others were last told: {sorted(set(v[:60] for u, v in not_saved.items() if u not in told))}"
    )
    numbers = [row[0] for row in query(production, "tickets", "SELECT number FROM tickets")]
    for user, number in told.items():
        assert numbers.count(number) == 1, (user, number)  # every confirmed ticket exactly once
    assert len(numbers) - before == len(told)  # and nothing saved that nobody was told about
    for user in set(users) - set(told):  # the others heard plainly that it was not saved (or to retry)
        assert "无法保存" in not_saved[user] or "稍后再试" in not_saved[user], not_saved[user]


def _rebuild(production: Production) -> subprocess.Popen:
    env = {**os.environ, **production.actions_env(), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [str(Path(sys.executable)), "-m", "knowledge", "rebuild", "--full"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


NEW_DOC = """---
id: reliability-drill
title: 知识产权应急演练说明
lang: zh
topics: [drill]
source: "测试用文档（可靠性测试写入，仅存在于测试副本中）"
updated: 2026-11-27
---
# 知识产权应急演练说明

## 演练安排
普陀区知识产权应急演练每季度举行一次，演练内容包括侵权线索的快速移交和证据保全。参加演练的企业需提前报名。
"""


def test_a_rebuild_killed_midway_leaves_the_old_index_answering(production: Production) -> None:
    wait_until_answering(production)
    docs = Path(production.extra_env["KNOWLEDGE_DOCS_DIR"])
    answers: list[tuple[int, str]] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            answers.append(post(production, f"prod-rebuild-{len(answers) // 5}", "商标侵权怎么举报？"))

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        (docs / "zh" / "reliability-drill.md").write_text(NEW_DOC, encoding="utf-8")
        rebuild = _rebuild(production)
        time.sleep(6)  # well inside a full rebuild (about 30 s)
        assert rebuild.poll() is None, "the rebuild ended before it could be killed"
        os.killpg(rebuild.pid, signal.SIGKILL)
        rebuild.wait()
        time.sleep(2)
        drill = text_of(post(production, "prod-rebuild-drill-1", "知识产权应急演练多久举行一次？")[1])
        assert "应急演练说明" not in drill  # the killed build never went live
        completed = _rebuild(production)
        assert completed.wait(timeout=300) == 0
        # Live without a restart on both action servers (each follows the published build within seconds).
        deadline, live = time.monotonic() + 30, 0
        while live < 4 and time.monotonic() < deadline:
            drill = text_of(
                post(production, f"prod-rebuild-drill-{2 + live}", "知识产权应急演练多久举行一次？")[1]
            )
            live = live + 1 if "应急演练说明" in drill else 0
        assert live == 4, drill  # four answers in a row: nginx spread them over both action servers
    finally:
        stop.set()
        asker.join()
        (docs / "zh" / "reliability-drill.md").unlink(missing_ok=True)
    print(f"\n    answers during the killed and the completed rebuild: {len(answers)}")
    assert answers and all(status == 200 and "根据" in text_of(replies) for status, replies in answers)
