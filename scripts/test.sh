#!/usr/bin/env bash
# The whole test suite: starts PostgreSQL for the store tests when a server is installed, then pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MEDBILL_TEST_POSTGRES_URL:-}" ]; then
  if url=$(bash scripts/pg-start.sh); then export MEDBILL_TEST_POSTGRES_URL="$url";
  else echo "test: PostgreSQL tests will be skipped (no server); under CI they fail." >&2; fi
fi
export MEDBILL_REFDATA=${MEDBILL_REFDATA:-$(cd .. && pwd)/shared/refdata}
export MEDBILL_SAMPLES=${MEDBILL_SAMPLES:-$(cd .. && pwd)/shared/samples}
exec .venv/bin/python -m pytest -n "${MEDBILL_TEST_WORKERS:-2}" "$@"
