#!/usr/bin/env bash
# The README's test command: installs what the tests need and is missing (curl, jq, python3, Debian's chromium and
# PostgreSQL 15 server through apt-get as root or with sudo; the OpenAPI linter through npm), starts a private
# PostgreSQL in a temp folder on a loopback port (scripts/postgres.sh, as a non-root user), runs
# `dotnet test ApiKeys.sln`, stops the database, and ends with "N passed, N failed". SQLite needs nothing. .ci/run calls this on a clean checkout.
set -uo pipefail
cd "$(dirname "$0")/.."

# The README quick start test drives the service with bash, curl and jq, as a reader would; the scripts that start
# PostgreSQL and the cluster pick free ports with python3.
# The console's browser tests drive Debian's Chromium through Playwright.
for tool in curl jq python3 chromium; do
  if ! command -v "$tool" >/dev/null; then
    if command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ]; then
      apt-get install -y "$tool" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$tool" >/dev/null 2>&1; }
    elif command -v sudo >/dev/null; then
      sudo apt-get install -y "$tool" >/dev/null 2>&1 || { sudo apt-get update >/dev/null 2>&1 && sudo apt-get install -y "$tool" >/dev/null 2>&1; }
    fi
  fi
  command -v "$tool" >/dev/null || { echo "$tool is needed by the tests and could not be installed"; echo "0 passed, 1 failed"; exit 1; }
done
export APIKEYS_CHROMIUM=${APIKEYS_CHROMIUM:-$(command -v chromium)}

# The API description test lints the OpenAPI document with Redocly's CLI and generates TypeScript from it with
# openapi-typescript, and the Qlik client test calls the service through Qlik's own @qlik/api, all from npm into
# artifacts/tools/openapi (pinned versions; Node.js from Debian if missing).
if ! command -v npm >/dev/null; then
  apt-get install -y nodejs npm >/dev/null 2>&1 || sudo apt-get install -y nodejs npm >/dev/null 2>&1 || true
fi
openapi_tools=artifacts/tools/openapi
if [ ! -x "$openapi_tools/node_modules/.bin/redocly" ] || [ ! -x "$openapi_tools/node_modules/.bin/openapi-typescript" ] \
  || [ ! -f "$openapi_tools/node_modules/@qlik/api/package.json" ]; then
  npm install --no-audit --no-fund --silent --prefix "$openapi_tools" @redocly/cli@2.77.0 openapi-typescript@7.13.0 @qlik/api@2.19.0 \
    >/dev/null 2>&1 || { echo "could not install the OpenAPI linter and Qlik's client (npm)"; echo "0 passed, 1 failed"; exit 1; }
fi
export APIKEYS_OPENAPI_TOOLS=${APIKEYS_OPENAPI_TOOLS:-$(cd "$openapi_tools/node_modules/.bin" && pwd)}

log=$(mktemp)
postgres=$(mktemp -d -t apikeys-ci-postgres-XXXXXX)
trap 'bash scripts/postgres.sh stop "$postgres"; rm -f "$log"' EXIT
if ! command -v pg_ctl >/dev/null && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  apt-get install -y postgresql-15 >/dev/null 2>&1 || sudo apt-get install -y postgresql-15 >/dev/null 2>&1 || true
fi
APIKEYS_TEST_POSTGRES=$(bash scripts/postgres.sh start "$postgres" | tail -n 1) || { echo "could not start PostgreSQL"; echo "0 passed, 1 failed"; exit 1; }
export APIKEYS_TEST_POSTGRES

# Detailed verbosity lists each test and prints what tests report, such as the measured silo-loss recovery window.
dotnet test ApiKeys.sln --logger "console;verbosity=detailed" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One summary per test assembly: "Total tests: N" followed by "     Passed: N" and "     Failed: N" lines.
count() { grep -E "^[[:space:]]+$1: [0-9]+$" "$log" | awk '{ s += $2 } END { print s + 0 }'; }
passed=$(count Passed)
failed=$(count Failed)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or the runner failed before any test could report
fi
echo "${passed} passed, ${failed} failed"
exit "$status"
