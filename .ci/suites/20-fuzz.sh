#!/usr/bin/env bash
# CI suite: AFL++ + SharpFuzz on every decoder for RUNNEL_FUZZ_SECONDS each (default 120 s; 6 targets, about 13 minutes
# with the build). One result per target: a target with any crash or hang fails, and fuzz/run.sh prints each such
# input as base64 with the exception it raised. The long run is the same script per target with more seconds:
# fuzz/run.sh TARGET 3600 (docs/reliability/fuzzing.md).
set -uo pipefail
cd "$(dirname "$0")/../.."

seconds=${RUNNEL_FUZZ_SECONDS:-120}
export RUNNEL_FUZZ_WORK=${RUNNEL_FUZZ_WORK:-$(mktemp -d /tmp/runnel-fuzz-ci.XXXXXX)}
passed=0
failed=0
first=1
for target in json cbor frame iterator eventstream sigv4; do
    echo "== fuzz: $target (${seconds} s)"
    if [ "$first" -eq 1 ]; then
        RUNNEL_FUZZ_SKIP_BUILD=0 bash fuzz/run.sh "$target" "$seconds"
    else
        RUNNEL_FUZZ_SKIP_BUILD=1 bash fuzz/run.sh "$target" "$seconds"
    fi
    if [ $? -eq 0 ]; then
        passed=$((passed + 1))
        echo "fuzz $target: passed"
    else
        failed=$((failed + 1))
        echo "fuzz $target: FAILED"
    fi
    first=0
done
rm -rf "$RUNNEL_FUZZ_WORK"
echo "suite: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
