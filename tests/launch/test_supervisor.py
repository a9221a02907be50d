"""The one process supervisor, on real child processes: health, a child that dies, log tails, stopping."""

from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.launch.supervisor import StartError, Supervisor, free_port, port_is_free


def _http_server(port: int) -> list:
    return [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]


def test_a_server_is_healthy_when_it_answers_and_stopped_in_order(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path / "logs", startup_timeout=30)
    ports = {"one": free_port(), "two": free_port()}
    for name, port in ports.items():
        supervisor.spawn(name, _http_server(port), {})
    try:
        supervisor.wait_healthy({name: f"http://127.0.0.1:{port}/" for name, port in ports.items()})
        assert supervisor.exited() is None
    finally:
        supervisor.stop_in_order(["two", "one"], grace=5)
    assert supervisor.processes == {}
    assert all(port_is_free(port) for port in ports.values())


def test_a_server_that_exits_while_starting_is_reported_with_its_log(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path / "logs", startup_timeout=30)
    supervisor.spawn("broken", [sys.executable, "-c", "print('no model here'); raise SystemExit(3)"], {})
    with pytest.raises(StartError, match=r"(?s)broken server exited with code 3.*no model here"):
        supervisor.wait_healthy({"broken": f"http://127.0.0.1:{free_port()}/"})


def test_a_server_that_never_answers_times_out(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path / "logs", startup_timeout=1)
    supervisor.spawn("silent", [sys.executable, "-c", "import time; time.sleep(30)"], {})
    try:
        with pytest.raises(StartError, match="silent did not become healthy within 1 s"):
            supervisor.wait_healthy({"silent": f"http://127.0.0.1:{free_port()}/"})
    finally:
        supervisor.stop("silent", grace=5)


def test_a_server_that_ignores_sigterm_is_killed_after_the_grace(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path / "logs")
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(60)"
    supervisor.spawn("stubborn", [sys.executable, "-c", code], {})
    process = supervisor.processes["stubborn"]
    deadline = time.monotonic() + 10
    while "up" not in supervisor.log_tail("stubborn") and time.monotonic() < deadline:
        time.sleep(0.05)
    supervisor.stop("stubborn", grace=0.5)
    assert process.returncode == -signal.SIGKILL


def test_the_watch_ends_when_a_server_stops_by_itself(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path / "logs")
    supervisor.spawn("short", [sys.executable, "-c", "import time; time.sleep(0.5)"], {})
    assert supervisor.run_until_stopped(report=False) == 1
    assert supervisor.exited() == "short"


def test_the_watch_ends_cleanly_on_sigterm(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path / "logs")
    supervisor.spawn("long", [sys.executable, "-c", "import time; time.sleep(60)"], {})
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    timer = threading.Timer(0.5, lambda: signal.raise_signal(signal.SIGTERM))
    timer.start()
    try:
        assert supervisor.run_until_stopped() == 0
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
        supervisor.stop("long", grace=5)
