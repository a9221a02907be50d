"""A workstation as shown in a conversation: services named in the user's language, examples marked."""

from __future__ import annotations

import pytest

from actions.workstation_card import describe
from tests.tickets.test_workstations import ENTRY
from tickets.workstations import parse_directory


@pytest.mark.parametrize(
    ("language", "line"),
    [("zh", "受理事项: 纠纷调解、其他（示例）"), ("en", "Services: Dispute mediation, Other (example)")],
)
def test_services_are_shown_with_the_example_marker(language: str, line: str) -> None:
    [station] = parse_directory({"workstations": [{**ENTRY, "example": True}]})
    assert describe(station, language).splitlines()[-1] == line


def test_real_details_carry_no_marker() -> None:
    [station] = parse_directory({"workstations": [ENTRY]})
    text = describe(station, "zh")
    assert "示例" not in text and "受理事项: 纠纷调解、其他" in text
