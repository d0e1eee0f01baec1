#!/usr/bin/env bash
# Runs lit over the given suites and ends with one summary line,
# "mx: N passed, N failed, N skipped", that CI reads. Exit code is lit's.
set -uo pipefail
lit="$1"; shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$lit" -sv "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
count() { grep -E "^ *$1 *: *[0-9]+" "$log" | awk -F: '{s+=$2} END {print s+0}'; }
passed=$(( $(count Passed) + $(count "Expectedly Failed") ))
failed=$(( $(count Failed) + $(count "Unexpectedly Passed") + $(count Unresolved) + $(count "Timed Out") ))
skipped=$(( $(count Skipped) + $(count Unsupported) ))
echo "mx: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ]; then echo "error: no test ran" >&2; exit 1; fi
exit "$rc"
