"""What the servers expose: the action server only to this machine, no Rasa HTTP API by default."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.launch.pilot import Servers

pytestmark = [pytest.mark.e2e]


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.add(address)
    return found


def status_of(url: str, method: str = "GET") -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_action_server_listens_on_localhost_only(servers: Servers) -> None:
    assert listening_addresses(servers.actions_port) == {"0100007F"}  # 127.0.0.1


def test_rasa_exposes_no_http_api_by_default(servers: Servers) -> None:
    assert status_of(f"{servers.rasa_url}/") == 200
    for path, method in (("/conversations/x/tracker", "GET"), ("/model/parse", "POST"), ("/status", "GET")):
        assert status_of(f"{servers.rasa_url}{path}", method) == 404, path


def test_the_http_api_is_only_enabled_with_a_token() -> None:
    from bot.launch.commands import api_arguments
    from bot.launch.supervisor import StartError

    assert api_arguments({}) == []
    with pytest.raises(StartError):
        api_arguments({"RASA_ENABLE_API": "true"})
    with pytest.raises(StartError):
        api_arguments({"RASA_ENABLE_API": "true", "RASA_AUTH_TOKEN": "short"})
    token = "a-long-random-token-1234"
    assert api_arguments({"RASA_ENABLE_API": "true", "RASA_AUTH_TOKEN": token}) == [
        "--enable-api",
        "--auth-token",
        token,
    ]
