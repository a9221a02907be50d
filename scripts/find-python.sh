#!/usr/bin/env bash
# Print the path of a working Python interpreter of the given version (e.g. 3.10), or explain in one
# line why there is none. Candidates: $PYTHON<major><minor> (e.g. PYTHON310), pyenv, then PATH.
set -u
want="${1:?usage: find-python.sh 3.10}"
var="PYTHON${want/./}"
candidates=()
[ -n "${!var:-}" ] && candidates+=("${!var}")
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E "^${want//./\\.}(\.[0-9]+)?$" | sort -rV); do
    candidates+=("$(pyenv prefix "$v" 2>/dev/null)/bin/python${want}")
  done
fi
candidates+=("python${want}")
[ "$want" = "$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" ] && candidates+=(python3)
for c in "${candidates[@]}"; do
  # A pyenv shim may exist and still fail, so run it.
  if out=$("$c" -c 'import sys, venv; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) && [ "$out" = "$want" ]; then
    command -v "$c" 2>/dev/null || echo "$c"
    exit 0
  fi
done
echo "error: Python ${want} is needed but was not found (tried: ${candidates[*]}); install it (e.g. 'pyenv install ${want}') or set ${var}=/path/to/python${want}" >&2
exit 1
