"""The workstation directory: the shipped file is valid and every invented detail is shown as an example."""

from __future__ import annotations

import copy

import pytest

from tickets.workstations import DirectoryError, load_directory, parse_directory

ENTRY = {
    "id": "desk",
    "name": {"zh": "窗口", "en": "Desk"},
    "services": ["mediation", "other"],
    "hours": {"zh": "工作日", "en": "Weekdays"},
    "address": {"zh": "地址", "en": "Address"},
    "phone": "021-12345678",
}


def test_the_shipped_directory_is_valid_and_marked_as_examples() -> None:
    stations = load_directory()
    assert stations and all(s.example for s in stations)
    desk = next(s for s in stations if s.id == "putuo-ip-service")
    assert "示例" in desk.label("zh") and "example" in desk.label("en")


def test_an_unknown_service_is_refused() -> None:
    entry = copy.deepcopy(ENTRY)
    entry["services"] = ["consulting"]
    with pytest.raises(DirectoryError, match="'services'"):
        parse_directory({"workstations": [entry]})
