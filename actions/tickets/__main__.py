"""``python -m actions.tickets``: the staff command line (see actions/tickets/cli.py)."""

import sys

from actions.tickets.cli import main

if __name__ == "__main__":  # the action server imports every module of the package; only run as a program
    sys.exit(main())
