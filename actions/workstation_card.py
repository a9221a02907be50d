"""How a workstation is shown in a conversation: its name, address, hours, phone and services."""

from __future__ import annotations

from actions.texts import REQUEST_TYPE_LABELS, label, text
from tickets.workstations import Workstation


def describe(station: Workstation, language: str) -> str:
    """Name, address, hours, phone and services, one line each, with the example marker where due."""
    marker = text(language, "example_marker") if station.example else ""
    phone_label = text(language, "phone_label")
    services_label = text(language, "services_label")
    separator = text(language, "list_separator")
    services = separator.join(label(REQUEST_TYPE_LABELS, s, language) for s in station.services)
    lines = [
        station.name[language],
        station.address[language],
        station.hours[language],
        f"{phone_label}: {station.phone}{marker}",
        f"{services_label}: {services}{marker}",
    ]
    return "\n".join(lines)
