#!/usr/bin/env bash
# ensure-node-modules.sh DIR
# Install DIR's npm packages exactly as package-lock.json pins them, again only when the lock changed.
# Node.js comes from Debian when it is missing and we are root; install scripts are not run (esbuild
# finds its binary in its platform package without them).
set -euo pipefail
dir="$1"
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing Node.js and npm (Debian packages) to build the chat page"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "error: npm is needed to build the chat page: install Node.js (18 or later) and npm" >&2
    exit 1
  fi
fi
stamp="$dir/node_modules/.lock.sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "==> installing the chat page's npm packages from $dir/package-lock.json"
(cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
echo "$want" > "$stamp"
