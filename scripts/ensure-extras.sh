#!/usr/bin/env bash
# ensure-extras.sh VENV LOCK_FILE
# Install the pinned extras of LOCK_FILE into an existing VENV (made by ensure-venv.sh), again only when the
# lock file changed. A recreated venv has no stamp, so its extras are installed again.
set -euo pipefail
dir="$1"; lock="$2"
stamp="$dir/.extras-$(basename "$lock").sha256"
want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "==> installing $lock into $dir"
"$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$lock" 2>&1 \
  | { grep -v "is ignored: it is neither a file nor a directory" || true; }
[ "${PIPESTATUS[0]}" = 0 ]
echo "$want" > "$stamp"
