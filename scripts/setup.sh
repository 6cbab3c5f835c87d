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
# The versions the tests last passed with (.ci/constraints.txt); BRIEFING_NEWEST=1 (the upstream
# workflow) installs the newest that pyproject.toml allows instead.
if [ "${BRIEFING_NEWEST:-}" = 1 ]; then
  python -m pip install -q --upgrade --upgrade-strategy eager -e '.[site,test]'
else
  python -m pip install -q -c .ci/constraints.txt -e '.[site,test]'
fi
# axe-core for the browser test's accessibility checks (npm registry; node_modules is not committed)
if command -v npm >/dev/null 2>&1; then
  npm ci --prefix tests/axe --no-audit --no-fund --silent
else
  echo "warning: npm not found: the accessibility test cannot run (apt-get install npm)" >&2
fi

briefing run --replay tests/fixtures/replay/2026-04-30.yaml --ok-if-degraded
briefing validate
briefing build --site-dir site --check-links
echo "Done: serve the site with: python -m http.server -d site 8000, then open http://localhost:8000/"
