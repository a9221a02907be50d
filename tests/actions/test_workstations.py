"""The workstation directory: the shipped file is valid and every invented detail is shown as an example."""

from __future__ import annotations

import copy

import pytest

from actions.workstations import DirectoryError, load_directory, parse_directory

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


@pytest.mark.parametrize(
    ("language", "line"),
    [("zh", "受理事项: 纠纷调解、其他（示例）"), ("en", "Services: Dispute mediation, Other (example)")],
)
def test_services_are_shown_with_the_example_marker(language: str, line: str) -> None:
    [station] = parse_directory({"workstations": [{**ENTRY, "example": True}]})
    assert station.describe(language).splitlines()[-1] == line


def test_real_details_carry_no_marker() -> None:
    [station] = parse_directory({"workstations": [ENTRY]})
    text = station.describe("zh")
    assert "示例" not in text and "受理事项: 纠纷调解、其他" in text


def test_an_unknown_service_is_refused() -> None:
    entry = copy.deepcopy(ENTRY)
    entry["services"] = ["consulting"]
    with pytest.raises(DirectoryError, match="'services'"):
        parse_directory({"workstations": [entry]})
