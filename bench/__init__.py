"""`make bench`: how good and how fast the assistant is, next to simpler alternatives, in one run.

Each module measures one thing and returns plain dicts; :mod:`bench.report` prints the table, writes
``var/bench/results.json`` and draws the chart. Run with ``python -m bench`` from the actions venv.
"""
