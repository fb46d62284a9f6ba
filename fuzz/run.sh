#!/usr/bin/env bash
# Fuzzes one decoder with AFL++ and SharpFuzz for a given time, then reports crashes and hangs.
#
#   fuzz/run.sh TARGET SECONDS      TARGET: json cbor frame iterator eventstream sigv4
#
# Installs what it needs (apt: afl++; the SharpFuzz.CommandLine dotnet tool into a tool path), builds
# fuzz/Runnel.Fuzz in Release, instruments the engine assemblies (and System.Formats.Cbor) in a copy of the output,
# runs afl-fuzz with the seed corpus fuzz/corpus/TARGET and the dictionary fuzz/dictionaries/TARGET.dict, and
# prints the figures (execs, execs/s, paths, stability). Every crash or hang is replayed through the uninstrumented
# build, printed with its exception and as base64, and makes the exit code 1. To keep one as a regression, copy it
# to fuzz/regressions/TARGET/ (the replay tests in tests/*/Fuzz then run it in every `dotnet test`).
#
# Environment: RUNNEL_FUZZ_WORK (default /tmp/runnel-fuzz: build, tools, findings), RUNNEL_FUZZ_SKIP_BUILD=1 (reuse
# the build and instrumentation of an earlier run, as .ci/suites/20-fuzz.sh does), RUNNEL_FUZZ_TIMEOUT_MS (afl-fuzz
# -t: an input running longer is a hang; default 5000), RUNNEL_FUZZ_IN_PROCESS=1 (SharpFuzz's in-process fork
# server: faster, but the first hang or stack overflow ends the run). A long run is the same command with more
# seconds, e.g. fuzz/run.sh cbor 3600.
set -uo pipefail
cd "$(dirname "$0")/.."

targets="json cbor frame iterator eventstream sigv4"
if [ $# -ne 2 ] || ! [[ " $targets " == *" $1 "* ]] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
    echo "usage: fuzz/run.sh TARGET SECONDS   (TARGET: $targets)" >&2
    exit 2
fi
target=$1
seconds=$2
work=${RUNNEL_FUZZ_WORK:-/tmp/runnel-fuzz}
tools="$work/tools"
build="$work/build"      # the plain Release output: replays crashes (instrumented code needs AFL's shared memory)
run="$work/run"          # a copy with the engine assemblies instrumented
findings="$work/findings/$target"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[fuzz %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

install_tools() {
    if ! command -v afl-fuzz >/dev/null 2>&1; then
        log "installing afl++ (apt)"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null; } || return 1
    fi
    if [ ! -x "$tools/sharpfuzz" ]; then
        log "installing the SharpFuzz.CommandLine 2.3.0 dotnet tool into $tools"
        dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null || return 1
    fi
}

build_and_instrument() {
    log "building fuzz/Runnel.Fuzz (Release) into $build"
    rm -rf "$build" "$run"
    dotnet build fuzz/Runnel.Fuzz/Runnel.Fuzz.csproj -c Release -o "$build" -nologo -v q -clp:ErrorsOnly || return 1
    cp -r "$build" "$run"
    for assembly in Runnel.Model Runnel.Protocol Runnel.Storage Runnel.Streams Runnel.Security Runnel.Server System.Formats.Cbor; do
        "$tools/sharpfuzz" "$run/$assembly.dll" >/dev/null || { echo "sharpfuzz failed on $assembly.dll" >&2; return 1; }
    done
    log "instrumented: Runnel.Model Runnel.Protocol Runnel.Storage Runnel.Streams Runnel.Security Runnel.Server System.Formats.Cbor"
}

install_tools || { echo "could not install afl++ or sharpfuzz" >&2; exit 1; }
if [ "${RUNNEL_FUZZ_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$run/Runnel.Fuzz.dll" ]; then
    build_and_instrument || { echo "build or instrumentation failed" >&2; exit 1; }
fi

rm -rf "$findings"
mkdir -p "$findings"
dict=()
[ -f "fuzz/dictionaries/$target.dict" ] && dict=(-x "fuzz/dictionaries/$target.dict")

# What works in this container (Debian 12, 2 shared cores): no CPU frequency control (AFL_SKIP_CPUFREQ), a
# core_pattern AFL may not like (AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES), cores that other processes keep busy
# (AFL_NO_AFFINITY: do not pin, or afl-fuzz aborts when it finds no free core), and the target is `dotnet`, which
# has no AFL instrumentation of its own (AFL_SKIP_BIN_CHECK). -m none: the .NET runtime reserves a lot of virtual memory.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1
timeout_ms=${RUNNEL_FUZZ_TIMEOUT_MS:-5000}
log "afl-fuzz $target for ${seconds}s (corpus fuzz/corpus/$target, -t $timeout_ms), log in $findings.log"
timeout --kill-after=30 $((seconds + 300)) \
    afl-fuzz -V "$seconds" -i "fuzz/corpus/$target" -o "$findings" "${dict[@]}" -t "$timeout_ms" -m none \
    -- dotnet "$run/Runnel.Fuzz.dll" "$target" >"$findings.log" 2>&1
afl_exit=$?

stats="$findings/default/fuzzer_stats"
stat() { sed -n "s/^$1 *: *//p" "$stats" 2>/dev/null; }
failed=0
if [ ! -f "$stats" ] || [ "$(stat execs_done)" = "0" ] || [ "$(stat execs_done)" = "" ]; then
    echo "afl-fuzz did not fuzz $target (exit $afl_exit); the end of its log:" >&2
    sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$findings.log" | grep -v '^\[\*\] Fuzzing test case' | tail -n 25 >&2
    if [ -f "$findings/default/.cur_input" ]; then
        echo "the input it was running (base64): $(base64 -w0 "$findings/default/.cur_input")" >&2
    fi
    failed=1
else
    log "$target: $(stat execs_done) execs in $(stat run_time) s, $(stat execs_per_sec) execs/s, $(stat corpus_count) paths (corpus), bitmap $(stat bitmap_cvg), stability $(stat stability), $(stat saved_crashes) crashes, $(stat saved_hangs) hangs"
    if [ "$afl_exit" -ne 0 ]; then
        echo "afl-fuzz exited with $afl_exit" >&2
        failed=1
    fi
fi

for kind in crashes hangs; do
    for input in "$findings"/default/"$kind"/id:*; do
        [ -f "$input" ] || continue
        failed=1
        echo "== $kind: $input"
        echo "base64: $(base64 -w0 "$input")"
        timeout 30 dotnet "$build/Runnel.Fuzz.dll" replay "$target" "$input" | sed 's/^/  /'
        [ "${PIPESTATUS[0]}" -eq 124 ] && echo "  (the replay did not finish within 30 s: a hang)"
    done
done

if [ "$failed" -ne 0 ]; then
    log "$target: FAILED (inputs above; keep each as fuzz/regressions/$target/<name> once fixed)"
    exit 1
fi
log "$target: no crash, no hang"
exit 0
