#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need when it is missing: the npm packages and the
# project-local Python virtual environment that holds the pinned moto server.
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
