"""One knowledge base for every host: two real action servers, each with its own var directory (as on two
machines), follow index builds published through one PostgreSQL database. A staff change made with the
knowledge CLI on a third directory is answered by both, without a restart."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from bench.action_queue import action_request
from bot.launch.commands import ACTIONS_VENV, actions_command, offline_environment
from bot.launch.infra import PostgresServer
from bot.launch.supervisor import ROOT, Supervisor, free_port
from tests.staff.test_console import NEW_DOC  # the staff's new document, as the console tests upload it

QUESTION = "应急演练多久举行一次？"
HOSTS = ("host-a", "host-b")


def ask(port: int, text: str) -> Dict:
    """Call the action server as Rasa does, for the knowledge answer to ``text``; its first reply."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhook",
        data=json.dumps(action_request("action_answer_from_knowledge", text)).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["responses"][0]


def cited(reply: Dict) -> List[str]:
    return [c.get("doc_id", "") for c in (reply.get("custom") or {}).get("citations", [])]


def knowledge_cli(env: Dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(ACTIONS_VENV / "bin" / "python"), "-m", "knowledge", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def own_model_build(target: Path) -> Path:
    """The model as another host's ``make model`` leaves it: the same files (hard links, to save the copy)
    and a model card of its own, built at another time."""
    source = ROOT / "var" / "models" / "multilingual-e5-small"
    shutil.copytree(source, target, copy_function=os.link)
    card = json.loads((source / "model_card.json").read_text(encoding="utf-8"))
    (target / "model_card.json").unlink()
    (target / "model_card.json").write_text(
        json.dumps({**card, "built": "2027-01-01T00:00:00+0000"}), "utf-8"
    )
    return target


@pytest.fixture
def two_hosts(tmp_path: Path, postgres_server: PostgresServer) -> Iterator[tuple]:
    """The staff's directory (documents and an index), published; then two action servers with empty
    index directories of their own."""
    url = postgres_server.create_database(f"knowledge_two_hosts_{os.getpid()}")
    base = {
        **os.environ,
        **offline_environment(),
        "KNOWLEDGE_DATABASE_URL": url,
        "KNOWLEDGE_FOLLOW_SECONDS": "1",
    }
    staff = tmp_path / "staff"
    shutil.copytree(ROOT / "knowledge" / "docs", staff / "docs")
    shutil.copytree(ROOT / "var" / "index", staff / "index", symlinks=True)
    staff_env = {
        **base,
        "KNOWLEDGE_DOCS_DIR": str(staff / "docs"),
        "KNOWLEDGE_INDEX_DIR": str(staff / "index"),
    }
    knowledge_cli(staff_env, "rebuild")  # nothing to embed: publishes the staff's index
    supervisor = Supervisor(tmp_path / "logs", startup_timeout=240)
    ports = {name: free_port() for name in HOSTS}
    for name in HOSTS:
        var = tmp_path / name
        env = {
            **base,
            "ASSISTANT_VAR_DIR": str(var),
            "KNOWLEDGE_EMBEDDING_MODEL": str(own_model_build(var / "models" / "multilingual-e5-small")),
            "KNOWLEDGE_INDEX_DIR": str(var / "index"),
            "TICKETS_DATABASE_URL": f"sqlite:///{var / 'tickets.db'}",
            "SANIC_HOST": "127.0.0.1",
        }
        supervisor.spawn(name, actions_command(ports[name]), env)
    try:
        supervisor.wait_healthy({name: f"http://127.0.0.1:{port}/health" for name, port in ports.items()})
        yield staff_env, staff, ports
    finally:
        supervisor.stop_in_order(HOSTS)


def test_a_staff_change_is_answered_by_the_action_servers_of_both_hosts(two_hosts, tmp_path: Path) -> None:
    staff_env, staff, ports = two_hosts
    for name in HOSTS:  # each host serves the published build from its own directory
        assert (tmp_path / name / "index" / "current").is_symlink()
        assert cited(ask(ports[name], "商标侵权怎么举报？"))[0] == "how-to-report-infringement"
        assert "drill-notice" not in cited(ask(ports[name], QUESTION))
    new = tmp_path / "drill-notice.md"
    new.write_text(NEW_DOC, encoding="utf-8")
    knowledge_cli(staff_env, "add", str(new))
    published = os.readlink(staff / "index" / "current")

    deadline = time.monotonic() + 30
    answers = {}
    while time.monotonic() < deadline and len(answers) < len(HOSTS):
        for name in HOSTS:
            reply = ask(ports[name], QUESTION)
            if "drill-notice" in cited(reply):
                answers[name] = reply["text"]
        time.sleep(0.5)
    assert set(answers) == set(HOSTS), f"not answered from the new document by {set(HOSTS) - set(answers)}"
    assert all("每季度" in text for text in answers.values())
    for name in HOSTS:
        assert os.readlink(tmp_path / name / "index" / "current") == published
