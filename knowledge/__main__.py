"""``python -m knowledge``: the staff command line (see knowledge/cli.py)."""

import sys

from knowledge.cli import main

sys.exit(main())
