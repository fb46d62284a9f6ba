#!/usr/bin/env bash
# AWS CLI compatibility suite: runs `aws kinesis ...` against COMPAT_ENDPOINT and asserts on the JSON it prints.
#
#   COMPAT_ENDPOINT=http://127.0.0.1:4567 AWS_BIN=aws SUITE=cli-v1 tests/compat/cli/cli_test.sh
#   COMPAT_ENDPOINT=http://127.0.0.1:4567 AWS_BIN=/usr/bin/aws SUITE=cli-v2 tests/compat/cli/cli_test.sh
#
# Works with the pip-installed CLI v1 and with Debian's CLI v2 (which reads blob arguments as base64 unless
# told otherwise, so commands that take a blob get --cli-binary-format raw-in-base64-out there).
# Prints one line per test ("PASS <suite> :: <name>" / "FAIL ..."), appends "<suite>\t<PASS|FAIL>\t<name>\t<ms>"
# to $COMPAT_RESULTS when set, and exits non-zero when a test failed.
set -uo pipefail

: "${COMPAT_ENDPOINT:?COMPAT_ENDPOINT must be set, e.g. http://127.0.0.1:4567}"
AWS_BIN=${AWS_BIN:-aws}
SUITE=${SUITE:-cli}
RESULTS=${COMPAT_RESULTS:-}
ONLY=${COMPAT_ONLY:-} # optional regex: run only the tests whose name matches

export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-AKIDCOMPATTEST} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-compat-secret}
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_PAGER="" AWS_MAX_ATTEMPTS=3
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_KINESIS
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

if ! command -v "$AWS_BIN" >/dev/null 2>&1; then
    echo "FAIL $SUITE :: (suite) $AWS_BIN not found"
    [ -n "$RESULTS" ] && printf '%s\tFAIL\t%s\t0\n' "$SUITE" "(suite) $AWS_BIN not found" >>"$RESULTS"
    exit 1
fi
AWS_VERSION=$("$AWS_BIN" --version 2>&1)
case "$AWS_VERSION" in
    aws-cli/1.*) CLI_MAJOR=1; BLOB=() ;;
    aws-cli/2.*) CLI_MAJOR=2; BLOB=(--cli-binary-format raw-in-base64-out) ;;
    *) echo "FAIL $SUITE :: (suite) unknown CLI: $AWS_VERSION"; exit 1 ;;
esac
if [ -n "${EXPECT_MAJOR:-}" ] && [ "$EXPECT_MAJOR" != "$CLI_MAJOR" ]; then
    echo "FAIL $SUITE :: (suite) $AWS_BIN is $AWS_VERSION, expected CLI v$EXPECT_MAJOR"
    [ -n "$RESULTS" ] && printf '%s\tFAIL\t%s\t0\n' "$SUITE" "(suite) $AWS_BIN is not CLI v$EXPECT_MAJOR" >>"$RESULTS"
    exit 1
fi
# Exit code of a request the service answered with an error: v1 255, v2 254.
SERVICE_ERROR_RC=$([ "$CLI_MAJOR" = 1 ] && echo 255 || echo 254)
echo "# $SUITE: $AWS_VERSION against $COMPAT_ENDPOINT"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
RUN_ID=$(date +%s)$$
S="compat-$SUITE-$RUN_ID"   # main stream, 2 shards
R="compat-$SUITE-$RUN_ID-r" # resharding stream, 2 shards
TWO127=170141183460469231731687303715884105728
TWO126=85070591730234615865843651857942052864
MAXKEY=340282366920938463463374607431768211455

kin() { "$AWS_BIN" kinesis --endpoint-url "$COMPAT_ENDPOINT" --output json "$@"; }

# ---- assertions (each prints what it saw and fails the current test) -------------------------------
fail() { echo "assertion failed: $*" >&2; exit 1; }
eq() { [ "$1" == "$2" ] || fail "expected [$2] got [$1]${3:+ ($3)}"; }
ne() { [ "$1" != "$2" ] || fail "expected something other than [$2]${3:+ ($3)}"; }
has() { [[ "$1" == *"$2"* ]] || fail "expected text containing [$2] in [$1]"; }
matches() { [[ "$1" =~ $2 ]] || fail "[$1] does not match /$2/"; }
# bigint comparison of decimal strings (sequence numbers, hash keys)
dec_lt() { python3 -c 'import sys; sys.exit(0 if int(sys.argv[1]) < int(sys.argv[2]) else 1)' "$1" "$2" || fail "expected $1 < $2"; }
j() { jq -r "$1" "$2"; }
save() { printf '%s' "$2" >"$WORK/$1"; }
load() { cat "$WORK/$1"; }

# Runs a command expected to fail with a service error: checks exit code, error code and operation name.
expect_error() { # code operation cmd...
    local code=$1 op=$2
    shift 2
    local rc=0
    "$@" >"$WORK/err.out" 2>"$WORK/err.txt" || rc=$?
    cat "$WORK/err.txt"
    eq "$rc" "$SERVICE_ERROR_RC" "exit code of a service error"
    has "$(cat "$WORK/err.txt")" "An error occurred ($code) when calling the $op operation"
}

wait_active() { # stream
    local i st
    for i in $(seq 1 100); do
        st=$(kin describe-stream-summary --stream-name "$1" | jq -r .StreamDescriptionSummary.StreamStatus)
        [ "$st" = ACTIVE ] && return 0
        sleep 0.2
    done
    fail "stream $1 did not become ACTIVE (last status $st)"
}

# Reads a shard from an iterator type to the tip; writes all records (JSON array) to $WORK/$3.
read_all() { # stream shard out [extra get-shard-iterator args...]
    local stream=$1 shard=$2 out=$3 it i
    shift 3
    it=$(kin get-shard-iterator --stream-name "$stream" --shard-id "$shard" "$@" | jq -r .ShardIterator)
    echo '[]' >"$WORK/$out"
    for i in $(seq 1 20); do
        kin get-records --shard-iterator "$it" >"$WORK/gr.json"
        jq -s '.[0] + .[1].Records' "$WORK/$out" "$WORK/gr.json" >"$WORK/$out.tmp" && mv "$WORK/$out.tmp" "$WORK/$out"
        it=$(jq -r '.NextShardIterator // empty' "$WORK/gr.json")
        [ -z "$it" ] && break
        [ "$(jq '.Records | length' "$WORK/gr.json")" = 0 ] && [ "$(jq .MillisBehindLatest "$WORK/gr.json")" = 0 ] && break
    done
}

# ---- tests -------------------------------------------------------------------------------------------
t_create_and_wait() {
    kin create-stream --stream-name "$S" --shard-count 2
    kin wait stream-exists --stream-name "$S"
    kin describe-stream-summary --stream-name "$S" | tee "$WORK/sum.json"
    eq "$(j .StreamDescriptionSummary.StreamStatus "$WORK/sum.json")" ACTIVE
    eq "$(j .StreamDescriptionSummary.StreamName "$WORK/sum.json")" "$S"
    eq "$(j .StreamDescriptionSummary.OpenShardCount "$WORK/sum.json")" 2
    eq "$(j .StreamDescriptionSummary.RetentionPeriodHours "$WORK/sum.json")" 24
    matches "$(j .StreamDescriptionSummary.StreamARN "$WORK/sum.json")" "^arn:aws:kinesis:us-east-1:[0-9]{12}:stream/$S\$"
    save arn "$(j .StreamDescriptionSummary.StreamARN "$WORK/sum.json")"
}

t_create_existing_is_resource_in_use() {
    expect_error ResourceInUseException CreateStream kin create-stream --stream-name "$S" --shard-count 1
}

t_describe_stream() {
    # --no-paginate: the CLI's own paginator drops HasMoreShards from what it prints
    kin describe-stream --stream-name "$S" --no-paginate | tee "$WORK/ds.json"
    local d=.StreamDescription
    eq "$(j "$d.StreamStatus" "$WORK/ds.json")" ACTIVE
    eq "$(j "$d.HasMoreShards" "$WORK/ds.json")" false
    eq "$(j "$d.StreamARN" "$WORK/ds.json")" "$(load arn)"
    eq "$(j "$d.Shards | length" "$WORK/ds.json")" 2
    eq "$(j "$d.Shards[0].ShardId" "$WORK/ds.json")" shardId-000000000000
    eq "$(j "$d.Shards[1].ShardId" "$WORK/ds.json")" shardId-000000000001
    eq "$(j "$d.Shards[0].HashKeyRange.StartingHashKey" "$WORK/ds.json")" 0
    eq "$(j "$d.Shards[0].HashKeyRange.EndingHashKey" "$WORK/ds.json")" "$(python3 -c "print(2**127-1)")"
    eq "$(j "$d.Shards[1].HashKeyRange.StartingHashKey" "$WORK/ds.json")" "$TWO127"
    eq "$(j "$d.Shards[1].HashKeyRange.EndingHashKey" "$WORK/ds.json")" "$MAXKEY"
    matches "$(j "$d.Shards[0].SequenceNumberRange.StartingSequenceNumber" "$WORK/ds.json")" '^[0-9]+$'
    eq "$(j "$d.Shards[0].SequenceNumberRange.EndingSequenceNumber" "$WORK/ds.json")" null "open shard has no end"
    eq "$(j "$d.EncryptionType // \"NONE\"" "$WORK/ds.json")" NONE
    eq "$(j "$d.RetentionPeriodHours" "$WORK/ds.json")" 24
}

t_list_streams() {
    kin list-streams | tee "$WORK/ls.json"
    eq "$(jq --arg s "$S" '[.StreamNames[] | select(. == $s)] | length' "$WORK/ls.json")" 1
    if [ "$(jq 'has("StreamSummaries")' "$WORK/ls.json")" = true ]; then
        eq "$(jq -r --arg s "$S" '.StreamSummaries[] | select(.StreamName == $s) | .StreamStatus' "$WORK/ls.json")" ACTIVE
    fi
}

t_put_record_binary() {
    # every byte value, twice, plus a NUL-heavy tail: the CLI base64-encodes the file for the wire
    python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256))*2 + b"\0\0\xff\n\r")' >"$WORK/bin.dat"
    kin put-record --stream-name "$S" --partition-key binary --explicit-hash-key 0 --data "fileb://$WORK/bin.dat" | tee "$WORK/pr.json"
    eq "$(j .ShardId "$WORK/pr.json")" shardId-000000000000
    matches "$(j .SequenceNumber "$WORK/pr.json")" '^[0-9]+$'
    save seq_bin "$(j .SequenceNumber "$WORK/pr.json")"
    # a second and third record on shard 0, used by AT_/AFTER_SEQUENCE_NUMBER
    kin put-record "${BLOB[@]}" --stream-name "$S" --partition-key second --explicit-hash-key 1 --data "second record" >"$WORK/pr2.json"
    kin put-record "${BLOB[@]}" --stream-name "$S" --partition-key third --explicit-hash-key 2 --data "third record" >"$WORK/pr3.json"
    eq "$(j .ShardId "$WORK/pr2.json")" shardId-000000000000
    save seq2 "$(j .SequenceNumber "$WORK/pr2.json")"
    save seq3 "$(j .SequenceNumber "$WORK/pr3.json")"
    dec_lt "$(load seq_bin)" "$(load seq2)"
    dec_lt "$(load seq2)" "$(load seq3)"
}

t_put_record_routes_by_partition_key() {
    # MD5("a") = 0cc175b9c0f1b6a831c399e269772661 < 2^127 -> shard 0; MD5("b") = 92eb5ffe... >= 2^127 -> shard 1
    kin put-record "${BLOB[@]}" --stream-name "$S" --partition-key a --data "pk a" >"$WORK/a.json"
    kin put-record "${BLOB[@]}" --stream-name "$S" --partition-key b --data "pk b" >"$WORK/b.json"
    eq "$(j .ShardId "$WORK/a.json")" shardId-000000000000
    eq "$(j .ShardId "$WORK/b.json")" shardId-000000000001
}

t_put_records() {
    kin put-records "${BLOB[@]}" --stream-name "$S" --records \
        '[{"Data":"batch-0","PartitionKey":"p0","ExplicitHashKey":"'"$TWO127"'"},{"Data":"batch-1","PartitionKey":"p1","ExplicitHashKey":"'"$MAXKEY"'"},{"Data":"batch-2 \u00e9\u00e8","PartitionKey":"p2","ExplicitHashKey":"3"}]' |
        tee "$WORK/prs.json"
    eq "$(j .FailedRecordCount "$WORK/prs.json")" 0
    eq "$(j '.Records | length' "$WORK/prs.json")" 3
    eq "$(j '.Records[0].ShardId' "$WORK/prs.json")" shardId-000000000001
    eq "$(j '.Records[1].ShardId' "$WORK/prs.json")" shardId-000000000001
    eq "$(j '.Records[2].ShardId' "$WORK/prs.json")" shardId-000000000000
    eq "$(j '[.Records[] | select(.SequenceNumber | test("^[0-9]+$"))] | length' "$WORK/prs.json")" 3
    eq "$(j '[.Records[] | select(has("ErrorCode"))] | length' "$WORK/prs.json")" 0
}

t_get_records_trim_horizon_roundtrip() {
    read_all "$S" shardId-000000000000 recs.json --shard-iterator-type TRIM_HORIZON
    cat "$WORK/recs.json"
    eq "$(j '.[0].SequenceNumber' "$WORK/recs.json")" "$(load seq_bin)"
    eq "$(j '.[0].PartitionKey' "$WORK/recs.json")" binary
    # byte-for-byte: compare the decoded data with the file that was put
    j '.[0].Data' "$WORK/recs.json" | base64 -d >"$WORK/bin.back"
    cmp "$WORK/bin.dat" "$WORK/bin.back" || fail "binary data changed on the round trip"
    eq "$(j '.[1].Data' "$WORK/recs.json" | base64 -d)" "second record"
    eq "$(j '.[2].Data' "$WORK/recs.json" | base64 -d)" "third record"
    eq "$(j '[.[] | select(.PartitionKey == "p2")][0].Data' "$WORK/recs.json" | base64 -d)" "batch-2 éè"
    matches "$(j '.[0].ApproximateArrivalTimestamp' "$WORK/recs.json")" '^[0-9]'
    # sequence numbers strictly increase in shard order
    python3 -c 'import json,sys; s=[int(r["SequenceNumber"]) for r in json.load(open(sys.argv[1]))]; sys.exit(0 if s==sorted(set(s)) else 1)' "$WORK/recs.json" ||
        fail "sequence numbers not strictly increasing"
}

t_get_records_response_shape() {
    local it
    it=$(kin get-shard-iterator --stream-name "$S" --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON | jq -r .ShardIterator)
    matches "$it" '^.{1,512}$'
    kin get-records --shard-iterator "$it" --limit 1 | tee "$WORK/g1.json"
    eq "$(j '.Records | length' "$WORK/g1.json")" 1 "Limit 1"
    ne "$(j '.NextShardIterator // ""' "$WORK/g1.json")" "" "NextShardIterator on an open shard"
    matches "$(j '.MillisBehindLatest' "$WORK/g1.json")" '^[0-9]+$'
    kin get-records --shard-iterator "$(j .NextShardIterator "$WORK/g1.json")" --limit 1 >"$WORK/g2.json"
    eq "$(j '.Records[0].SequenceNumber' "$WORK/g2.json")" "$(load seq2)" "the next page continues after the first"
}

t_iterator_at_sequence_number() {
    local it
    it=$(kin get-shard-iterator --stream-name "$S" --shard-id shardId-000000000000 --shard-iterator-type AT_SEQUENCE_NUMBER \
        --starting-sequence-number "$(load seq2)" | jq -r .ShardIterator)
    kin get-records --shard-iterator "$it" | tee "$WORK/at.json"
    eq "$(j '.Records[0].SequenceNumber' "$WORK/at.json")" "$(load seq2)"
    eq "$(j '.Records[0].Data' "$WORK/at.json" | base64 -d)" "second record"
}

t_iterator_after_sequence_number() {
    local it
    it=$(kin get-shard-iterator --stream-name "$S" --shard-id shardId-000000000000 --shard-iterator-type AFTER_SEQUENCE_NUMBER \
        --starting-sequence-number "$(load seq2)" | jq -r .ShardIterator)
    kin get-records --shard-iterator "$it" | tee "$WORK/after.json"
    eq "$(j '.Records[0].SequenceNumber' "$WORK/after.json")" "$(load seq3)"
    eq "$(j '.Records[0].Data' "$WORK/after.json" | base64 -d)" "third record"
}

t_iterator_latest() {
    local it
    it=$(kin get-shard-iterator --stream-name "$S" --shard-id shardId-000000000001 --shard-iterator-type LATEST | jq -r .ShardIterator)
    kin get-records --shard-iterator "$it" >"$WORK/l0.json"
    eq "$(j '.Records | length' "$WORK/l0.json")" 0 "nothing after LATEST yet"
    eq "$(j '.MillisBehindLatest' "$WORK/l0.json")" 0
    kin put-record "${BLOB[@]}" --stream-name "$S" --partition-key latest --explicit-hash-key "$MAXKEY" --data "after latest" >"$WORK/lp.json"
    kin get-records --shard-iterator "$(j .NextShardIterator "$WORK/l0.json")" | tee "$WORK/l1.json"
    eq "$(j '.Records | length' "$WORK/l1.json")" 1
    eq "$(j '.Records[0].SequenceNumber' "$WORK/l1.json")" "$(j .SequenceNumber "$WORK/lp.json")"
    eq "$(j '.Records[0].Data' "$WORK/l1.json" | base64 -d)" "after latest"
}

t_iterator_at_timestamp() {
    kin put-record "${BLOB[@]}" --stream-name "$S" --partition-key ts --explicit-hash-key "$TWO127" --data "before T" >/dev/null
    sleep 1.1
    local ts
    ts=$(date +%s.%3N)
    sleep 1.1
    kin put-record "${BLOB[@]}" --stream-name "$S" --partition-key ts --explicit-hash-key "$TWO127" --data "after T" >"$WORK/tsp.json"
    local it
    it=$(kin get-shard-iterator --stream-name "$S" --shard-id shardId-000000000001 --shard-iterator-type AT_TIMESTAMP --timestamp "$ts" | jq -r .ShardIterator)
    kin get-records --shard-iterator "$it" | tee "$WORK/ts.json"
    eq "$(j '.Records | length' "$WORK/ts.json")" 1
    eq "$(j '.Records[0].SequenceNumber' "$WORK/ts.json")" "$(j .SequenceNumber "$WORK/tsp.json")"
    eq "$(j '.Records[0].Data' "$WORK/ts.json" | base64 -d)" "after T"
    # a timestamp older than every record reads from the start of the shard
    it=$(kin get-shard-iterator --stream-name "$S" --shard-id shardId-000000000000 --shard-iterator-type AT_TIMESTAMP --timestamp 1000000000 | jq -r .ShardIterator)
    kin get-records --shard-iterator "$it" --limit 1 >"$WORK/ts0.json"
    eq "$(j '.Records[0].SequenceNumber' "$WORK/ts0.json")" "$(load seq_bin)"
}

t_list_shards() {
    kin list-shards --stream-name "$S" | tee "$WORK/lsh.json"
    eq "$(j '.Shards | length' "$WORK/lsh.json")" 2
    eq "$(j '[.Shards[].ShardId] | join(",")' "$WORK/lsh.json")" shardId-000000000000,shardId-000000000001
    eq "$(j '.Shards[1].HashKeyRange.EndingHashKey' "$WORK/lsh.json")" "$MAXKEY"
    # by ARN, one page at a time (the CLI follows NextToken itself unless told not to)
    kin list-shards --stream-arn "$(load arn)" --max-results 1 --no-paginate | tee "$WORK/lsh1.json"
    eq "$(j '.Shards | length' "$WORK/lsh1.json")" 1
    ne "$(j '.NextToken // ""' "$WORK/lsh1.json")" "" "NextToken when more shards remain"
    kin list-shards --next-token "$(j .NextToken "$WORK/lsh1.json")" --no-paginate >"$WORK/lsh2.json"
    eq "$(j '.Shards[0].ShardId' "$WORK/lsh2.json")" shardId-000000000001
}

t_split_shard() {
    kin create-stream --stream-name "$R" --shard-count 2
    wait_active "$R"
    save rarn "$(kin describe-stream-summary --stream-name "$R" | jq -r .StreamDescriptionSummary.StreamARN)"
    kin put-record "${BLOB[@]}" --stream-name "$R" --partition-key x --explicit-hash-key 5 --data "in parent" >/dev/null
    kin split-shard --stream-name "$R" --shard-to-split shardId-000000000000 --new-starting-hash-key "$TWO126"
    wait_active "$R"
    kin list-shards --stream-name "$R" | tee "$WORK/sp.json"
    eq "$(j '.Shards | length' "$WORK/sp.json")" 4
    local p='.Shards[] | select(.ShardId == "shardId-000000000000")'
    matches "$(j "$p | .SequenceNumberRange.EndingSequenceNumber" "$WORK/sp.json")" '^[0-9]+$' "the parent is closed"
    local c2='.Shards[] | select(.ShardId == "shardId-000000000002")' c3='.Shards[] | select(.ShardId == "shardId-000000000003")'
    eq "$(j "$c2 | .ParentShardId" "$WORK/sp.json")" shardId-000000000000
    eq "$(j "$c3 | .ParentShardId" "$WORK/sp.json")" shardId-000000000000
    eq "$(j "$c2 | .HashKeyRange.StartingHashKey" "$WORK/sp.json")" 0
    eq "$(j "$c2 | .HashKeyRange.EndingHashKey" "$WORK/sp.json")" "$(python3 -c 'print(2**126-1)')"
    eq "$(j "$c3 | .HashKeyRange.StartingHashKey" "$WORK/sp.json")" "$TWO126"
    eq "$(j "$c3 | .HashKeyRange.EndingHashKey" "$WORK/sp.json")" "$(python3 -c 'print(2**127-1)')"
    # new records with key 5 go to the lower child
    kin put-record "${BLOB[@]}" --stream-name "$R" --partition-key x --explicit-hash-key 5 --data "in child" | tee "$WORK/spp.json"
    eq "$(j .ShardId "$WORK/spp.json")" shardId-000000000002
    # the closed parent stays readable
    read_all "$R" shardId-000000000000 parent.json --shard-iterator-type TRIM_HORIZON
    eq "$(j '.[0].Data' "$WORK/parent.json" | base64 -d)" "in parent"
}

t_merge_shards() {
    kin merge-shards --stream-name "$R" --shard-to-merge shardId-000000000002 --adjacent-shard-to-merge shardId-000000000003
    wait_active "$R"
    kin list-shards --stream-name "$R" | tee "$WORK/mg.json"
    eq "$(j '.Shards | length' "$WORK/mg.json")" 5
    local c='.Shards[] | select(.ShardId == "shardId-000000000004")'
    eq "$(j "$c | .ParentShardId" "$WORK/mg.json")" shardId-000000000002
    eq "$(j "$c | .AdjacentParentShardId" "$WORK/mg.json")" shardId-000000000003
    eq "$(j "$c | .HashKeyRange.StartingHashKey" "$WORK/mg.json")" 0
    eq "$(j "$c | .HashKeyRange.EndingHashKey" "$WORK/mg.json")" "$(python3 -c 'print(2**127-1)')"
    eq "$(j '[.Shards[] | select(.SequenceNumberRange.EndingSequenceNumber == null)] | length' "$WORK/mg.json")" 2 "open shards after merge"
}

t_update_shard_count() {
    kin update-shard-count --stream-name "$R" --target-shard-count 4 --scaling-type UNIFORM_SCALING | tee "$WORK/usc.json"
    eq "$(j .CurrentShardCount "$WORK/usc.json")" 2
    eq "$(j .TargetShardCount "$WORK/usc.json")" 4
    eq "$(j .StreamName "$WORK/usc.json")" "$R"
    wait_active "$R"
    kin list-shards --stream-name "$R" --shard-filter Type=AT_LATEST | tee "$WORK/usc2.json"
    eq "$(j '.Shards | length' "$WORK/usc2.json")" 4 "open shards after scaling to 4"
    eq "$(j '[.Shards[].HashKeyRange.StartingHashKey] | sort_by(length, .) | join(",")' "$WORK/usc2.json")" \
        "0,$TWO126,$TWO127,$(python3 -c 'print(3*2**126)')"
    kin describe-stream-summary --stream-name "$R" >"$WORK/usc3.json"
    eq "$(j .StreamDescriptionSummary.OpenShardCount "$WORK/usc3.json")" 4
}

t_update_stream_mode() {
    kin update-stream-mode --stream-arn "$(load rarn)" --stream-mode-details StreamMode=ON_DEMAND
    wait_active "$R"
    kin describe-stream-summary --stream-name "$R" | tee "$WORK/mode.json"
    eq "$(j .StreamDescriptionSummary.StreamModeDetails.StreamMode "$WORK/mode.json")" ON_DEMAND
    eq "$(j .StreamDescriptionSummary.OpenShardCount "$WORK/mode.json")" 4 "the shard count is kept across the switch"
    # resharding by hand is for provisioned streams only
    expect_error ValidationException UpdateShardCount \
        kin update-shard-count --stream-name "$R" --target-shard-count 2 --scaling-type UNIFORM_SCALING
}

t_warm_throughput_and_account_settings() {
    kin describe-account-settings | tee "$WORK/acct0.json"
    matches "$(j .MinimumThroughputBillingCommitment.Status "$WORK/acct0.json")" '^(DISABLED|ENABLED|ENABLED_UNTIL_EARLIEST_ALLOWED_END)$'
    kin update-account-settings --minimum-throughput-billing-commitment Status=ENABLED | tee "$WORK/acct1.json"
    eq "$(j .MinimumThroughputBillingCommitment.Status "$WORK/acct1.json")" ENABLED
    kin update-stream-warm-throughput --stream-name "$R" --warm-throughput-mi-bps 10 | tee "$WORK/wt.json"
    eq "$(j .WarmThroughput.TargetMiBps "$WORK/wt.json")" 10
    eq "$(j .StreamName "$WORK/wt.json")" "$R"
}

t_describe_limits() {
    kin describe-limits | tee "$WORK/lim.json"
    matches "$(j .ShardLimit "$WORK/lim.json")" '^[1-9][0-9]*$'
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["OpenShardCount"] >= 2 and d["OnDemandStreamCountLimit"] >= 1 and "OnDemandStreamCount" in d else 1)' "$WORK/lim.json" ||
        fail "OpenShardCount/OnDemandStreamCount(Limit) not as expected"
}

t_stream_encryption() {
    kin start-stream-encryption --stream-name "$S" --encryption-type KMS --key-id alias/aws/kinesis
    wait_active "$S"
    kin describe-stream-summary --stream-name "$S" >"$WORK/enc.json"
    eq "$(j .StreamDescriptionSummary.EncryptionType "$WORK/enc.json")" KMS
    eq "$(j .StreamDescriptionSummary.KeyId "$WORK/enc.json")" alias/aws/kinesis
    kin put-record "${BLOB[@]}" --stream-name "$S" --partition-key enc --data "encrypted" | tee "$WORK/encp.json"
    eq "$(j .EncryptionType "$WORK/encp.json")" KMS
    kin stop-stream-encryption --stream-name "$S" --encryption-type KMS --key-id alias/aws/kinesis
    wait_active "$S"
    eq "$(kin describe-stream-summary --stream-name "$S" | jq -r .StreamDescriptionSummary.EncryptionType)" NONE
}

t_tags_by_resource_arn() {
    kin tag-resource --resource-arn "$(load arn)" --tags owner=compat,tier=gold
    kin list-tags-for-resource --resource-arn "$(load arn)" | tee "$WORK/tr.json"
    eq "$(j '[.Tags[] | "\(.Key)=\(.Value)"] | sort | join(",")' "$WORK/tr.json")" "env=prod,owner=compat,tier=gold"
    kin untag-resource --resource-arn "$(load arn)" --tag-keys tier
    eq "$(kin list-tags-for-stream --stream-name "$S" | jq -r '[.Tags[].Key] | join(",")')" "env,owner" "same tags seen by stream name"
}

t_resource_policy() {
    local policy
    policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kinesis:GetRecords","Resource":"'"$(load arn)"'"}]}'
    kin put-resource-policy --resource-arn "$(load arn)" --policy "$policy"
    kin get-resource-policy --resource-arn "$(load arn)" | tee "$WORK/pol.json"
    eq "$(j .Policy "$WORK/pol.json" | jq -c .)" "$(printf '%s' "$policy" | jq -c .)"
    kin delete-resource-policy --resource-arn "$(load arn)"
}

t_update_max_record_size() {
    kin update-max-record-size --stream-arn "$(load arn)" --max-record-size-in-ki-b 2048
    wait_active "$S"
    eq "$(kin describe-stream-summary --stream-name "$S" | jq -r .StreamDescriptionSummary.MaxRecordSizeInKiB)" 2048
    # above 10240 KiB: the CLI checks only the minimum, so this one reaches the server
    expect_error ValidationException UpdateMaxRecordSize kin update-max-record-size --stream-arn "$(load arn)" --max-record-size-in-ki-b 20000
}

t_tags() {
    kin add-tags-to-stream --stream-name "$S" --tags team=data,env=test
    kin list-tags-for-stream --stream-name "$S" | tee "$WORK/tg.json"
    eq "$(j '[.Tags[] | "\(.Key)=\(.Value)"] | join(",")' "$WORK/tg.json")" "env=test,team=data" "tags sorted by key"
    eq "$(j .HasMoreTags "$WORK/tg.json")" false
    kin add-tags-to-stream --stream-name "$S" --tags env=prod
    kin remove-tags-from-stream --stream-name "$S" --tag-keys team unknown-key
    kin list-tags-for-stream --stream-name "$S" | tee "$WORK/tg2.json"
    eq "$(j '[.Tags[] | "\(.Key)=\(.Value)"] | join(",")' "$WORK/tg2.json")" "env=prod"
}

t_retention() {
    kin increase-stream-retention-period --stream-name "$S" --retention-period-hours 48
    eq "$(kin describe-stream-summary --stream-name "$S" | jq .StreamDescriptionSummary.RetentionPeriodHours)" 48
    wait_active "$S"
    kin decrease-stream-retention-period --stream-name "$S" --retention-period-hours 24
    eq "$(kin describe-stream-summary --stream-name "$S" | jq .StreamDescriptionSummary.RetentionPeriodHours)" 24
    wait_active "$S"
}

t_retention_too_short_is_invalid_argument() {
    expect_error InvalidArgumentException DecreaseStreamRetentionPeriod \
        kin decrease-stream-retention-period --stream-name "$S" --retention-period-hours 12
    has "$(cat "$WORK/err.txt")" "Minimum allowed retention period is 24 hours"
    expect_error InvalidArgumentException IncreaseStreamRetentionPeriod \
        kin increase-stream-retention-period --stream-name "$S" --retention-period-hours 9000
}

t_enhanced_monitoring() {
    kin enable-enhanced-monitoring --stream-name "$S" --shard-level-metrics IncomingBytes OutgoingRecords | tee "$WORK/em.json"
    eq "$(j '.CurrentShardLevelMetrics | length' "$WORK/em.json")" 0
    eq "$(j '.DesiredShardLevelMetrics | sort | join(",")' "$WORK/em.json")" IncomingBytes,OutgoingRecords
    eq "$(j .StreamName "$WORK/em.json")" "$S"
    wait_active "$S"
    eq "$(kin describe-stream-summary --stream-name "$S" | jq -r '.StreamDescriptionSummary.EnhancedMonitoring[0].ShardLevelMetrics | sort | join(",")')" \
        IncomingBytes,OutgoingRecords
    kin disable-enhanced-monitoring --stream-name "$S" --shard-level-metrics IncomingBytes | tee "$WORK/dm.json"
    eq "$(j '.CurrentShardLevelMetrics | sort | join(",")' "$WORK/dm.json")" IncomingBytes,OutgoingRecords
    eq "$(j '.DesiredShardLevelMetrics | join(",")' "$WORK/dm.json")" OutgoingRecords
    wait_active "$S"
}

t_stream_consumers() {
    kin register-stream-consumer --stream-arn "$(load arn)" --consumer-name app1 | tee "$WORK/rc.json"
    local carn
    carn=$(j .Consumer.ConsumerARN "$WORK/rc.json")
    matches "$carn" "^$(load arn)/consumer/app1:[0-9]+\$"
    eq "$(j .Consumer.ConsumerName "$WORK/rc.json")" app1
    matches "$(j .Consumer.ConsumerStatus "$WORK/rc.json")" '^(CREATING|ACTIVE)$'
    kin describe-stream-consumer --consumer-arn "$carn" | tee "$WORK/dc.json"
    eq "$(j .ConsumerDescription.ConsumerName "$WORK/dc.json")" app1
    eq "$(j .ConsumerDescription.StreamARN "$WORK/dc.json")" "$(load arn)"
    kin describe-stream-consumer --stream-arn "$(load arn)" --consumer-name app1 >"$WORK/dc2.json"
    eq "$(j .ConsumerDescription.ConsumerARN "$WORK/dc2.json")" "$carn"
    kin list-stream-consumers --stream-arn "$(load arn)" | tee "$WORK/lc.json"
    eq "$(j '[.Consumers[].ConsumerName] | join(",")' "$WORK/lc.json")" app1
    expect_error ResourceInUseException RegisterStreamConsumer \
        kin register-stream-consumer --stream-arn "$(load arn)" --consumer-name app1
    kin deregister-stream-consumer --consumer-arn "$carn"
    local i st=""
    for i in $(seq 1 50); do
        st=$(kin list-stream-consumers --stream-arn "$(load arn)" | jq -r '[.Consumers[].ConsumerName] | join(",")')
        [ -z "$st" ] && break
        sleep 0.2
    done
    eq "$st" "" "consumer gone after deregistering"
}

t_error_resource_not_found() {
    expect_error ResourceNotFoundException DescribeStreamSummary kin describe-stream-summary --stream-name "no-such-stream-$RUN_ID"
    has "$(cat "$WORK/err.txt")" "no-such-stream-$RUN_ID"
    expect_error ResourceNotFoundException PutRecord kin put-record "${BLOB[@]}" --stream-name "no-such-stream-$RUN_ID" --partition-key k --data x
    expect_error ResourceNotFoundException GetShardIterator \
        kin get-shard-iterator --stream-name "$S" --shard-id shardId-000000000099 --shard-iterator-type TRIM_HORIZON
}

t_error_invalid_argument() {
    expect_error InvalidArgumentException GetShardIterator \
        kin get-shard-iterator --stream-name "$S" --shard-id shardId-000000000000 --shard-iterator-type AT_SEQUENCE_NUMBER
    expect_error InvalidArgumentException GetShardIterator \
        kin get-shard-iterator --stream-name "$S" --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --starting-sequence-number "$(load seq2)"
    expect_error InvalidArgumentException GetRecords kin get-records --shard-iterator "not-a-real-iterator-$RUN_ID"
    expect_error InvalidArgumentException PutRecord \
        kin put-record "${BLOB[@]}" --stream-name "$S" --partition-key k --data x --explicit-hash-key "$(python3 -c 'print(2**128)')"
    expect_error InvalidArgumentException SplitShard \
        kin split-shard --stream-name "$S" --shard-to-split shardId-000000000000 --new-starting-hash-key 1
}

t_error_validation() {
    expect_error ValidationException CreateStream kin create-stream --stream-name 'bad name!' --shard-count 1
    has "$(cat "$WORK/err.txt")" "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    expect_error ValidationException GetShardIterator \
        kin get-shard-iterator --stream-name "$S" --shard-id shardId-000000000000 --shard-iterator-type SOMEWHERE
    has "$(cat "$WORK/err.txt")" "Member must satisfy enum value set"
    expect_error ValidationException ListShards kin list-shards --stream-name "$S" --max-results 10001 --no-paginate
    has "$(cat "$WORK/err.txt")" "Member must have value less than or equal to 10000"
}

t_endpoint_from_environment() {
    AWS_ENDPOINT_URL_KINESIS=$COMPAT_ENDPOINT "$AWS_BIN" kinesis describe-stream-summary --stream-name "$S" --output json >"$WORK/env.json"
    eq "$(j .StreamDescriptionSummary.StreamName "$WORK/env.json")" "$S"
}

t_delete_stream() {
    kin delete-stream --stream-name "$R"
    kin delete-stream --stream-name "$S"
    kin wait stream-not-exists --stream-name "$S"
    expect_error ResourceNotFoundException DescribeStream kin describe-stream --stream-name "$S"
    kin list-streams >"$WORK/ls2.json"
    eq "$(jq --arg s "$S" '[.StreamNames[] | select(. == $s)] | length' "$WORK/ls2.json")" 0
}

TESTS=(
    t_create_and_wait t_create_existing_is_resource_in_use t_describe_stream t_list_streams
    t_put_record_binary t_put_record_routes_by_partition_key t_put_records
    t_get_records_trim_horizon_roundtrip t_get_records_response_shape
    t_iterator_at_sequence_number t_iterator_after_sequence_number t_iterator_latest t_iterator_at_timestamp
    t_list_shards t_split_shard t_merge_shards t_update_shard_count t_update_stream_mode t_warm_throughput_and_account_settings
    t_describe_limits t_stream_encryption t_tags t_tags_by_resource_arn t_resource_policy t_update_max_record_size t_retention t_retention_too_short_is_invalid_argument t_enhanced_monitoring t_stream_consumers
    t_error_resource_not_found t_error_invalid_argument t_error_validation t_endpoint_from_environment
    t_delete_stream
)

# Commands Debian's CLI v2 2.9 does not have (it predates them), and its lack of AWS_ENDPOINT_URL_* support.
V1_ONLY=" t_warm_throughput_and_account_settings t_tags_by_resource_arn t_resource_policy t_update_max_record_size t_endpoint_from_environment "

passed=0
failed=0
for t in "${TESTS[@]}"; do
    name=${t#t_}
    if [ "$CLI_MAJOR" = 2 ] && [[ "$V1_ONLY" == *" $t "* ]]; then
        echo "# $SUITE: $name not applicable to CLI v2 2.9"
        continue
    fi
    if [ -n "$ONLY" ] && ! [[ "$name" =~ $ONLY ]]; then continue; fi
    start=$(date +%s%3N)
    (
        set -e
        "$t"
    ) >"$WORK/out.txt" 2>&1
    rc=$?
    ms=$(($(date +%s%3N) - start))
    if [ "$rc" -eq 0 ]; then
        status=PASS
        passed=$((passed + 1))
    else
        status=FAIL
        failed=$((failed + 1))
    fi
    echo "$status $SUITE :: $name (${ms} ms)"
    if [ "$rc" -ne 0 ] || [ -n "${COMPAT_VERBOSE:-}" ]; then
        tail -n 40 "$WORK/out.txt" | sed 's/^/    | /'
    fi
    [ -n "$RESULTS" ] && printf '%s\t%s\t%s\t%s\n' "$SUITE" "$status" "$name" "$ms" >>"$RESULTS"
done
echo "# $SUITE: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
