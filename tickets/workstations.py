"""The workstation directory (tickets/data/workstations.yml): loaded, validated, and used to recommend one.

How a workstation is shown to a user is the actions' business (``actions/workstation_card.py``).

Staff edit the YAML file; a mistake in it stops the action server at start with a message that names the
entry and the field, instead of surfacing later in a conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import yaml

REQUEST_TYPES = ("infringement_report", "mediation", "overseas_dispute", "trade_secret", "other")
DIRECTORY_FILE = Path(__file__).resolve().parent / "data" / "workstations.yml"  # staff edit it


class DirectoryError(ValueError):
    """The workstation directory is malformed."""


@dataclass(frozen=True)
class Workstation:
    id: str
    name: Dict[str, str]
    services: tuple
    topics: tuple
    hours: Dict[str, str]
    address: Dict[str, str]
    phone: str
    example: bool

    def label(self, language: str) -> str:
        return self.name[language]


def _text_pair(entry: dict, key: str, where: str) -> Dict[str, str]:
    value = entry.get(key)
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in ("zh", "en")
    ):
        raise DirectoryError(f"{where}: '{key}' needs non-empty 'zh' and 'en' texts")
    return {"zh": value["zh"].strip(), "en": value["en"].strip()}


def parse_directory(data: object, source: str = "workstations.yml") -> List[Workstation]:
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("workstations"), list)
        or not data["workstations"]
    ):
        raise DirectoryError(f"{source}: expected a non-empty 'workstations' list")
    stations: List[Workstation] = []
    for number, entry in enumerate(data["workstations"], 1):
        if not isinstance(entry, dict):
            raise DirectoryError(f"{source}: entry {number} is not a mapping")
        where = f"{source}: entry {number} ({entry.get('id', 'no id')})"
        station_id = entry.get("id")
        if not isinstance(station_id, str) or not station_id.strip():
            raise DirectoryError(f"{where}: 'id' is missing")
        services = entry.get("services")
        if not isinstance(services, list) or not services or not set(services) <= set(REQUEST_TYPES):
            raise DirectoryError(
                f"{where}: 'services' must list request types from {', '.join(REQUEST_TYPES)}"
            )
        phone = entry.get("phone")
        if not isinstance(phone, str) or not phone.strip():
            raise DirectoryError(f"{where}: 'phone' is missing (quote it, e.g. \"021-12345678\")")
        stations.append(
            Workstation(
                id=station_id.strip(),
                name=_text_pair(entry, "name", where),
                services=tuple(services),
                topics=tuple(entry.get("topics") or ()),
                hours=_text_pair(entry, "hours", where),
                address=_text_pair(entry, "address", where),
                phone=phone.strip(),
                example=bool(entry.get("example", False)),
            )
        )
    ids = [s.id for s in stations]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise DirectoryError(f"{source}: duplicate id {sorted(duplicates)[0]!r}")
    return stations


@lru_cache(maxsize=4)
def load_directory(path: Path = DIRECTORY_FILE) -> tuple:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DirectoryError(f"{path}: cannot be read ({error})") from None
    return tuple(parse_directory(data, str(path)))


def find(station_id: str, stations: Optional[Sequence[Workstation]] = None) -> Optional[Workstation]:
    for station in stations or load_directory():
        if station.id == station_id:
            return station
    return None


def recommend(
    request_type: str, language: str, stations: Optional[Sequence[Workstation]] = None
) -> Workstation:
    """The workstation that lists the request type first.

    Foreign-related matters of English speakers (mostly foreign-invested firms) go to the Sino-Israel park
    workstation when it offers the service, as the plan assigns it foreign-related protection.
    """
    stations = list(stations or load_directory())
    if language == "en" and request_type in ("infringement_report", "mediation", "overseas_dispute"):
        foreign = [s for s in stations if "foreign-invested" in s.topics and request_type in s.services]
        if foreign:
            return foreign[0]
    for station in stations:
        if station.services and station.services[0] == request_type:
            return station
    for station in stations:
        if request_type in station.services:
            return station
    return stations[0]
