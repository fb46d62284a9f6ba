#!/bin/bash
# profile one compare-log case's Runnel round, system-wide: run.sh CASE DURATION DELAY
set -u
cd /work/main
out=/tmp/prof
c=$1; dur=$2; delay=$3
DOTNET_PerfMapEnabled=1 dotnet harness/Runnel.Harness/bin/Release/net10.0/Runnel.Harness.dll compare-log --case $c --duration $dur --skip-fio > $out/$c.console.txt 2>&1 &
pid=$!
sleep $delay
vmstat 1 10 > $out/$c.vmstat.txt &
perf record -a -g -F 499 -o $out/$c.data -- sleep 10 2> $out/$c.perf-record.txt
wait $pid
perf report -i $out/$c.data --no-children --sort comm --stdio 2>/dev/null | grep -v "^#" | grep -v "^$" | head -25 > $out/$c.by-thread.txt
perf report -i $out/$c.data --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -v "^#" | grep -v "^$" | head -70 > $out/$c.by-symbol.txt
