#!/usr/bin/env bash
# Real clients with real signatures against `runnel serve --auth sigv4 --credentials FILE`.
#
#   tests/compat/security/run.sh            build engine/Runnel.Cli if needed, start a server on free ports with a temp
#                                           data dir and a generated credentials file, run every case, stop it
#   SECURITY_ONLY=regex                     run only the cases whose name matches
#
# The clients: the AWS CLI (pip's v1 first on PATH, and Debian's v2 at /usr/bin/aws when present) and the JS SDK
# (@aws-sdk/client-kinesis from tests/compat/node_modules, over h2c and HTTP/1.1). With valid credentials they create
# a stream, put and read records; with a wrong secret they get InvalidSignatureException, with an unknown key
# UnrecognizedClientException, unsigned MissingAuthenticationTokenException.
#
# Adding a case: write a function `case_<name>` that returns 0 when the expectation holds (print a line saying
# what it saw), and list it in CASES below. Helpers: `cli <who> <aws args...>` runs the CLI as a principal,
# `expect_cli_error <Type> <who> <aws args...>`, `js <who> <scenario> [arg]` runs tests/compat/security/security.mjs.
# The principals are in write_credentials (alice: a long-term key; bob: session credentials; both allowed kinesis:*;
# carol: ListStreams only); the policy cases check AccessDeniedException and a resource policy that grants carol a put.
# Last line: "suite: N passed, N failed"; exit status 0 only when every case passed.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
COMPAT=$ROOT/tests/compat
WORK=$(mktemp -d /tmp/runnel-security.XXXXXX)
SERVER_PID=""
PASSED=0
FAILED=0
T0=$(date +%s)

log() { printf '[security %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    SERVER_PID=""
    [ "${SECURITY_KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

finish() {
    log "took $(($(date +%s) - T0)) s"
    echo "suite: $PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit $?
}

# ---- principals -------------------------------------------------------------------------------------------------
ALICE_KEY=AKIASECALICE0001 ALICE_SECRET='alice/Secret+Key0001'
BOB_KEY=ASIASECBOB000001 BOB_SECRET='bob/Secret+Key0002' BOB_TOKEN='FwoGZXIvYXdzEBob//SessionToken+0002='
CAROL_KEY=AKIASECCAROL0003 CAROL_SECRET='carol/Secret+Key0003'
ACCOUNT=123456789012
# alice and bob may do anything with Kinesis; carol may only list streams (identity policies), unless a stream's
# resource policy grants her more.
write_credentials() { # file
    local all='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kinesis:*", "Resource": "*"}]}'
    cat >"$1" <<JSON
{"principals": [
  {"accessKeyId": "$ALICE_KEY", "secretAccessKey": "$ALICE_SECRET", "arn": "arn:aws:iam::$ACCOUNT:user/alice", "policies": [$all]},
  {"accessKeyId": "$BOB_KEY", "secretAccessKey": "$BOB_SECRET", "sessionToken": "$BOB_TOKEN",
   "arn": "arn:aws:sts::$ACCOUNT:assumed-role/reader/bob", "policies": [$all]},
  {"accessKeyId": "$CAROL_KEY", "secretAccessKey": "$CAROL_SECRET", "arn": "arn:aws:iam::$ACCOUNT:user/carol",
   "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kinesis:ListStreams", "Resource": "*"}]}]}
]}
JSON
}

# Credentials of a "who": alice, bob, alice-wrong-secret, unknown, bob-no-token.
creds_of() { # who -> KEY SECRET TOKEN
    case "$1" in
        alice) echo "$ALICE_KEY" "$ALICE_SECRET" "" ;;
        carol) echo "$CAROL_KEY" "$CAROL_SECRET" "" ;;
        bob) echo "$BOB_KEY" "$BOB_SECRET" "$BOB_TOKEN" ;;
        alice-wrong-secret) echo "$ALICE_KEY" "not-alices-secret" "" ;;
        unknown) echo "AKIASECNOBODY999" "$ALICE_SECRET" "" ;;
        bob-no-token) echo "$BOB_KEY" "$BOB_SECRET" "" ;;
        *) echo "unknown who $1" >&2; return 1 ;;
    esac
}

# ---- clients ----------------------------------------------------------------------------------------------------
AWS_BIN=${AWS_BIN:-$(command -v aws || true)}
AWS_V2=/usr/bin/aws
[ "$AWS_V2" -ef "${AWS_BIN:-/nonexistent}" ] && AWS_V2=""
[ -x "$AWS_V2" ] || AWS_V2=""

cli_with() { # bin who args...
    local bin=$1 who=$2 key secret token
    shift 2
    read -r key secret token < <(creds_of "$who")
    env AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret" ${token:+AWS_SESSION_TOKEN="$token"} \
        AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_PAGER="" AWS_MAX_ATTEMPTS=1 AWS_CONFIG_FILE=/dev/null \
        AWS_SHARED_CREDENTIALS_FILE=/dev/null "$bin" --endpoint-url "$ENDPOINT" --output json kinesis "$@"
}
cli() { cli_with "$AWS_BIN" "$@"; }

expect_cli_error_with() { # bin type who args...
    local bin=$1 type=$2 out
    shift 2
    if out=$(cli_with "$bin" "$@" 2>&1); then
        echo "expected $type, but the command succeeded: $out"
        return 1
    fi
    if ! grep -q "($type)" <<<"$out"; then
        echo "expected $type, got: $(head -c 400 <<<"$out")"
        return 1
    fi
    echo "$type: $(grep -o "($type).*" <<<"$out" | head -n 1 | cut -c1-160)"
}
expect_cli_error() { expect_cli_error_with "$AWS_BIN" "$@"; }

js() { # who scenario [arg] (SEC_TRANSPORT picks h2 or http1.1)
    local who=$1 key secret token
    shift
    read -r key secret token < <(creds_of "$who")
    (cd "$HERE" && SEC_ENDPOINT="$ENDPOINT" SEC_KEY="$key" SEC_SECRET="$secret" SEC_TOKEN="$token" NODE_NO_WARNINGS=1 \
        timeout 60 node security.mjs "$@")
}

cli_roundtrip_with() { # bin who
    local bin=$1 who=$2 stream status i it data blob=()
    stream="sec-cli-$(date +%s%N | tail -c 9)-$who"
    "$bin" --version 2>&1 | grep -q '^aws-cli/2' && blob=(--cli-binary-format raw-in-base64-out)
    cli_with "$bin" "$who" create-stream --stream-name "$stream" --shard-count 1 >/dev/null || return 1
    for i in $(seq 1 100); do
        status=$(cli_with "$bin" "$who" describe-stream-summary --stream-name "$stream" | python3 -c 'import json,sys; print(json.load(sys.stdin)["StreamDescriptionSummary"]["StreamStatus"])') || return 1
        [ "$status" = ACTIVE ] && break
        sleep 0.2
    done
    [ "$status" = ACTIVE ] || { echo "stream $stream is $status"; return 1; }
    cli_with "$bin" "$who" put-record --stream-name "$stream" --partition-key k --data "signed-record" "${blob[@]}" >/dev/null || return 1
    it=$(cli_with "$bin" "$who" get-shard-iterator --stream-name "$stream" --shard-id shardId-000000000000 \
        --shard-iterator-type TRIM_HORIZON | python3 -c 'import json,sys; print(json.load(sys.stdin)["ShardIterator"])') || return 1
    data=$(cli_with "$bin" "$who" get-records --shard-iterator "$it" | python3 -c 'import json,sys,base64; print(base64.b64decode(json.load(sys.stdin)["Records"][0]["Data"]).decode())') || return 1
    [ "$data" = signed-record ] || { echo "read back '$data'"; return 1; }
    echo "$("$bin" --version 2>&1 | cut -d' ' -f1) as $who: created $stream, put and read back 'signed-record'"
}

# ---- cases ------------------------------------------------------------------------------------------------------
case_cli_valid_roundtrip() { cli_roundtrip_with "$AWS_BIN" alice; }
case_cli_session_token() { cli bob list-streams >/dev/null && echo "list-streams as bob with AWS_SESSION_TOKEN"; }
case_cli_wrong_secret() { expect_cli_error InvalidSignatureException alice-wrong-secret list-streams; }
case_cli_unknown_key() { expect_cli_error UnrecognizedClientException unknown list-streams; }
case_cli_session_without_token() { expect_cli_error UnrecognizedClientException bob-no-token list-streams; }
case_cli_unsigned() {
    local out
    if out=$(AWS_PAGER="" AWS_MAX_ATTEMPTS=1 AWS_DEFAULT_REGION=us-east-1 "$AWS_BIN" --endpoint-url "$ENDPOINT" --no-sign-request kinesis list-streams 2>&1); then
        echo "an unsigned request succeeded: $out"
        return 1
    fi
    grep -q '(MissingAuthenticationTokenException)' <<<"$out" || { echo "got: $out"; return 1; }
    echo "MissingAuthenticationTokenException for --no-sign-request"
}
case_cli2_valid_roundtrip() { cli_roundtrip_with "$AWS_V2" alice; }
case_cli2_wrong_secret() { expect_cli_error_with "$AWS_V2" InvalidSignatureException alice-wrong-secret list-streams; }
case_cli2_unknown_key() { expect_cli_error_with "$AWS_V2" UnrecognizedClientException unknown list-streams; }
case_js_h2_valid_roundtrip() { SEC_TRANSPORT=h2 js alice roundtrip; }
case_js_http11_valid_roundtrip() { SEC_TRANSPORT=http1.1 js alice roundtrip; }
case_js_session_token_roundtrip() { SEC_TRANSPORT=h2 js bob roundtrip; }
case_js_subscribe_to_shard() { SEC_TRANSPORT=h2 js alice subscribe; }
case_js_h2_wrong_secret() { SEC_TRANSPORT=h2 js alice-wrong-secret expect-error InvalidSignatureException; }
case_js_http11_wrong_secret() { SEC_TRANSPORT=http1.1 js alice-wrong-secret expect-error InvalidSignatureException; }
case_js_unknown_key() { SEC_TRANSPORT=h2 js unknown expect-error UnrecognizedClientException; }
# Authorization (identity and resource policies) with real signatures.
policy_stream() { # name: alice creates it and waits for ACTIVE
    local stream=$1 status i
    cli alice create-stream --stream-name "$stream" --shard-count 1 >/dev/null || return 1
    for i in $(seq 1 100); do
        status=$(cli alice describe-stream-summary --stream-name "$stream" | python3 -c 'import json,sys; print(json.load(sys.stdin)["StreamDescriptionSummary"]["StreamStatus"])') || return 1
        [ "$status" = ACTIVE ] && return 0
        sleep 0.2
    done
    echo "stream $stream is $status"
    return 1
}
case_cli_policy_allows_list() { cli carol list-streams >/dev/null && echo "carol's identity policy allows ListStreams"; }
case_cli_policy_denies_put() {
    policy_stream sec-policy-deny || return 1
    expect_cli_error AccessDeniedException carol put-record --stream-name sec-policy-deny --partition-key k --data AAAA
}
case_js_policy_denies_describe() { SEC_OPERATION=DescribeStreamSummary SEC_STREAM=sec-policy-deny SEC_TRANSPORT=h2 js carol expect-error AccessDeniedException; }
case_cli_resource_policy_grants_put() {
    local stream=sec-policy-grant arn
    policy_stream "$stream" || return 1
    arn="arn:aws:kinesis:us-east-1:$ACCOUNT:stream/$stream"
    cli alice put-resource-policy --resource-arn "$arn" --policy "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::$ACCOUNT:user/carol\"}, \"Action\": \"kinesis:PutRecord\", \"Resource\": \"$arn\"}]}" >/dev/null || return 1
    cli carol put-record --stream-name "$stream" --partition-key k --data AAAA >/dev/null || { echo "carol's put was refused despite the resource policy"; return 1; }
    expect_cli_error AccessDeniedException carol put-record --stream-name sec-policy-deny --partition-key k --data AAAA >/dev/null || return 1
    echo "a stream resource policy lets carol PutRecord to $stream only"
}
case_js_wrong_region() { SEC_REGION=eu-west-1 SEC_TRANSPORT=http1.1 js alice expect-error InvalidSignatureException; }

CASES=(cli_valid_roundtrip cli_session_token cli_wrong_secret cli_unknown_key cli_session_without_token cli_unsigned
    js_h2_valid_roundtrip js_http11_valid_roundtrip js_session_token_roundtrip js_subscribe_to_shard js_h2_wrong_secret
    js_http11_wrong_secret js_unknown_key js_wrong_region
    cli_policy_allows_list cli_policy_denies_put js_policy_denies_describe cli_resource_policy_grants_put)
[ -n "$AWS_V2" ] && CASES+=(cli2_valid_roundtrip cli2_wrong_secret cli2_unknown_key)

run_case() { # name
    local name=$1 out start rc
    start=$(date +%s%N)
    out=$("case_$name" 2>&1)
    rc=$?
    local ms=$((($(date +%s%N) - start) / 1000000))
    if [ "$rc" -eq 0 ]; then
        PASSED=$((PASSED + 1))
        echo "PASS $name (${ms} ms) :: $(tail -n 1 <<<"$out")"
    else
        FAILED=$((FAILED + 1))
        echo "FAIL $name (${ms} ms)"
        sed 's/^/    | /' <<<"$out" | tail -n 15
    fi
}

# ---- setup ------------------------------------------------------------------------------------------------------
cd "$ROOT" || exit 2
if [ -z "$AWS_BIN" ]; then
    log "no aws CLI on PATH: installing Debian's awscli"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null; } || log "apt-get install awscli failed"
    AWS_BIN=$(command -v aws || true)
fi
if [ ! -d "$COMPAT/node_modules/@aws-sdk/client-kinesis" ]; then
    log "npm ci in tests/compat"
    (cd "$COMPAT" && npm ci --no-audit --no-fund --loglevel=error) || log "npm ci failed"
fi
SERVER_DLL=$(dotnet msbuild engine/Runnel.Cli/Runnel.Cli.csproj -nologo -getProperty:TargetPath -p:Configuration=Release 2>/dev/null | tail -n 1)
if [ ! -f "$SERVER_DLL" ]; then
    log "building engine/Runnel.Cli (Release)"
    dotnet build engine/Runnel.Cli/Runnel.Cli.csproj -c Release --nologo -v q -clp:ErrorsOnly >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log"; }
fi
if [ ! -f "$SERVER_DLL" ]; then
    echo "FAIL (suite) no server assembly at '$SERVER_DLL'"
    FAILED=1
    finish
fi
write_credentials "$WORK/credentials.json"
PORT=$(free_port) TLS_PORT=$(free_port)
ENDPOINT=http://127.0.0.1:$PORT
log "starting runnel serve --auth sigv4 on $ENDPOINT (data $WORK/data)"
env $(env | sed -n 's/^\(RUNNEL_[A-Za-z0-9_]*\)=.*/-u \1/p') \
    dotnet "$SERVER_DLL" serve --port "$PORT" --tls-port "$TLS_PORT" --data "$WORK/data" --auth sigv4 --credentials "$WORK/credentials.json" \
    --account-id "$ACCOUNT" \
    --create-stream-ms 100 --delete-stream-ms 100 --update-stream-ms 100 --limits off >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
up=0
for _ in $(seq 1 300); do
    if curl -fsS -m 2 "$ENDPOINT/health" >/dev/null 2>&1; then
        up=1
        break
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
done
if [ "$up" = 0 ]; then
    echo "FAIL (suite) the server did not answer /health; its log:"
    tail -n 40 "$WORK/server.log" | sed 's/^/    | /'
    FAILED=1
    finish
fi
log "server up; aws: ${AWS_BIN:-none} $([ -n "$AWS_V2" ] && echo "and $AWS_V2"); node: $(node --version 2>&1)"

for name in "${CASES[@]}"; do
    if [ -n "${SECURITY_ONLY:-}" ] && ! [[ "$name" =~ $SECURITY_ONLY ]]; then
        continue
    fi
    run_case "$name"
done
finish
