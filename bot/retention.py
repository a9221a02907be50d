"""Delete conversations nobody has touched for N days from Rasa's SQL tracker store.

Conversations hold what users typed, contact details included; the bureau keeps them only as long as
it needs to (``RASA_RETENTION_DAYS``, default 180). A conversation is deleted whole, and only when its
latest event is older than the limit, so a conversation in progress is never cut. Tickets live in their
own database and are not touched. Run daily (cron or a systemd timer, see README "Deployment"):

    .venv-rasa/bin/python -m bot.retention            # uses RASA_TRACKER_URL / RASA_TRACKER_DB
    .venv-rasa/bin/python -m bot.retention --days 90 --dry-run
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import List, Optional

import sqlalchemy as sa

from bot.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent


def tracker_url() -> str:
    return get_settings().tracker_url


IDLE = "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"


def purge(url: str, days: float, dry_run: bool = False, now: Optional[float] = None) -> int:
    """Delete (or with ``dry_run`` count) the conversations idle for more than ``days``; returns how many.

    One statement finds and deletes them, so a conversation that resumes meanwhile is not cut.
    """
    if days <= 0:
        raise ValueError("the retention period must be positive")
    cutoff = (now if now is not None else time.time()) - days * 86400
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            if not sa.inspect(connection).has_table("events"):
                return 0
            count = connection.execute(sa.text(f"SELECT COUNT(*) FROM ({IDLE}) AS idle"), {"cutoff": cutoff})
            senders = int(count.scalar() or 0)
            if not dry_run and senders:
                connection.execute(
                    sa.text(f"DELETE FROM events WHERE sender_id IN ({IDLE})"), {"cutoff": cutoff}
                )
            return senders
    finally:
        engine.dispose()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, default=get_settings().retention_days)
    parser.add_argument("--url", default=None, help="tracker database URL (default: from the environment)")
    parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    args = parser.parse_args(argv)
    try:
        count = purge(args.url or tracker_url(), args.days, args.dry_run)
    except (ValueError, sa.exc.SQLAlchemyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{verb} {count} conversations idle for more than {args.days:g} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
