"""The ticket store on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from tickets.store import NewTicket, TicketError, TicketStore

NEW = NewTicket(
    request_type="infringement_report",
    company_name="上海示例科技有限公司",
    contact_person="张三",
    description="网店销售假冒我们注册商标的商品。",
    workstation_id="putuo-ip-service",
    language="zh",
    phone="13812345678",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path: Path) -> TicketStore:
    if request.param == "sqlite":
        store = TicketStore(f"sqlite:///{tmp_path / 'tickets.db'}")
    else:
        store = TicketStore(request.getfixturevalue("postgres_url"))
        with store.engine.begin() as connection:  # a clean slate for each test
            connection.execute(
                text("TRUNCATE tickets, ticket_events, ticket_counters RESTART IDENTITY CASCADE")
            )
    yield store
    store.engine.dispose()


def test_a_ticket_gets_a_dated_number_and_a_history(store: TicketStore) -> None:
    ticket = store.create(NEW)
    local_day = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).strftime("%Y%m%d")
    assert re.fullmatch(rf"PT-{local_day}-\d{{4}}", ticket.number)
    saved = store.get(ticket.number)
    assert saved.status == "new" and saved.language == "zh" and saved.phone == "13812345678"
    assert saved.created_at.tzinfo is not None and saved.consent_at == saved.created_at
    assert [e.kind for e in saved.events] == ["created"]


def test_fifty_concurrent_saves_get_fifty_unique_numbers(store: TicketStore) -> None:
    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(lambda _: store.create(NEW).number, range(50)))
    assert len(set(numbers)) == 50
    assert len(store.list(limit=1000)) == 50
    assert sorted(int(n[-4:]) for n in numbers) == list(range(1, 51))


def test_staff_move_a_ticket_through_its_states(store: TicketStore) -> None:
    number = store.create(NEW).number
    assert store.assign(number, "li.si", actor="chief").status == "assigned"
    assert store.set_status(number, "in_progress", actor="li.si").status == "in_progress"
    store.add_note(number, "已联系企业，约定调解时间。", actor="li.si")
    assert store.set_status(number, "resolved", actor="li.si").status == "resolved"
    with pytest.raises(TicketError, match="cannot go from resolved to assigned"):
        store.set_status(number, "assigned", actor="li.si")
    ticket = store.get(number)
    assert [e.kind for e in ticket.events] == ["created", "assigned", "status", "note", "status"]
    assert ticket.updated_at >= ticket.created_at


def test_verification_by_the_last_four_digits(store: TicketStore) -> None:
    number = store.create(NEW).number
    assert store.verify(number, "5678") is not None
    assert store.verify(number, "  5678 ") is not None
    assert store.verify(number, "1234") is None
    assert store.verify(number, "") is None
    assert store.verify("PT-20000101-0001", "5678") is None
    email_only = store.create(NewTicket(**{**NEW.__dict__, "phone": None, "email": "anna@example.com"}))
    assert store.verify(email_only.number, "ANNA@example.com") is not None
    assert store.verify(email_only.number, "5678") is None


def test_incomplete_tickets_are_refused_before_the_database() -> None:
    with pytest.raises(TicketError, match="phone number or an e-mail"):
        NewTicket(**{**NEW.__dict__, "phone": None})
    with pytest.raises(TicketError, match="company_name"):
        NewTicket(**{**NEW.__dict__, "company_name": " "})


def test_a_failed_save_leaves_nothing_behind(store: TicketStore, monkeypatch) -> None:
    from tickets import models

    class BoomError(RuntimeError):
        pass

    def explode(self, *args, **kwargs):
        raise BoomError

    before = len(store.list())
    monkeypatch.setattr(models.TicketEvent, "__init__", explode)
    with pytest.raises(BoomError):
        store.create(NEW)
    monkeypatch.undo()
    assert len(store.list()) == before
    # the number was not consumed either: the counter rolled back with the ticket
    assert store.create(NEW).number.endswith(f"{before + 1:04d}")


def test_export_masks_on_request(store: TicketStore) -> None:
    store.create(NEW)
    out = io.StringIO()
    assert store.export_csv(out, masked=True) == 1
    assert "138****5678" in out.getvalue() and "13812345678" not in out.getvalue()
    out = io.StringIO()
    store.export_csv(out)
    assert "13812345678" in out.getvalue()


def test_unsupported_database_urls_are_refused() -> None:
    with pytest.raises(TicketError, match="unsupported database"):
        TicketStore("mysql://localhost/x")


def test_the_same_request_is_saved_once(store: TicketStore) -> None:
    from dataclasses import replace

    keyed = replace(NEW, request_key="conversation-1|1795763761.03")
    first, again = store.create(keyed), store.create(keyed)
    assert first.number == again.number
    assert len(store.list()) == 1
    assert store.create(replace(NEW, request_key="conversation-1|1795763799.50")).number != first.number


def test_saves_survive_a_postgresql_restart_without_loss_or_duplicates(postgres_server, postgres_url) -> None:
    """Tickets are saved from four threads before, during and after a database restart: every save that
    reported success is in the database exactly once, and nothing else is."""
    import threading
    import time
    from dataclasses import replace

    store = TicketStore(postgres_url)
    with store.engine.begin() as connection:
        connection.execute(text("TRUNCATE tickets, ticket_events, ticket_counters RESTART IDENTITY CASCADE"))
    confirmed: list[tuple[float, str]] = []
    failed: list[str] = []
    lock = threading.Lock()
    done = threading.Event()

    def save(worker: int) -> None:
        i = 0
        while not done.is_set():
            i += 1
            try:
                ticket = store.create(replace(NEW, request_key=f"w{worker}-{i}"))
            except Exception as error:  # would be reported to the user as "not saved"
                with lock:
                    failed.append(repr(error))
            else:
                with lock:
                    confirmed.append((time.monotonic(), ticket.number))
            time.sleep(0.02)

    threads = [threading.Thread(target=save, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    restart_began = time.monotonic()
    postgres_server.restart()
    restart_ended = time.monotonic()
    time.sleep(1.0)
    done.set()
    for thread in threads:
        thread.join()
    numbers = [t.number for t in store.list(limit=10_000)]
    saved = [number for _, number in confirmed]
    assert sorted(numbers) == sorted(saved), (failed, len(numbers), len(saved))
    assert len(set(saved)) == len(saved)
    assert not failed, failed  # the retries rode out the restart
    assert any(at < restart_began for at, _ in confirmed) and any(at > restart_ended for at, _ in confirmed)
    store.engine.dispose()
