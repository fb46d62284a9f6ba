#!/usr/bin/env bash
# Hostile clients (issue 9, item 6): 500 slowloris connections, huge Content-Length, 40 KB headers, malformed and
# truncated h2c frames, SETTINGS flood and half-open connections against a Runnel server in a child process, while a
# normal client puts records. One line per check; budget under 3 minutes (about 2 with a built harness).
# The harness starts and stops the server itself (a child that exits when the harness's pipe closes).
set -uo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

harness=harness/Runnel.Harness/bin/Release/net10.0/Runnel.Harness.dll
# `dotnet test Engine.sln -c Release` (.ci/run) has built the harness; build it only when it is missing.
if [ ! -f "$harness" ] && ! dotnet build harness/Runnel.Harness/Runnel.Harness.csproj -c Release --no-restore -v q --nologo >/tmp/hostile-build.log 2>&1; then
    tail -n 30 /tmp/hostile-build.log
    echo "suite: 0 passed, 1 failed"
    exit 1
fi

out=$(mktemp -d)
timeout 170 dotnet "$harness" hostile --baseline-seconds 20 --attack-seconds 60 --slowloris 500 --headers-timeout 5 \
    --json "$out/hostile.json" 2>&1 | tee "$out/hostile.log"
status=${PIPESTATUS[0]}
counts=$(sed -n 's/^hostile: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out/hostile.log" | tail -n 1)
rm -rf "$out"
if [ -z "$counts" ]; then
    echo "hostile did not finish (exit $status)"
    echo "suite: 0 passed, 1 failed"
    exit 1
fi
read -r passed failed <<<"$counts"
echo "suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
