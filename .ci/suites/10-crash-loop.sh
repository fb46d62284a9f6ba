#!/usr/bin/env bash
# Issue 9, item 1: process crashes. Runs the harness's crash-loop against the real `runnel serve`: 200 iterations of
# load (PutRecord, batched PutRecords, CreateStream, SplitShard, MergeShards, UpdateShardCount, DeleteStream), SIGKILL
# at a seeded random moment, restart on the same data directory, verify everything acknowledged.
# Counts one pass per iteration (kill + restart + verification); the loop stops at the first failed iteration.
#   CRASH_LOOP_ITERATIONS=N (default 200), CRASH_LOOP_SEED=S (default random, printed) to replay.
# Budget: under 8 minutes on 2 cores.
set -uo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
iterations=${CRASH_LOOP_ITERATIONS:-200}
seed=${CRASH_LOOP_SEED:-$(( (RANDOM << 15) | RANDOM ))}
work=$(mktemp -d /tmp/runnel-crash-loop-ci.XXXXXX)

# Kill any server of this run still alive (found by its unique data path), then remove the work directory.
cleanup() {
    local pid
    for pid in $(grep -l -a -F "$work" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
        [ "$pid" != "$$" ] && kill -KILL "$pid" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

if ! dotnet build engine/Runnel.Cli -c Release -v q --nologo >"$work/build.log" 2>&1 \
    || ! dotnet build harness/Runnel.Harness -c Release -v q --nologo >>"$work/build.log" 2>&1; then
    cat "$work/build.log"
    echo "suite: 0 passed, 1 failed"
    exit 1
fi

echo "crash-loop: $iterations iterations, seed $seed (replay: CRASH_LOOP_SEED=$seed $0)"
dotnet harness/Runnel.Harness/bin/Release/net10.0/Runnel.Harness.dll crash-loop \
    --iterations "$iterations" --seed "$seed" --work-dir "$work/run" --json "$work/crash-loop.json" 2>&1 | tee "$work/out.log"
status=${PIPESTATUS[0]}
counts=$(sed -n 's/^crash-loop: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$work/out.log" | tail -n 1)
if [ -n "$counts" ]; then
    read -r passed failed <<<"$counts"
else
    passed=0 failed=1
fi
if [ "$status" -ne 0 ]; then
    [ "$failed" -eq 0 ] && failed=1
    echo "crash-loop: last lines of the server log:"
    tail -n 40 "$work/run/server.log" 2>/dev/null
fi
echo "suite: $passed passed, $failed failed"
[ "$status" -eq 0 ]
