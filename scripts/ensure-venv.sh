#!/usr/bin/env bash
# ensure-venv.sh DIR PYTHON_VERSION LOCK_FILE
# Create the virtual environment DIR from LOCK_FILE, or recreate it when the lock file's content changed.
# An unchanged lock costs one sha256; an interrupted install leaves no stamp, so the next run starts over.
set -euo pipefail
dir="$1"; version="$2"; lock="$3"
here="$(cd "$(dirname "$0")" && pwd)"
stamp="$dir/.lock.sha256"
want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$dir/bin/python" ]; then
  exit 0
fi
started="$(date +%s.%N)"
python="$("$here/find-python.sh" "$version")"
echo "==> creating $dir (Python $version) from $lock"
rm -rf "$dir"
"$python" -m venv "$dir"
pip_install() {
  # Some machines list package index folders that do not exist; pip warns once per package about them.
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@" 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; }
  return "${PIPESTATUS[0]}"
}
pip_install --upgrade "pip==25.3"
# The lock file pins every package, so dependency resolution is not needed (and would backtrack).
pip_install --no-deps -r "$lock"
echo "$want" > "$stamp"
# How long this took, for `make bench` (setup time from the Makefile's own steps).
mkdir -p var/bench/steps
printf '{"step": "%s", "seconds": %.1f, "finished": "%s"}\n' "venv${dir#.venv}" \
  "$(awk "BEGIN {print $(date +%s.%N) - $started}")" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  > "var/bench/steps/venv${dir#.venv}.json"
echo "==> $dir ready"
