"""Staff command line for assistance tickets: ``python -m tickets COMMAND`` (in .venv-actions).

Contact data is masked in lists; ``show`` prints it in full for the staff member handling the ticket.
Exit codes: 0 done, 1 refused with a message, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import List, Optional

from tickets.models import STATUSES, Ticket
from tickets.settings import TicketSettings
from tickets.store import LOCAL_TIMEZONE, TicketError, TicketStore, shared_store
from tickets.validators import mask_email, mask_phone


def _local(moment) -> str:  # noqa: ANN001
    return moment.astimezone(LOCAL_TIMEZONE).strftime("%Y-%m-%d %H:%M")


def _contact(ticket: Ticket, masked: bool) -> str:
    if masked:
        return " / ".join(v for v in (mask_phone(ticket.phone), mask_email(ticket.email)) if v)
    return " / ".join(v for v in (ticket.phone, ticket.email) if v)


def _store() -> TicketStore:
    return shared_store(TicketSettings.from_env().tickets_database_url)


def cmd_list(args: argparse.Namespace) -> int:
    tickets = _store().list(status=args.status, workstation=args.workstation)
    for t in tickets:
        print(
            f"{t.number}  {t.status:<11} {_local(t.created_at)}  {t.request_type:<19} {t.workstation_id:<24} "
            f"{t.company_name[:24]:<24} {t.contact_person[:10]:<10} {_contact(t, masked=True)}"
        )
    print(f"{len(tickets)} tickets")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    ticket = _store().get(args.number)
    if ticket is None:
        raise TicketError(f"no ticket {args.number}")
    print(f"ticket:       {ticket.number} ({ticket.status})")
    print(f"created:      {_local(ticket.created_at)}; updated {_local(ticket.updated_at)} (Beijing time)")
    print(f"request:      {ticket.request_type} at {ticket.workstation_id}; language {ticket.language}")
    print(f"company:      {ticket.company_name}" + (f" ({ticket.credit_code})" if ticket.credit_code else ""))
    print(f"contact:      {ticket.contact_person}, {_contact(ticket, masked=False)}")
    print(f"assignee:     {ticket.assignee or '-'}")
    print(f"description:  {ticket.description}")
    for event in ticket.events:
        print(f"  {_local(event.at)}  {event.kind:<9} {event.actor:<12} {event.detail}")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    ticket = _store().assign(args.number, args.assignee, args.actor)
    print(f"{ticket.number} assigned to {ticket.assignee} ({ticket.status})")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    ticket = _store().set_status(args.number, args.status, args.actor, args.note or "")
    print(f"{ticket.number} is now {ticket.status}")
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    _store().add_note(args.number, args.text, args.actor)
    print(f"note added to {args.number}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if not args.csv:
        raise TicketError("choose a format: --csv")
    if args.output == "-":
        rows = _store().export_csv(sys.stdout, masked=args.masked)
    else:
        with open(args.output, "w", newline="", encoding="utf-8-sig") as out:  # BOM: Excel opens it right
            rows = _store().export_csv(out, masked=args.masked)
    print(f"{rows} tickets exported", file=sys.stderr)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    _store()  # opening the store brings its tables up to date
    print("ticket database up to date", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tickets", description="Work the ticket queue.")
    parser.add_argument("--actor", default=getpass.getuser(), help="who is acting (default: the login name)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("list", help="tickets, newest first (contact data masked)")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--workstation")
    p = sub.add_parser("show", help="one ticket with its history")
    p.add_argument("number")
    p = sub.add_parser("assign", help="assign to a staff member (new -> assigned)")
    p.add_argument("number")
    p.add_argument("assignee")
    p = sub.add_parser("status", help="move a ticket on: " + " -> ".join(STATUSES))
    p.add_argument("number")
    p.add_argument("status", choices=STATUSES)
    p.add_argument("--note")
    p = sub.add_parser("note", help="add a note (the user sees the latest one with the status)")
    p.add_argument("number")
    p.add_argument("text")
    sub.add_parser("migrate", help="create or upgrade the ticket tables (deployment step)")
    p = sub.add_parser("export", help="all tickets as CSV")
    p.add_argument("--csv", action="store_true")
    p.add_argument("--masked", action="store_true", help="mask phone numbers and e-mail addresses")
    p.add_argument("-o", "--output", default="-", help="file (default: standard output)")
    return parser


COMMANDS = {
    "list": cmd_list,
    "show": cmd_show,
    "assign": cmd_assign,
    "status": cmd_status,
    "note": cmd_note,
    "export": cmd_export,
    "migrate": cmd_migrate,
}


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except TicketError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
