#!/usr/bin/env bash
# timed.sh NAME COMMAND...
# Run COMMAND; when it succeeds, record how long it took in var/bench/steps/NAME.json (for `make bench`).
set -euo pipefail
name="$1"; shift
started="$(date +%s.%N)"
"$@"
mkdir -p var/bench/steps
printf '{"step": "%s", "seconds": %.1f, "finished": "%s"}\n' "$name" \
  "$(awk "BEGIN {print $(date +%s.%N) - $started}")" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "var/bench/steps/$name.json"
