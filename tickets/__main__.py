"""``python -m tickets``: the staff command line (see tickets/cli.py)."""

import sys

from tickets.cli import main

if __name__ == "__main__":  # the action server imports every module of the package; only run as a program
    sys.exit(main())
