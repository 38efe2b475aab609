#!/usr/bin/env bash
# Run the whole test suite again on PostgreSQL: TEST_DATABASE_URL if set, else a local server
# that scripts/postgres.sh starts. In CI a missing server is a failure; elsewhere a notice.
set -euo pipefail
cd "$(dirname "$0")/.."

url="${TEST_DATABASE_URL:-}"
if [ -z "$url" ]; then
  if ! url=$(./scripts/postgres.sh); then
    if [ "${CI:-}" = "true" ]; then
      echo "PostgreSQL could not be started in CI." >&2
      exit 1
    fi
    echo "Notice: no PostgreSQL server available (set TEST_DATABASE_URL); ran on SQLite only." >&2
    exit 0
  fi
fi
echo "Running the test suite on PostgreSQL (${url%%@*}@...)"
# In parallel like the SQLite run (PYTEST_PARALLEL comes from the Makefile; see there). pytest-django
# gives each worker its own test database: test_maturity_gw0, test_maturity_gw1, ...
read -r -a parallel <<<"${PYTEST_PARALLEL:--n auto --dist load}"
DATABASE_URL="$url" .venv/bin/python -m pytest -p no:cacheprovider "${parallel[@]}" "$@"
