#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need when it is missing: the npm packages, the
# project-local Python virtual environment that holds the pinned moto server, and (for the
# tests) Debian's chromium.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "fleetward setup: installing npm packages" >&2
  npm ci --no-audit --no-fund >&2
fi

# With AWS_ENDPOINT_URL set (e.g. LocalStack) no emulator is started, so none is installed.
if [ -z "${AWS_ENDPOINT_URL:-}" ]; then
  venv="$root/.venv"
  stamp="$venv/.requirements"
  if [ ! -x "$venv/bin/moto_server" ] || ! cmp -s test/emulator/requirements.txt "$stamp"; then
    echo "fleetward setup: creating $venv with the pinned moto server" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r test/emulator/requirements.txt >&2
    cp test/emulator/requirements.txt "$stamp"
  fi
fi

# With --with-browser (npm test): the simulator report's browser test drives Debian's chromium
# (playwright-core, no bundled browser). Installing it needs root; without it that test fails
# and says how to install it. npm start does not need it.
if [ "${1:-}" = "--with-browser" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "fleetward setup: installing chromium for the report's browser test" >&2
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; } >&2 \
      || echo "fleetward setup: could not install chromium; the browser test will fail" >&2
  else
    echo "fleetward setup: /usr/bin/chromium is missing (run as root: apt-get install chromium); the browser test will fail" >&2
  fi
fi
