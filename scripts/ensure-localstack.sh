#!/usr/bin/env bash
# Installs LocalStack community (localstack-core, its last open-source release) into the
# project-local .venv-localstack from the committed constraints file, with the first Python
# >= 3.12 found (LocalStack's own code needs 3.12). Says which interpreters it tried when none fits.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="$root/.venv-localstack"
constraints="test/emulator/localstack-constraints.txt"
stamp="$venv/.constraints"

if [ -x "$venv/bin/python" ] && cmp -s "$constraints" "$stamp"; then exit 0; fi

fits() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
tried=()
python=""
for candidate in python3.13 python3.12 python3 "$HOME"/.pyenv/versions/3.1[3-9]*/bin/python "$HOME"/.pyenv/versions/3.12*/bin/python; do
  path="$(command -v "$candidate" 2>/dev/null || true)"
  [ -n "$path" ] || continue
  tried+=("$path")
  if fits "$path"; then python="$path"; break; fi
done
if [ -z "$python" ]; then
  echo "fleetward setup: LocalStack needs Python >= 3.12, and none was found (tried: ${tried[*]:-nothing on PATH})." >&2
  echo "fleetward setup: install one (e.g. apt-get install python3.12, or pyenv install 3.12) and run this again." >&2
  exit 1
fi

echo "fleetward setup: creating $venv with localstack-core 2026.3.0 ($("$python" --version))" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -c "$constraints" "localstack-core[runtime]==2026.3.0" >&2
cp "$constraints" "$stamp"
