#!/usr/bin/env bash
# Soak (issue 9, item 7), CI size: 3 minutes of mixed load with Kinesis's limits on (PutRecord and PutRecords,
# GetRecords pollers, SubscribeToShard readers over h2c, resharding every 30 s) against a Runnel server in a child
# process; checks resident memory after warm-up, errors, and that every acknowledged record is read back in order.
# One line per check; about 3.5 minutes. The 30-minute soak: dotnet run -c Release --project harness/Runnel.Harness -- soak.
set -uo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

harness=harness/Runnel.Harness/bin/Release/net10.0/Runnel.Harness.dll
# `dotnet test Engine.sln -c Release` (.ci/run) has built the harness; build it only when it is missing.
if [ ! -f "$harness" ] && ! dotnet build harness/Runnel.Harness/Runnel.Harness.csproj -c Release --no-restore -v q --nologo >/tmp/soak-build.log 2>&1; then
    tail -n 30 /tmp/soak-build.log
    echo "suite: 0 passed, 1 failed"
    exit 1
fi

# Retained shards cost memory: a closed shard stays readable for the retention period (its segment index, files and
# throttle state), about 74 KiB managed each after closed shards gave back their 1 MiB append ring and staging
# (docs/reliability/hostile-and-soak.md). Resharding every 30 s creates shards at a steady pace, so 0.5 MiB per
# shard created after warm-up is forgiven, and the raw growth is printed too. 0.25 MiB was too tight for 3 minutes:
# on 2026-11-27 the same build (217e33e, which passed CI the day before) grew +20.8 % raw, and so did later builds
# (+16.5 to +21.4 %): all of it anonymous memory (RssFile flat at 57 MiB), about half of it the GC's committed heap
# (the 1 MiB rings of shards that closed are freed, not necessarily decommitted), ~0.6 MiB per shard created.
# The 30-minute soak (README) keeps 0.25 MiB and judges the steady state.
out=$(mktemp -d)
timeout 330 dotnet "$harness" soak --minutes 3 --reshard-seconds 30 --sample-seconds 3 --rss-allowance-per-shard-mib 0.5 \
    --json "$out/soak.json" 2>&1 | tee "$out/soak.log"
status=${PIPESTATUS[0]}
counts=$(sed -n 's/^soak: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out/soak.log" | tail -n 1)
rm -rf "$out"
if [ -z "$counts" ]; then
    echo "soak did not finish (exit $status)"
    echo "suite: 0 passed, 1 failed"
    exit 1
fi
read -r passed failed <<<"$counts"
echo "suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
