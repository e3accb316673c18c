#!/usr/bin/env bash
# Runs check.mjs (Chromium publishes into Janus VideoRoom, another page subscribes and decodes)
# inside the namespace run-janus.sh makes. Not part of `make test`.
#
#   benchmarks/peers/janus/check.sh [--transcript FILE] [--log FILE]
#
# Needs scripts/install-deps.sh --bench (janus, chromium, node, tests/e2e/node_modules).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)

run_options=()
check_options=()
while [ $# -gt 0 ]; do
  case "$1" in
    --log) run_options+=(--log "$2"); shift 2 ;;
    --transcript) check_options+=(--transcript "$(realpath -m "$2")"); shift 2 ;;
    -h | --help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "check: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

if [ ! -e "$repo/tests/e2e/node_modules/playwright-core" ]; then
  echo "check: no tests/e2e/node_modules: run scripts/install-deps.sh --bench (npm ci)" >&2
  exit 1
fi

exec "$here/run-janus.sh" "${run_options[@]}" -- node "$here/check.mjs" "${check_options[@]}"
