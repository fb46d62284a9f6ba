#!/usr/bin/env bash
# Runs Runnel's compatibility suites with real AWS clients.
#
#   tests/compat/run.sh                    build engine/Runnel.Cli (Release), start two servers on free ports with
#                                          temp data dirs and short delays (one with --limits off for the suites,
#                                          one with --limits on and 3-second SubscribeToShard subscriptions for the
#                                          throttling, renewal and fan-out tests; both serve one TLS certificate),
#                                          run every suite, stop them
#   tests/compat/run.sh cli-v1 boto3       only these suites
#   tests/compat/run.sh --endpoint http://127.0.0.1:4599 [--tls-endpoint URL --ca FILE] [--limits-endpoint URL
#                       [--limits-tls-endpoint URL]]
#                                          use a server that is already running (kinesalite, ...) instead
#   COMPAT_ONLY=regex (CLI suites) and COMPAT_VERBOSE=1 narrow or widen what is run and printed.
#
# Suites: cli-v1 (pip AWS CLI 1.x), cli-v2 (Debian /usr/bin/aws 2.x), boto3, js-sdk (@aws-sdk/client-kinesis,
# h2c and HTTP/1.1, with aws-kinesis-agg), js-tls (the SDK over the TLS port: ALPN and a smoke test), js-sdk-tls
# (the js-sdk data, control and SubscribeToShard suites again over the TLS ports).
# Output: each suite's PASS/FAIL lines, then a table "SUITE <name> passed=N failed=N skipped=N seconds=S", the
# results as TSV (suite, status, test, ms) in $COMPAT_OUT/results.tsv, and last "compat: N passed, N failed".
# A suite that cannot run (client missing, npm install failed, server not up) counts as failed, never skipped.
# Exit status: 0 only when every test passed.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ALL_SUITES=(cli-v1 cli-v2 boto3 js-sdk js-tls js-sdk-tls)

ENDPOINT="" TLS_ENDPOINT="" CA_FILE="" LIMITS_ENDPOINT="" LIMITS_TLS_ENDPOINT="" NO_BUILD=0
# The limits-on server's SubscribeToShard lifetime: short, so that the renewal tests see several (AWS: 5 minutes).
SUBSCRIPTION_LIFETIME_MS=${COMPAT_SUBSCRIPTION_LIFETIME_MS:-3000}
SUITES=()
while [ $# -gt 0 ]; do
    case "$1" in
        --endpoint) ENDPOINT=$2; shift 2 ;;
        --tls-endpoint) TLS_ENDPOINT=$2; shift 2 ;;
        --ca) CA_FILE=$2; shift 2 ;;
        --limits-endpoint) LIMITS_ENDPOINT=$2; shift 2 ;;
        --limits-tls-endpoint) LIMITS_TLS_ENDPOINT=$2; shift 2 ;;
        --no-build) NO_BUILD=1; shift ;;
        -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) SUITES+=("$1"); shift ;;
    esac
done
[ ${#SUITES[@]} -eq 0 ] && SUITES=("${ALL_SUITES[@]}")

OUT=${COMPAT_OUT:-$(mktemp -d /tmp/runnel-compat.XXXXXX)}
mkdir -p "$OUT"
RESULTS=$OUT/results.tsv
: >"$RESULTS"
T0=$(date +%s)
PIDS=()
DATA_DIRS=()

log() { printf '[compat %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

stop_servers() {
    local pid i
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || continue
        for i in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "server $pid did not stop within 10 s of SIGTERM; killing it"
            kill -KILL "$pid" 2>/dev/null
        else
            wait "$pid" 2>/dev/null
            log "server $pid stopped (exit $?)"
        fi
    done
    PIDS=()
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# Starts `runnel serve` with a fresh data dir; sets STARTED_PID/STARTED_DATA. Returns 1 if /health never answers.
start_server() { # name port tls_port limits(on|off) [more serve flags]
    local name=$1 port=$2 tls=$3 limits=$4 data i
    shift 4
    data=$(mktemp -d /tmp/runnel-compat-data.XXXXXX)
    log "starting $name: port $port, tls $tls, limits $limits, data $data"
    # The server reads RUNNEL_* variables; start it with none of them so only the flags count.
    env $(env | sed -n 's/^\(RUNNEL_[A-Za-z0-9_]*\)=.*/-u \1/p') \
        dotnet "$SERVER_DLL" serve --port "$port" --tls-port "$tls" --data "$data" \
        --create-stream-ms 100 --delete-stream-ms 100 --update-stream-ms 100 --limits "$limits" "$@" \
        >"$OUT/server-$name.log" 2>&1 &
    STARTED_PID=$!
    STARTED_DATA=$data
    PIDS+=("$STARTED_PID")
    DATA_DIRS+=("$data")
    for i in $(seq 1 300); do
        if curl -fsS -m 2 "http://127.0.0.1:$port/health" >"$OUT/health-$name.json" 2>/dev/null; then
            log "$name up after $((i / 5)).$((i % 5 * 2)) s: $(cat "$OUT/health-$name.json")"
            return 0
        fi
        if ! kill -0 "$STARTED_PID" 2>/dev/null; then
            log "$name exited before answering /health"
            break
        fi
        sleep 0.2
    done
    log "$name did not answer GET /health; its log:"
    tail -n 40 "$OUT/server-$name.log" | sed 's/^/    | /'
    return 1
}

SERVER_OK=1
if [ -z "$ENDPOINT" ]; then
    cd "$ROOT" || exit 2
    if [ "$NO_BUILD" = 0 ]; then
        log "building engine/Runnel.Cli (Release)"
        if ! dotnet build engine/Runnel.Cli/Runnel.Cli.csproj -c Release --nologo -v q -clp:ErrorsOnly >"$OUT/build.log" 2>&1; then
            log "build failed:"
            tail -n 30 "$OUT/build.log" | sed 's/^/    | /'
            SERVER_OK=0
        fi
    fi
    SERVER_DLL=$(dotnet msbuild engine/Runnel.Cli/Runnel.Cli.csproj -nologo -getProperty:TargetPath -p:Configuration=Release 2>/dev/null | tail -n 1)
    if [ "$SERVER_OK" = 1 ] && [ ! -f "$SERVER_DLL" ]; then
        log "no server assembly at '$SERVER_DLL'"
        SERVER_OK=0
    fi
    if [ "$SERVER_OK" = 1 ]; then
        P1=$(free_port) T1=$(free_port)
        if start_server main "$P1" "$T1" off; then
            ENDPOINT=http://127.0.0.1:$P1
            TLS_ENDPOINT=https://127.0.0.1:$T1
            CA_FILE=$STARTED_DATA/runnel-cert.pem
            [ -f "$CA_FILE" ] || CA_FILE=$(find "$STARTED_DATA" -maxdepth 2 -name '*.pem' | head -n 1)
        else
            SERVER_OK=0
        fi
        P2=$(free_port) T2=$(free_port)
        # The main server's generated certificate, so that one CA file (NODE_EXTRA_CA_CERTS) trusts both TLS ports.
        MAIN_PFX=${CA_FILE%.pem}.pfx
        TLS_CERT_ARGS=()
        [ -f "$MAIN_PFX" ] && TLS_CERT_ARGS=(--tls-cert "$MAIN_PFX")
        if start_server limits "$P2" "$T2" on --subscription-lifetime-ms "$SUBSCRIPTION_LIFETIME_MS" "${TLS_CERT_ARGS[@]}"; then
            LIMITS_ENDPOINT=http://127.0.0.1:$P2
            LIMITS_TLS_ENDPOINT=https://127.0.0.1:$T2
        fi
    fi
fi
export AWS_ACCESS_KEY_ID=AKIDCOMPATTEST AWS_SECRET_ACCESS_KEY=compat-secret AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export COMPAT_ENDPOINT=$ENDPOINT COMPAT_TLS_ENDPOINT=$TLS_ENDPOINT COMPAT_LIMITS_ENDPOINT=$LIMITS_ENDPOINT COMPAT_RESULTS=$RESULTS
export COMPAT_SUBSCRIPTION_LIFETIME_MS=$SUBSCRIPTION_LIFETIME_MS
export NODE_NO_WARNINGS=1 # the SDK's "node >= 22 after January 2027" notice
log "endpoint $ENDPOINT, tls $TLS_ENDPOINT (ca ${CA_FILE:-none}), limits ${LIMITS_ENDPOINT:-none} (tls ${LIMITS_TLS_ENDPOINT:-none}); results in $RESULTS"

# The pip CLI v1 is first on PATH on this image; Debian's v2 is /usr/bin/aws.
AWS_V1=${AWS_V1_BIN:-$(command -v aws || echo aws)}
AWS_V2=${AWS_V2_BIN:-/usr/bin/aws}

# Per-suite time limits (seconds): a hung server or client must not eat CI's budget.
suite_timeout() { # name
    case "$1" in
        cli-*) echo "${COMPAT_SUITE_TIMEOUT:-900}" ;;
        boto3) echo "${COMPAT_SUITE_TIMEOUT:-360}" ;;
        js-sdk | js-sdk-tls) echo "${COMPAT_SUITE_TIMEOUT:-480}" ;;
        *) echo "${COMPAT_SUITE_TIMEOUT:-120}" ;;
    esac
}

run_suite() { # name
    local name=$1 SUITE_TIMEOUT
    SUITE_TIMEOUT=$(suite_timeout "$1")
    case "$name" in
        cli-v1) SUITE=cli-v1 AWS_BIN=$AWS_V1 EXPECT_MAJOR=1 timeout "$SUITE_TIMEOUT" bash "$HERE/cli/cli_test.sh" ;;
        cli-v2) SUITE=cli-v2 AWS_BIN=$AWS_V2 EXPECT_MAJOR=2 timeout "$SUITE_TIMEOUT" bash "$HERE/cli/cli_test.sh" ;;
        boto3) SUITE=boto3 timeout "$SUITE_TIMEOUT" python3 "$HERE/python/test_boto3.py" ;;
        js-sdk | js-tls | js-sdk-tls)
            if [ ! -d "$HERE/node_modules/@aws-sdk/client-kinesis" ]; then
                echo "FAIL $name :: (suite) tests/compat/node_modules missing: npm ci in tests/compat failed or did not run"
                return 1
            fi
            local files="js/sdk.test.mjs js/control.test.mjs js/cbor.test.mjs js/subscribe.test.mjs"
            [ "$name" = js-tls ] && files=js/tls.test.mjs
            local endpoint=$ENDPOINT limits_endpoint=$LIMITS_ENDPOINT
            if [ "$name" = js-sdk-tls ]; then
                # Every operation of the data, control and SubscribeToShard suites again, over the TLS ports (h2 by
                # ALPN and HTTP/1.1).
                files="js/sdk.test.mjs js/control.test.mjs js/subscribe.test.mjs"
                endpoint=$TLS_ENDPOINT
                limits_endpoint=$LIMITS_TLS_ENDPOINT
            fi
            (cd "$HERE" && SUITE=$name COMPAT_ENDPOINT=$endpoint COMPAT_LIMITS_ENDPOINT=$limits_endpoint NODE_EXTRA_CA_CERTS=$CA_FILE timeout "$SUITE_TIMEOUT" \
                node --test --test-concurrency=1 --test-reporter=./js/reporter.mjs --test-reporter-destination=stdout $files)
            ;;
        *) echo "FAIL $name :: (suite) unknown suite"; return 1 ;;
    esac
}

# Runs one suite into $OUT/<suite>.log, .rc and .secs.
exec_suite() { # name
    local s=$1 start rc
    start=$(date +%s)
    if [ "$SERVER_OK" = 0 ] || [ -z "$ENDPOINT" ]; then
        echo "FAIL $s :: (suite) no server to test: build or start failed" >"$OUT/$s.log"
        rc=1
    else
        run_suite "$s" >"$OUT/$s.log" 2>&1
        rc=$?
    fi
    echo "$rc" >"$OUT/$s.rc"
    echo $(($(date +%s) - start)) >"$OUT/$s.secs"
}

# The two CLI suites spend their time starting Python for every command: they run in the background, side by
# side with the others (COMPAT_PARALLEL=0 runs everything one after the other). Their output is printed at the end.
PARALLEL=${COMPAT_PARALLEL:-1}
BACKGROUND=()
for s in "${SUITES[@]}"; do
    if [ "$PARALLEL" = 1 ] && [[ "$s" == cli-* ]]; then
        log "suite $s (in the background)"
        exec_suite "$s" &
        BACKGROUND+=("$!")
    fi
done
for s in "${SUITES[@]}"; do
    if ! { [ "$PARALLEL" = 1 ] && [[ "$s" == cli-* ]]; }; then
        log "suite $s"
        exec_suite "$s"
        cat "$OUT/$s.log"
    fi
done
for pid in "${BACKGROUND[@]}"; do
    wait "$pid"
done
for s in "${SUITES[@]}"; do
    if [ "$PARALLEL" = 1 ] && [[ "$s" == cli-* ]]; then
        log "suite $s (ran in the background)"
        cat "$OUT/$s.log"
    fi
done

declare -A SECONDS_OF
for s in "${SUITES[@]}"; do
    rc=$(cat "$OUT/$s.rc" 2>/dev/null || echo 1)
    SECONDS_OF[$s]=$(cat "$OUT/$s.secs" 2>/dev/null || echo 0)
    n_fail=$(awk -F'\t' -v s="$s" '$1 == s && $2 == "FAIL"' "$RESULTS" | wc -l)
    n_pass=$(awk -F'\t' -v s="$s" '$1 == s && $2 == "PASS"' "$RESULTS" | wc -l)
    if [ "$rc" -ne 0 ] && [ "$n_fail" -eq 0 ]; then
        # crashed, timed out (124) or could not start: that is a failure even if no test said so
        printf '%s\tFAIL\t(suite exited with status %s)\t0\n' "$s" "$rc" >>"$RESULTS"
    elif [ $((n_pass + n_fail)) -eq 0 ]; then
        printf '%s\tFAIL\t(suite ran no test)\t0\n' "$s" >>"$RESULTS"
    fi
done
stop_servers

echo
echo "== compat results (tab-separated rows in $RESULTS)"
total_pass=0 total_fail=0
for s in "${SUITES[@]}"; do
    p=$(awk -F'\t' -v s="$s" '$1 == s && $2 == "PASS"' "$RESULTS" | wc -l)
    f=$(awk -F'\t' -v s="$s" '$1 == s && $2 == "FAIL"' "$RESULTS" | wc -l)
    k=$(awk -F'\t' -v s="$s" '$1 == s && $2 == "SKIP"' "$RESULTS" | wc -l)
    printf 'SUITE %-7s passed=%-3d failed=%-3d skipped=%-2d seconds=%d\n' "$s" "$p" "$f" "$k" "${SECONDS_OF[$s]}"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
done
awk -F'\t' '$2 == "FAIL" { printf "  failed: %s :: %s\n", $1, $3 }' "$RESULTS"
echo "compat run took $(($(date +%s) - T0)) s"
if [ "$total_fail" -eq 0 ] && [ "${COMPAT_KEEP:-0}" != 1 ]; then
    rm -rf "${DATA_DIRS[@]}"
elif [ ${#DATA_DIRS[@]} -gt 0 ]; then
    echo "server data kept in: ${DATA_DIRS[*]}"
fi
echo "compat: ${total_pass} passed, ${total_fail} failed"
[ "$total_fail" -eq 0 ]
