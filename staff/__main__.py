"""``python -m staff``: serve the console, or create an account.

python -m staff serve --port 8090
python -m staff create-user li.si --role handler          # asks for the password
echo "$PASSWORD" | python -m staff create-user li.si --role admin --password-stdin
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import List, Optional

from actions.settings import get_settings
from staff.accounts import ROLES, AccountError, Accounts


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m staff", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the console")
    settings = get_settings()
    serve.add_argument("--host", default=settings.staff_host)
    serve.add_argument("--port", type=int, default=settings.staff_port)
    create = sub.add_parser("create-user", help="create a staff account")
    create.add_argument("username")
    create.add_argument("--role", choices=ROLES, required=True)
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)

    if args.command == "serve":
        import uvicorn

        from staff.app import create_app

        uvicorn.run(create_app(), host=args.host, port=args.port, log_level="warning", access_log=False)
        return 0
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 1
    try:
        Accounts(get_settings().staff_database_url).create_user(
            args.username, password, args.role, actor=f"cli:{getpass.getuser()}"
        )
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"created {args.username} ({args.role})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
