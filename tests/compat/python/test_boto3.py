"""boto3 compatibility suite (HTTP/1.1, awsJson1_1): data plane, paging, resharding lineage, errors.

    COMPAT_ENDPOINT=http://127.0.0.1:4567 python3 tests/compat/python/test_boto3.py

Optional: COMPAT_LIMITS_ENDPOINT points at a server started with --limits on and a short
--subscription-lifetime-ms (COMPAT_SUBSCRIPTION_LIFETIME_MS, default 3000), used by the PutRecords partial-failure
and SubscribeToShard renewal tests; without it those tests are reported as failed, never skipped silently (the
first may be skipped with COMPAT_ALLOW_SKIP=1). Results: one "PASS|FAIL|SKIP <suite> :: <test>" line per test on stdout, and
"<suite>\t<status>\t<test>\t<ms>" lines appended to $COMPAT_RESULTS when set.
"""

import base64
import datetime as dt
import hashlib
import os
import sys
import threading
import time
import unittest
import uuid

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

SUITE = os.environ.get("SUITE", "boto3")
ENDPOINT = os.environ.get("COMPAT_ENDPOINT", "http://127.0.0.1:4567")
LIMITS_ENDPOINT = os.environ.get("COMPAT_LIMITS_ENDPOINT", "")
RUN = uuid.uuid4().hex[:8]
TWO127 = 2**127
MAXKEY = 2**128 - 1


def client(endpoint=ENDPOINT, retries=3):
    return boto3.session.Session().client(
        "kinesis",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDCOMPATTEST",
        aws_secret_access_key="compat-secret",
        config=Config(retries={"max_attempts": retries, "mode": "standard"}, connect_timeout=5, read_timeout=30),
    )


def wait_active(kin, name, timeout=20.0):
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        status = kin.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"]
        if status == "ACTIVE":
            return
        time.sleep(0.1)
    raise AssertionError(f"stream {name} not ACTIVE after {timeout}s (last {status})")


def create_stream(kin, name, shards):
    kin.create_stream(StreamName=name, ShardCount=shards)
    wait_active(kin, name)
    return kin.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]


def read_to_tip(kin, stream, shard, limit=None, **iterator_args):
    """Follows NextShardIterator until caught up (MillisBehindLatest 0 and no records) or the shard ends.
    Returns (records, responses)."""
    if not iterator_args:
        iterator_args = {"ShardIteratorType": "TRIM_HORIZON"}
    it = kin.get_shard_iterator(StreamName=stream, ShardId=shard, **iterator_args)["ShardIterator"]
    records, responses = [], []
    for _ in range(1000):
        args = {"ShardIterator": it}
        if limit:
            args["Limit"] = limit
        r = kin.get_records(**args)
        responses.append(r)
        records.extend(r["Records"])
        it = r.get("NextShardIterator")
        if it is None:
            break
        if not r["Records"] and r["MillisBehindLatest"] == 0:
            break
    else:
        raise AssertionError("GetRecords loop did not catch up in 1000 calls")
    return records, responses


def shard_for_key(shards, key):
    for s in shards:
        r = s["HashKeyRange"]
        if int(r["StartingHashKey"]) <= key <= int(r["EndingHashKey"]) and "EndingSequenceNumber" not in s["SequenceNumberRange"]:
            return s["ShardId"]
    raise AssertionError(f"no open shard for {key}")


class Boto3Compat(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kin = client()
        cls.stream = f"compat-boto3-{RUN}"
        cls.arn = create_stream(cls.kin, cls.stream, 2)

    @classmethod
    def tearDownClass(cls):
        try:
            cls.kin.delete_stream(StreamName=cls.stream, EnforceConsumerDeletion=True)
        except ClientError:
            pass

    def assertClientError(self, code, fn, **kwargs):
        with self.assertRaises(ClientError) as cm:
            fn(**kwargs)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], code, cm.exception.response)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertTrue(err.get("Message"), "error message present")
        return err["Message"]

    # ---- data plane ------------------------------------------------------------------------------
    def test_put_record_and_read_back_binary(self):
        data = os.urandom(1000) + bytes(range(256))
        pk = f"binary-{RUN}"
        put = self.kin.put_record(StreamName=self.stream, Data=data, PartitionKey=pk)
        key = int.from_bytes(hashlib.md5(pk.encode()).digest(), "big")
        expected_shard = "shardId-000000000000" if key < TWO127 else "shardId-000000000001"
        self.assertEqual(put["ShardId"], expected_shard, "routed by MD5 of the partition key")
        self.assertRegex(put["SequenceNumber"], r"^[0-9]+$")
        it = self.kin.get_shard_iterator(
            StreamName=self.stream, ShardId=put["ShardId"], ShardIteratorType="AT_SEQUENCE_NUMBER",
            StartingSequenceNumber=put["SequenceNumber"])["ShardIterator"]
        r = self.kin.get_records(ShardIterator=it, Limit=1)
        rec = r["Records"][0]
        self.assertEqual(rec["SequenceNumber"], put["SequenceNumber"])
        self.assertEqual(rec["Data"], data, "bytes round-trip exactly")
        self.assertEqual(rec["PartitionKey"], pk)
        self.assertIsInstance(rec["ApproximateArrivalTimestamp"], dt.datetime)
        age = abs((dt.datetime.now(dt.timezone.utc) - rec["ApproximateArrivalTimestamp"]).total_seconds())
        self.assertLess(age, 60, "ApproximateArrivalTimestamp is epoch seconds, close to now")

    def test_paging_get_records_until_caught_up(self):
        name = f"compat-boto3-page-{RUN}"
        create_stream(self.kin, name, 1)
        try:
            sent = []
            for batch in range(3):
                entries = [{"Data": f"rec-{batch}-{i}-".encode() + os.urandom(i % 50), "PartitionKey": f"k{i % 7}"}
                           for i in range(100)]
                resp = self.kin.put_records(StreamName=name, Records=entries)
                self.assertEqual(resp["FailedRecordCount"], 0)
                sent.extend(zip(entries, resp["Records"]))
            records, responses = read_to_tip(self.kin, name, "shardId-000000000000", limit=37)
            self.assertEqual(len(records), 300)
            self.assertGreaterEqual(len(responses), 300 // 37 + 1, "paged with Limit=37")
            self.assertTrue(all(len(r["Records"]) <= 37 for r in responses), "Limit honoured")
            self.assertEqual([r["Data"] for r in records], [e["Data"] for e, _ in sent])
            self.assertEqual([r["SequenceNumber"] for r in records], [s["SequenceNumber"] for _, s in sent])
            seqs = [int(r["SequenceNumber"]) for r in records]
            self.assertEqual(seqs, sorted(set(seqs)), "strictly increasing within the shard")
            self.assertEqual(responses[-1]["MillisBehindLatest"], 0)
            self.assertIn("NextShardIterator", responses[-1], "an open shard always hands out a next iterator")
            # the last iterator keeps working: a new record shows up on it
            put = self.kin.put_record(StreamName=name, Data=b"late", PartitionKey="late")
            r = self.kin.get_records(ShardIterator=responses[-1]["NextShardIterator"])
            self.assertEqual([x["SequenceNumber"] for x in r["Records"]], [put["SequenceNumber"]])
        finally:
            self.kin.delete_stream(StreamName=name)

    def test_put_records_response_shape(self):
        entries = [{"Data": os.urandom(1024), "PartitionKey": f"pk-{i}"} for i in range(20)]
        entries.append({"Data": b"explicit", "PartitionKey": "x", "ExplicitHashKey": str(MAXKEY)})
        resp = self.kin.put_records(StreamName=self.stream, Records=entries)
        self.assertIn("FailedRecordCount", resp, "FailedRecordCount present even when 0")
        self.assertEqual(resp["FailedRecordCount"], 0)
        self.assertEqual(len(resp["Records"]), len(entries), "one result per request record, same order")
        for e, r in zip(entries, resp["Records"]):
            self.assertNotIn("ErrorCode", r)
            self.assertRegex(r["SequenceNumber"], r"^[0-9]+$")
            key = int(e["ExplicitHashKey"]) if "ExplicitHashKey" in e else \
                int.from_bytes(hashlib.md5(e["PartitionKey"].encode()).digest(), "big")
            self.assertEqual(r["ShardId"], "shardId-000000000000" if key < TWO127 else "shardId-000000000001")

    def test_put_records_partial_failure_shape(self):
        if not LIMITS_ENDPOINT:
            if os.environ.get("COMPAT_ALLOW_SKIP") == "1":
                self.skipTest("COMPAT_LIMITS_ENDPOINT not set")
            self.fail("COMPAT_LIMITS_ENDPOINT not set: needs a server with --limits on")
        kin = client(LIMITS_ENDPOINT, retries=1)
        name = f"compat-boto3-limits-{RUN}"
        create_stream(kin, name, 1)
        try:
            # 3 x 500 x 2 KiB = 3 MiB at one shard within a second: above 1 MiB/s and 1000 records/s
            results = []
            for _ in range(3):
                entries = [{"Data": os.urandom(2048), "PartitionKey": f"p{i}"} for i in range(500)]
                resp = kin.put_records(StreamName=name, Records=entries)
                self.assertEqual(len(resp["Records"]), 500)
                failed = [r for r in resp["Records"] if "ErrorCode" in r]
                self.assertEqual(resp["FailedRecordCount"], len(failed), "FailedRecordCount counts the failed entries")
                results.append(resp)
            failed = [r for resp in results for r in resp["Records"] if "ErrorCode" in r]
            ok = [r for resp in results for r in resp["Records"] if "ErrorCode" not in r]
            self.assertGreater(len(failed), 0, "3 MiB in a burst at a 1 MiB/s shard must throttle some records")
            self.assertGreater(len(ok), 0, "the batch partly succeeds")
            for r in failed:
                self.assertEqual(r["ErrorCode"], "ProvisionedThroughputExceededException")
                self.assertIn("Rate exceeded for shard shardId-000000000000", r["ErrorMessage"])
                self.assertNotIn("SequenceNumber", r)
                self.assertNotIn("ShardId", r)
            for r in ok:
                self.assertEqual(r["ShardId"], "shardId-000000000000")
                self.assertRegex(r["SequenceNumber"], r"^[0-9]+$")
        finally:
            kin.delete_stream(StreamName=name)

    def test_iterator_types(self):
        name = f"compat-boto3-it-{RUN}"
        create_stream(self.kin, name, 1)
        try:
            shard = "shardId-000000000000"
            a = self.kin.put_record(StreamName=name, Data=b"a", PartitionKey="k")
            b = self.kin.put_record(StreamName=name, Data=b"b", PartitionKey="k")
            time.sleep(1.1)
            t = dt.datetime.now(dt.timezone.utc)
            time.sleep(1.1)
            c = self.kin.put_record(StreamName=name, Data=b"c", PartitionKey="k")

            def first(**kw):
                recs, _ = read_to_tip(self.kin, name, shard, **kw)
                return [r["Data"] for r in recs]

            self.assertEqual(first(ShardIteratorType="TRIM_HORIZON"), [b"a", b"b", b"c"])
            self.assertEqual(first(ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=b["SequenceNumber"]), [b"b", b"c"])
            self.assertEqual(first(ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=b["SequenceNumber"]), [b"c"])
            self.assertEqual(first(ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=c["SequenceNumber"]), [])
            self.assertEqual(first(ShardIteratorType="AT_TIMESTAMP", Timestamp=t), [b"c"])
            self.assertEqual(first(ShardIteratorType="AT_TIMESTAMP", Timestamp=dt.datetime(2001, 1, 1, tzinfo=dt.timezone.utc)), [b"a", b"b", b"c"])
            self.assertEqual(first(ShardIteratorType="LATEST"), [])
            # the shard's StartingSequenceNumber lies before every record: AFTER it yields the first record
            start = self.kin.list_shards(StreamName=name)["Shards"][0]["SequenceNumberRange"]["StartingSequenceNumber"]
            self.assertLess(int(start), int(a["SequenceNumber"]))
            self.assertEqual(first(ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=start), [b"a", b"b", b"c"])
            # a future timestamp is rejected
            msg = self.assertClientError("InvalidArgumentException", self.kin.get_shard_iterator, StreamName=name, ShardId=shard,
                                         ShardIteratorType="AT_TIMESTAMP", Timestamp=dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1))
            self.assertIn("timestampInMillis", msg)
        finally:
            self.kin.delete_stream(StreamName=name)

    def test_millis_behind_latest(self):
        name = f"compat-boto3-mbl-{RUN}"
        create_stream(self.kin, name, 1)
        try:
            self.kin.put_record(StreamName=name, Data=b"old", PartitionKey="k")
            time.sleep(1.5)
            self.kin.put_record(StreamName=name, Data=b"new", PartitionKey="k")
            it = self.kin.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                             ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            r1 = self.kin.get_records(ShardIterator=it, Limit=1)
            self.assertEqual([r["Data"] for r in r1["Records"]], [b"old"])
            self.assertGreaterEqual(r1["MillisBehindLatest"], 1000, "1.5 s between the record read and the tip")
            self.assertLess(r1["MillisBehindLatest"], 120_000)
            r2 = self.kin.get_records(ShardIterator=r1["NextShardIterator"])
            self.assertEqual([r["Data"] for r in r2["Records"]], [b"new"])
            self.assertEqual(r2["MillisBehindLatest"], 0, "caught up")
        finally:
            self.kin.delete_stream(StreamName=name)

    def test_stream_arn_addressing(self):
        put = self.kin.put_record(StreamARN=self.arn, Data=b"by-arn", PartitionKey="arn", ExplicitHashKey="0")
        self.assertEqual(put["ShardId"], "shardId-000000000000")
        it = self.kin.get_shard_iterator(StreamARN=self.arn, ShardId=put["ShardId"], ShardIteratorType="AT_SEQUENCE_NUMBER",
                                         StartingSequenceNumber=put["SequenceNumber"])["ShardIterator"]
        r = self.kin.get_records(ShardIterator=it, StreamARN=self.arn, Limit=1)
        self.assertEqual(r["Records"][0]["Data"], b"by-arn")
        s = self.kin.describe_stream_summary(StreamARN=self.arn)["StreamDescriptionSummary"]
        self.assertEqual(s["StreamName"], self.stream)
        self.assertEqual(s["OpenShardCount"], 2)

    def test_describe_stream_and_list_paging(self):
        d1 = self.kin.describe_stream(StreamName=self.stream, Limit=1)["StreamDescription"]
        self.assertEqual([s["ShardId"] for s in d1["Shards"]], ["shardId-000000000000"])
        self.assertTrue(d1["HasMoreShards"])
        d2 = self.kin.describe_stream(StreamName=self.stream, Limit=1, ExclusiveStartShardId="shardId-000000000000")["StreamDescription"]
        self.assertEqual([s["ShardId"] for s in d2["Shards"]], ["shardId-000000000001"])
        self.assertFalse(d2["HasMoreShards"])
        # ListShards pages by NextToken alone (AWS rejects NextToken with StreamName, which is why botocore's
        # list_shards paginator, which resends StreamName, fails on real AWS too: boto/botocore#2009)
        p1 = self.kin.list_shards(StreamName=self.stream, MaxResults=1)
        self.assertEqual([s["ShardId"] for s in p1["Shards"]], ["shardId-000000000000"])
        p2 = self.kin.list_shards(NextToken=p1["NextToken"], MaxResults=1)
        self.assertEqual([s["ShardId"] for s in p2["Shards"]], ["shardId-000000000001"])
        if "NextToken" in p2:  # a token on the last page may be given; it must then lead to an empty page
            self.assertEqual(self.kin.list_shards(NextToken=p2["NextToken"])["Shards"], [])
        msg = self.assertClientError("InvalidArgumentException", self.kin.list_shards, StreamName=self.stream, NextToken=p1["NextToken"])
        self.assertIn("NextToken and StreamName cannot be provided together", msg)
        names = [n for p in self.kin.get_paginator("list_streams").paginate(PaginationConfig={"PageSize": 1}) for n in p["StreamNames"]]
        self.assertIn(self.stream, names)
        self.assertEqual(names, sorted(names), "stream names in lexicographic order")

    # ---- resharding ------------------------------------------------------------------------------
    def test_resharding_lineage_and_child_shards(self):
        name = f"compat-boto3-reshard-{RUN}"
        create_stream(self.kin, name, 1)
        try:
            self.kin.put_record(StreamName=name, Data=b"p0", PartitionKey="k", ExplicitHashKey="1")
            self.kin.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(TWO127))
            wait_active(self.kin, name)
            shards = {s["ShardId"]: s for s in self.kin.list_shards(StreamName=name)["Shards"]}
            self.assertEqual(sorted(shards), ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"])
            self.assertIn("EndingSequenceNumber", shards["shardId-000000000000"]["SequenceNumberRange"])
            self.assertEqual(shards["shardId-000000000001"]["ParentShardId"], "shardId-000000000000")
            self.assertEqual(shards["shardId-000000000002"]["ParentShardId"], "shardId-000000000000")
            self.assertGreaterEqual(int(shards["shardId-000000000000"]["SequenceNumberRange"]["EndingSequenceNumber"]),
                                    int(shards["shardId-000000000000"]["SequenceNumberRange"]["StartingSequenceNumber"]))

            # reading the closed parent to its end: no NextShardIterator, ChildShards name both children
            recs, responses = read_to_tip(self.kin, name, "shardId-000000000000")
            self.assertEqual([r["Data"] for r in recs], [b"p0"])
            last = responses[-1]
            self.assertNotIn("NextShardIterator", last, last)
            children = sorted(last["ChildShards"], key=lambda c: c["ShardId"])
            self.assertEqual([c["ShardId"] for c in children], ["shardId-000000000001", "shardId-000000000002"])
            for c in children:
                self.assertEqual(c["ParentShards"], ["shardId-000000000000"])
            self.assertEqual(children[0]["HashKeyRange"], {"StartingHashKey": "0", "EndingHashKey": str(TWO127 - 1)})
            self.assertEqual(children[1]["HashKeyRange"], {"StartingHashKey": str(TWO127), "EndingHashKey": str(MAXKEY)})

            # records now land in the children
            low = self.kin.put_record(StreamName=name, Data=b"low", PartitionKey="k", ExplicitHashKey="1")
            high = self.kin.put_record(StreamName=name, Data=b"high", PartitionKey="k", ExplicitHashKey=str(MAXKEY))
            self.assertEqual((low["ShardId"], high["ShardId"]), ("shardId-000000000001", "shardId-000000000002"))
            self.assertGreater(int(low["SequenceNumber"]), int(recs[0]["SequenceNumber"]), "children's numbers follow the parent's")

            # merge the children back: one child with both parents
            self.kin.merge_shards(StreamName=name, ShardToMerge="shardId-000000000001", AdjacentShardToMerge="shardId-000000000002")
            wait_active(self.kin, name)
            shards = {s["ShardId"]: s for s in self.kin.list_shards(StreamName=name)["Shards"]}
            merged = shards["shardId-000000000003"]
            self.assertEqual(merged["ParentShardId"], "shardId-000000000001")
            self.assertEqual(merged["AdjacentParentShardId"], "shardId-000000000002")
            self.assertEqual(merged["HashKeyRange"], {"StartingHashKey": "0", "EndingHashKey": str(MAXKEY)})
            latest = self.kin.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"})["Shards"]
            self.assertEqual([s["ShardId"] for s in latest], ["shardId-000000000003"])

            for parent, data in (("shardId-000000000001", b"low"), ("shardId-000000000002", b"high")):
                recs, responses = read_to_tip(self.kin, name, parent)
                self.assertEqual([r["Data"] for r in recs], [data])
                last = responses[-1]
                self.assertNotIn("NextShardIterator", last)
                self.assertEqual(len(last["ChildShards"]), 1)
                self.assertEqual(last["ChildShards"][0]["ShardId"], "shardId-000000000003")
                self.assertEqual(sorted(last["ChildShards"][0]["ParentShards"]), ["shardId-000000000001", "shardId-000000000002"])
            put = self.kin.put_record(StreamName=name, Data=b"merged", PartitionKey="k")
            self.assertEqual(put["ShardId"], "shardId-000000000003")
        finally:
            self.kin.delete_stream(StreamName=name)

    def test_update_shard_count(self):
        name = f"compat-boto3-usc-{RUN}"
        create_stream(self.kin, name, 2)
        try:
            r = self.kin.update_shard_count(StreamName=name, TargetShardCount=3, ScalingType="UNIFORM_SCALING")
            self.assertEqual((r["CurrentShardCount"], r["TargetShardCount"]), (2, 3))
            wait_active(self.kin, name)
            open_shards = self.kin.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"})["Shards"]
            self.assertEqual(len(open_shards), 3)
            ranges = sorted((int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"])) for s in open_shards)
            self.assertEqual(ranges[0][0], 0)
            self.assertEqual(ranges[-1][1], MAXKEY)
            for (s1, e1), (s2, _) in zip(ranges, ranges[1:]):
                self.assertEqual(e1 + 1, s2, "open shards partition the hash space without gaps")
            for s, e in ranges:
                self.assertLessEqual(abs((e - s + 1) - (2**128) // 3), 2, "uniform ranges")
            self.assertEqual(self.kin.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["OpenShardCount"], 3)
        finally:
            self.kin.delete_stream(StreamName=name)

    # ---- errors ----------------------------------------------------------------------------------
    def test_error_resource_not_found(self):
        missing = f"missing-{RUN}"
        msg = self.assertClientError("ResourceNotFoundException", self.kin.describe_stream_summary, StreamName=missing)
        self.assertIn(missing, msg)
        self.assertClientError("ResourceNotFoundException", self.kin.put_record, StreamName=missing, Data=b"x", PartitionKey="k")
        self.assertClientError("ResourceNotFoundException", self.kin.get_shard_iterator, StreamName=self.stream,
                               ShardId="shardId-000000000042", ShardIteratorType="LATEST")
        self.assertClientError("ResourceNotFoundException", self.kin.describe_stream_consumer,
                               StreamARN=self.arn, ConsumerName="nobody")

    def test_error_resource_in_use(self):
        self.assertClientError("ResourceInUseException", self.kin.create_stream, StreamName=self.stream, ShardCount=1)

    def test_error_invalid_argument(self):
        self.assertClientError("InvalidArgumentException", self.kin.get_shard_iterator, StreamName=self.stream,
                               ShardId="shardId-000000000000", ShardIteratorType="AFTER_SEQUENCE_NUMBER")
        msg = self.assertClientError("InvalidArgumentException", self.kin.get_records, ShardIterator="AAAAAAAAAAEbogus" * 4)
        self.assertIn("Invalid ShardIterator", msg)
        self.assertClientError("InvalidArgumentException", self.kin.put_record, StreamName=self.stream, Data=b"x",
                               PartitionKey="k", ExplicitHashKey=str(2**128))
        self.assertClientError("InvalidArgumentException", self.kin.decrease_stream_retention_period, StreamName=self.stream,
                               RetentionPeriodHours=1)

    def test_error_validation(self):
        msg = self.assertClientError("ValidationException", self.kin.create_stream, StreamName="bad/name", ShardCount=1)
        self.assertEqual(msg, "1 validation error detected: Value 'bad/name' at 'streamName' failed to satisfy constraint: "
                              "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
        msg = self.assertClientError("ValidationException", self.kin.get_records, ShardIterator="x" * 10, Limit=10001)
        self.assertIn("Member must have value less than or equal to 10000", msg)

    def test_sequence_number_for_ordering(self):
        first = self.kin.put_record(StreamName=self.stream, Data=b"o1", PartitionKey="order", ExplicitHashKey="7")
        second = self.kin.put_record(StreamName=self.stream, Data=b"o2", PartitionKey="order", ExplicitHashKey="7",
                                     SequenceNumberForOrdering=first["SequenceNumber"])
        self.assertGreater(int(second["SequenceNumber"]), int(first["SequenceNumber"]))


    def test_subscribe_to_shard_event_stream(self):
        """SubscribeToShard over HTTP/1.1 chunked: botocore demands the initial-response event first."""
        name = f"compat-py-sub-{RUN}"
        arn = create_stream(self.kin, name, 1)
        try:
            consumer = self.kin.register_stream_consumer(StreamARN=arn, ConsumerName="efo")["Consumer"]["ConsumerARN"]
            deadline = time.monotonic() + 20
            while self.kin.describe_stream_consumer(ConsumerARN=consumer)["ConsumerDescription"]["ConsumerStatus"] != "ACTIVE":
                self.assertLess(time.monotonic(), deadline, "consumer never ACTIVE")
                time.sleep(0.1)
            put = [self.kin.put_record(StreamName=name, Data=f"r{i}".encode(), PartitionKey=f"k{i}")["SequenceNumber"] for i in range(3)]
            out = self.kin.subscribe_to_shard(ConsumerARN=consumer, ShardId="shardId-000000000000",
                                              StartingPosition={"Type": "AT_SEQUENCE_NUMBER", "SequenceNumber": put[0]})
            self.assertEqual(out["ResponseMetadata"]["HTTPStatusCode"], 200)
            self.assertEqual(out["ResponseMetadata"]["HTTPHeaders"].get("content-type"), "application/vnd.amazon.eventstream")
            stream = out["EventStream"]
            records, last = [], None
            try:
                for event in stream:
                    last = event["SubscribeToShardEvent"]
                    records.extend(last["Records"])
                    if len(records) >= 3 or time.monotonic() > deadline + 20:
                        break
            finally:
                stream.close()
            self.assertEqual([r["Data"] for r in records], [b"r0", b"r1", b"r2"])
            self.assertEqual([r["SequenceNumber"] for r in records], put)
            self.assertIsInstance(records[0]["ApproximateArrivalTimestamp"], dt.datetime)
            self.assertEqual(last["ContinuationSequenceNumber"], put[-1])
            self.assertIsInstance(last["MillisBehindLatest"], int)
        finally:
            self.kin.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


class Boto3SubscribeToShard(unittest.TestCase):
    """SubscribeToShard over HTTP/1.1 chunked event streams: renewal across subscription lifetimes (on the limits
    server, whose subscriptions last COMPAT_SUBSCRIPTION_LIFETIME_MS) and the end of a closed shard."""

    LIFETIME_MS = int(os.environ.get("COMPAT_SUBSCRIPTION_LIFETIME_MS", "3000"))

    def setUp(self):
        self.streams = []

    def tearDown(self):
        for kin, name in self.streams:
            try:
                kin.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
            except ClientError:
                pass

    def stream_with_consumer(self, kin, name, shards=1):
        arn = create_stream(kin, name, shards)
        self.streams.append((kin, name))
        consumer = kin.register_stream_consumer(StreamARN=arn, ConsumerName="efo")["Consumer"]["ConsumerARN"]
        deadline = time.monotonic() + 20
        while kin.describe_stream_consumer(ConsumerARN=consumer)["ConsumerDescription"]["ConsumerStatus"] != "ACTIVE":
            self.assertLess(time.monotonic(), deadline, "consumer never ACTIVE")
            time.sleep(0.1)
        return consumer

    @staticmethod
    def subscribe_once(kin, consumer, shard, position, want=None, timeout=30.0):
        """Events of one subscription until `want` records (then closes it) or until the server ends it.
        Returns (events, ended_by_server, seconds)."""
        start = time.monotonic()
        out = kin.subscribe_to_shard(ConsumerARN=consumer, ShardId=shard, StartingPosition=position)
        stream = out["EventStream"]
        events, records, ended = [], 0, True
        try:
            for event in stream:
                e = event["SubscribeToShardEvent"]
                events.append(e)
                records += len(e["Records"])
                if (want is not None and records >= want) or time.monotonic() - start > timeout:
                    ended = False
                    break
        finally:
            stream.close()
        return events, ended, time.monotonic() - start

    def test_subscribe_renewal_after_sequence_number_exactly_once(self):
        """The server ends each subscription after its lifetime; resubscribing AFTER_SEQUENCE_NUMBER the last
        ContinuationSequenceNumber (as the KCL does) loses and repeats nothing while a producer writes."""
        if not LIMITS_ENDPOINT:
            self.fail("COMPAT_LIMITS_ENDPOINT not set: needs a server with a short --subscription-lifetime-ms")
        kin = client(LIMITS_ENDPOINT)
        name = f"compat-py-renew-{RUN}"
        consumer = self.stream_with_consumer(kin, name)
        n = int(self.LIFETIME_MS * 2.5 / 100)
        put, failures = [], []

        def produce():
            try:
                producer = client(LIMITS_ENDPOINT)
                for i in range(n):
                    put.append(producer.put_record(StreamName=name, Data=f"n{i}".encode(), PartitionKey=f"k{i % 7}")["SequenceNumber"])
                    time.sleep(0.1)
            except Exception as e:  # reported by the test thread
                failures.append(e)

        writer = threading.Thread(target=produce)
        writer.start()
        records, subscriptions = [], []
        position = {"Type": "TRIM_HORIZON"}
        deadline = time.monotonic() + self.LIFETIME_MS / 1000 * 4 + 20
        try:
            while len(records) < n:
                self.assertLess(time.monotonic(), deadline, f"{len(records)} of {n} records after {len(subscriptions)} subscriptions")
                events, ended, seconds = self.subscribe_once(kin, consumer, "shardId-000000000000", position, want=n - len(records))
                subscriptions.append((ended, seconds))
                for e in events:
                    records.extend(e["Records"])
                    if e["Records"]:
                        self.assertEqual(e["ContinuationSequenceNumber"], e["Records"][-1]["SequenceNumber"])
                position = {"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": events[-1]["ContinuationSequenceNumber"]}
        finally:
            writer.join()
        self.assertEqual(failures, [])
        self.assertEqual([r["Data"] for r in records], [f"n{i}".encode() for i in range(n)])
        self.assertEqual([r["SequenceNumber"] for r in records], put)
        self.assertGreaterEqual(len(subscriptions), 3, "two renewals at least")
        for ended, seconds in subscriptions[:-1]:
            self.assertTrue(ended, "the server ended the subscription")
            self.assertGreaterEqual(seconds, self.LIFETIME_MS / 1000 * 0.9)

    def test_subscribe_closed_shard_ends_with_child_shards(self):
        """A split shard's subscription delivers its records, then a last event without ContinuationSequenceNumber
        and with both children, and the chunked response ends; a child's subscription continues."""
        kin = client()
        name = f"compat-py-kids-{RUN}"
        consumer = self.stream_with_consumer(kin, name)
        put = [kin.put_record(StreamName=name, Data=f"p{i}".encode(), PartitionKey="p")["SequenceNumber"] for i in range(3)]
        kin.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(TWO127))
        wait_active(kin, name)
        events, ended, _ = self.subscribe_once(kin, consumer, "shardId-000000000000", {"Type": "TRIM_HORIZON"})
        self.assertTrue(ended, "the server ended the stream at the shard end")
        self.assertEqual([r["SequenceNumber"] for e in events for r in e["Records"]], put)
        last = events[-1]
        self.assertIsNone(last.get("ContinuationSequenceNumber"))
        self.assertEqual(last["ChildShards"], [
            {"ShardId": "shardId-000000000001", "ParentShards": ["shardId-000000000000"],
             "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": str(TWO127 - 1)}},
            {"ShardId": "shardId-000000000002", "ParentShards": ["shardId-000000000000"],
             "HashKeyRange": {"StartingHashKey": str(TWO127), "EndingHashKey": str(MAXKEY)}},
        ])
        high = kin.put_record(StreamName=name, Data=b"high", PartitionKey="x", ExplicitHashKey=str(TWO127 + 1))["SequenceNumber"]
        events, _, _ = self.subscribe_once(kin, consumer, "shardId-000000000002", {"Type": "TRIM_HORIZON"}, want=1)
        self.assertEqual([(r["SequenceNumber"], r["Data"]) for e in events for r in e["Records"]], [(high, b"high")])
        self.assertEqual(events[-1]["ContinuationSequenceNumber"], high)


class Reporter(unittest.TextTestResult):
    """Prints one PASS/FAIL/SKIP line per test and appends a TSV row to $COMPAT_RESULTS."""

    def startTest(self, test):
        self._t0 = time.monotonic()
        super().startTest(test)

    def _emit(self, test, status, detail=None):
        ms = int((time.monotonic() - self._t0) * 1000)
        name = test.id().split(".")[-1] if isinstance(test, unittest.TestCase) else str(test).split(" ")[0]
        print(f"{status} {SUITE} :: {name} ({ms} ms)", flush=True)
        if detail:
            print("\n".join("    | " + line for line in detail.rstrip().splitlines()[-40:]), flush=True)
        path = os.environ.get("COMPAT_RESULTS")
        if path:
            with open(path, "a") as f:
                f.write(f"{SUITE}\t{status}\t{name}\t{ms}\n")

    def addSuccess(self, test):
        super().addSuccess(test)
        self._emit(test, "PASS")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._emit(test, "FAIL", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        if not hasattr(self, "_t0"):
            self._t0 = time.monotonic()
        self._emit(test, "FAIL", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._emit(test, "SKIP", reason)


if __name__ == "__main__":
    print(f"# {SUITE}: boto3 {boto3.__version__} botocore {botocore.__version__} against {ENDPOINT}", flush=True)
    argv = [sys.argv[0]] + sys.argv[1:]
    runner = unittest.TextTestRunner(resultclass=Reporter, verbosity=0, stream=open(os.devnull, "w"))
    program = unittest.main(argv=argv, testRunner=runner, exit=False)
    res = program.result
    failed = len(res.failures) + len(res.errors)
    passed = max(0, res.testsRun - failed - len(res.skipped))
    print(f"# {SUITE}: {passed} passed, {failed} failed, {len(res.skipped)} skipped", flush=True)
    sys.exit(0 if failed == 0 and res.testsRun > 0 else 1)
