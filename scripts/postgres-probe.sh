#!/usr/bin/env bash
# The PostgreSQL test suites run when a server answers. This finds the local one (127.0.0.1:5432, user
# postgres) and says whether they run. `npm test` runs through it; `.ci/run` sources it after starting the
# local cluster. Source it to export LEDGERLINE_TEST_POSTGRES_URL, or run it with a command to run that
# command with it. A LEDGERLINE_TEST_POSTGRES_URL already set is used as it is.
if [ -z "${LEDGERLINE_TEST_POSTGRES_URL:-}" ] && command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432 \
  && { ! command -v psql >/dev/null 2>&1 || psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; }; then
  export LEDGERLINE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432/postgres"
fi
if [ -n "${LEDGERLINE_TEST_POSTGRES_URL:-}" ]; then
  # Never print a password that may be in a URL given by hand.
  echo "tests: the PostgreSQL suites run against $(printf '%s' "$LEDGERLINE_TEST_POSTGRES_URL" | sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#')"
else
  echo "tests: no PostgreSQL answers on 127.0.0.1:5432; the PostgreSQL suites are skipped (start the server, or set LEDGERLINE_TEST_POSTGRES_URL)"
fi
if [ "${BASH_SOURCE[0]}" = "$0" ] && [ $# -gt 0 ]; then exec "$@"; fi
