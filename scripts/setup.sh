#!/usr/bin/env bash
# One command from a fresh clone: install, replay the recorded day (no network, no API key),
# validate the archive and build the full site into site/.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true PIP_DISABLE_PIP_VERSION_CHECK=1

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q -e '.[site,test]'

briefing run --replay tests/fixtures/replay/2026-04-30.yaml --ok-if-degraded
briefing validate
briefing build --site-dir site --check-links
echo "Done: open site/index.html, or serve it with: python -m http.server -d site 8000"
