#!/usr/bin/env bash
# system-deps.sh: the Debian packages the tests need, installed when missing and when we may (root + apt).
#   postgresql          the ticket store's PostgreSQL tests (a private server on a free port)
#   chromium            the browser tests (Playwright drives /usr/bin/chromium; no downloaded browser)
#   fonts-wqy-microhei  Chinese text in the browser's screenshots
#   redis-server, nginx the production shape (`make run-prod`) and its reliability tests
# Without root the tests that need a missing package say so and are skipped.
set -euo pipefail
missing=()
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy\|noto sans cjk" || missing+=(fonts-wqy-microhei)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> installing Debian packages for the tests: ${missing[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) \
    || echo "warning: could not install ${missing[*]}; the tests that need them will be skipped"
else
  echo "note: not installed: ${missing[*]} (needs root); the tests that need them will be skipped"
fi
