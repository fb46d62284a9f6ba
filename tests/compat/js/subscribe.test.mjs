// @aws-sdk/client-kinesis SubscribeToShard (enhanced fan-out) over the SDK's default handler: HTTP/2, cleartext
// with prior knowledge on http:// (suite js-sdk) and by ALPN on https:// (suite js-sdk-tls). The response is an
// application/vnd.amazon.eventstream; send() returns after the initial-response event, then the EventStream yields
// SubscribeToShardEvent members until the server ends the stream (lifetime, shard end) or the request is aborted.
//
// COMPAT_ENDPOINT: a server with --limits off (starting positions, child shards, errors).
// COMPAT_LIMITS_ENDPOINT: a server with --limits on and a short --subscription-lifetime-ms
// (COMPAT_SUBSCRIPTION_LIFETIME_MS, 3000 in run.sh): renewal and two consumers at 2 MiB/s each.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeStreamSummaryCommand, RegisterStreamConsumerCommand, DescribeStreamConsumerCommand, PutRecordsCommand,
  SubscribeToShardCommand, SplitShardCommand, MergeShardsCommand,
} from '@aws-sdk/client-kinesis';
import { ENDPOINT, RUN, TWO127, MAXKEY, makeClient, handlerName, sleep, createStream, deleteStream, waitActive, expectError } from './common.mjs';

const T = { timeout: 60000 };
const SHARD = 'shardId-000000000000';
const TRANSPORT = new URL(ENDPOINT).protocol === 'https:' ? 'h2 over TLS' : 'h2c';
const LIMITS_ENDPOINT = process.env.COMPAT_LIMITS_ENDPOINT || '';
const LIFETIME_MS = Number(process.env.COMPAT_SUBSCRIPTION_LIFETIME_MS || 3000);
const MiB = 1024 * 1024;
const text = (bytes) => Buffer.from(bytes).toString('utf8');

async function streamArn(client, StreamName) {
  return (await client.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary.StreamARN;
}

/** Registers consumers (at most 5 are CREATING at once) and waits until every one is ACTIVE; returns their ARNs. */
async function registerConsumers(client, StreamARN, names, timeoutMs = 20000) {
  const arns = [];
  for (const ConsumerName of names) {
    arns.push((await client.send(new RegisterStreamConsumerCommand({ StreamARN, ConsumerName }))).Consumer.ConsumerARN);
  }
  const deadline = Date.now() + timeoutMs;
  for (const ConsumerARN of arns) {
    let status;
    while ((status = (await client.send(new DescribeStreamConsumerCommand({ ConsumerARN }))).ConsumerDescription.ConsumerStatus) !== 'ACTIVE') {
      if (Date.now() > deadline) throw new Error(`consumer ${ConsumerARN} not ACTIVE after ${timeoutMs} ms (last ${status})`);
      await sleep(100);
    }
  }
  return arns;
}

/** PutRecords that must fully succeed; returns the sequence numbers in request order. */
async function putAll(client, StreamName, records) {
  const out = await client.send(new PutRecordsCommand({ StreamName, Records: records }));
  assert.equal(out.FailedRecordCount, 0, JSON.stringify(out.Records.filter((r) => r.ErrorCode)));
  return out.Records.map((r) => r.SequenceNumber);
}

/**
 * One subscription: collects events until `done(records, events)` holds (then aborts the request, which frees the
 * subscription at once) or the server ends the stream (`ended` true). A timeout aborts it and fails.
 */
async function subscribeOnce(client, ConsumerARN, ShardId, StartingPosition, done = () => false, timeoutMs = 30000) {
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; abort.abort(); }, timeoutMs);
  const startedMs = Date.now();
  const events = [], records = [];
  let ended = true;
  try {
    const out = await client.send(new SubscribeToShardCommand({ ConsumerARN, ShardId, StartingPosition }), { abortSignal: abort.signal });
    assert.equal(out.$metadata.httpStatusCode, 200);
    for await (const item of out.EventStream) {
      const e = item.SubscribeToShardEvent;
      assert.ok(e, `only SubscribeToShardEvent members, got ${Object.keys(item)}`);
      events.push(e);
      records.push(...e.Records);
      if (done(records, events)) { ended = false; break; }
    }
  } catch (err) {
    if (timedOut) throw new Error(`subscription to ${ShardId} timed out after ${timeoutMs} ms with ${records.length} records`, { cause: err });
    throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { events, records, ended, startedMs, endedMs: Date.now() };
}

/**
 * A consumer's loop across subscription renewals: when the server ends a subscription, subscribes again
 * AFTER_SEQUENCE_NUMBER the last ContinuationSequenceNumber (as the KCL does), until `want` records or the shard end.
 */
async function consume(client, ConsumerARN, ShardId, StartingPosition, want, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  const records = [], events = [], subscriptions = [];
  let position = StartingPosition;
  while (records.length < want) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`only ${records.length} of ${want} records after ${timeoutMs} ms and ${subscriptions.length} subscriptions`);
    const s = await subscribeOnce(client, ConsumerARN, ShardId, position, (r) => records.length + r.length >= want, left);
    subscriptions.push(s);
    records.push(...s.records);
    events.push(...s.events);
    const last = s.events.at(-1);
    assert.ok(last, 'a subscription sends its first event at once');
    if (last.ContinuationSequenceNumber == null) break; // the end of a closed shard
    position = { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: last.ContinuationSequenceNumber };
  }
  return { records, events, subscriptions };
}

/** Every event's continuation is the sequence number of its last record (when it has records). */
function assertContinuations(events) {
  for (const e of events) {
    if (e.Records.length > 0) assert.equal(e.ContinuationSequenceNumber, e.Records.at(-1).SequenceNumber);
    assert.equal(typeof e.MillisBehindLatest, 'number');
    assert.ok(e.MillisBehindLatest >= 0);
  }
}

describe(`client-kinesis SubscribeToShard ${TRANSPORT}`, () => {
  const client = makeClient('h2');
  after(() => client.destroy());

  it('uses the HTTP/2 handler', () => {
    assert.equal(handlerName(client), 'NodeHttp2Handler');
  });

  describe('starting positions', () => {
    const S = `compat-js-sub-pos-${RUN}`;
    let arn, consumers, seqs, between;
    const data = ['r0', 'r1', 'r2', 'r3', 'r4'];

    before(async () => {
      await createStream(client, S, 1);
      arn = await streamArn(client, S);
      consumers = await registerConsumers(client, arn, ['th', 'at', 'after', 'ts', 'latest']);
      const first = await putAll(client, S, data.slice(0, 2).map((d, i) => ({ Data: Buffer.from(d), PartitionKey: `k${i}` })));
      await sleep(30);
      between = new Date();
      await sleep(30);
      const second = await putAll(client, S, data.slice(2).map((d, i) => ({ Data: Buffer.from(d), PartitionKey: `k${i + 2}` })));
      seqs = [...first, ...second];
    });

    after(() => deleteStream(client, S));

    /** Subscribes and expects exactly `from..4` of the records put, in order, then the tip (MillisBehindLatest 0). */
    async function expectRecords(consumer, position, from) {
      const want = data.length - from;
      const s = await subscribeOnce(client, consumer, SHARD, position, (r) => r.length >= want);
      assert.deepEqual(s.records.map((r) => text(r.Data)), data.slice(from));
      assert.deepEqual(s.records.map((r) => r.SequenceNumber), seqs.slice(from));
      assert.deepEqual(s.records.map((r) => r.PartitionKey), data.slice(from).map((_, i) => `k${i + from}`));
      for (const r of s.records) assert.ok(r.ApproximateArrivalTimestamp instanceof Date);
      assertContinuations(s.events);
      const last = s.events.at(-1);
      assert.equal(last.ContinuationSequenceNumber, seqs[4]);
      assert.equal(last.MillisBehindLatest, 0, 'caught up with the tip');
      assert.equal(last.ChildShards, undefined, 'an open shard has no ChildShards');
      return s;
    }

    it('TRIM_HORIZON: every record, in order, with continuations', T, async () => {
      await expectRecords(consumers[0], { Type: 'TRIM_HORIZON' }, 0);
    });

    it('AT_SEQUENCE_NUMBER: from that record', T, async () => {
      await expectRecords(consumers[1], { Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: seqs[2] }, 2);
    });

    it('AFTER_SEQUENCE_NUMBER: from the next record', T, async () => {
      await expectRecords(consumers[2], { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: seqs[2] }, 3);
    });

    it('AT_TIMESTAMP: from the first record that arrived at or after it', T, async () => {
      const s = await expectRecords(consumers[3], { Type: 'AT_TIMESTAMP', Timestamp: between }, 2);
      assert.ok(s.records[0].ApproximateArrivalTimestamp >= between);
    });

    it('LATEST: a checkpointable first event, then only the records put after subscribing', T, async () => {
      const abort = new AbortController();
      try {
        const out = await client.send(new SubscribeToShardCommand({
          ConsumerARN: consumers[4], ShardId: SHARD, StartingPosition: { Type: 'LATEST' },
        }), { abortSignal: abort.signal });
        const events = [], records = [];
        let later;
        for await (const item of out.EventStream) {
          const e = item.SubscribeToShardEvent;
          events.push(e);
          records.push(...e.Records);
          if (events.length === 1) {
            // sent at once, before any new record: AFTER_SEQUENCE_NUMBER its continuation skips nothing
            assert.deepEqual(e.Records, []);
            assert.equal(e.ContinuationSequenceNumber, seqs[4]);
            assert.equal(e.MillisBehindLatest, 0);
            later = await putAll(client, S, ['r5', 'r6'].map((d) => ({ Data: Buffer.from(d), PartitionKey: d })));
          }
          if (records.length >= 2) break;
        }
        assert.deepEqual(records.map((r) => text(r.Data)), ['r5', 'r6']);
        assert.deepEqual(records.map((r) => r.SequenceNumber), later);
        assertContinuations(events);
        assert.equal(events.at(-1).ContinuationSequenceNumber, later[1]);
      } finally {
        abort.abort();
      }
    });
  });

  describe('child shards', () => {
    const S = `compat-js-sub-kids-${RUN}`;
    let arn, c1, c2;

    before(async () => {
      await createStream(client, S, 1);
      arn = await streamArn(client, S);
      [c1, c2] = await registerConsumers(client, arn, ['split', 'merge']);
    });

    after(() => deleteStream(client, S));

    it('split while subscribed: the last event has no continuation and both children, the stream ends; the children continue', T, async () => {
      const before = await putAll(client, S, ['p0', 'p1'].map((d) => ({ Data: Buffer.from(d), PartitionKey: d })));
      let split = false;
      const s = await subscribeOnce(client, c1, SHARD, { Type: 'TRIM_HORIZON' }, (records) => {
        if (records.length >= 2 && !split) {
          split = true;
          client.send(new SplitShardCommand({ StreamName: S, ShardToSplit: SHARD, NewStartingHashKey: TWO127.toString() }))
            .catch((err) => console.error('SplitShard failed', err));
        }
        return false; // read until the server ends the stream
      });
      assert.ok(split);
      assert.equal(s.ended, true, 'the server ended the stream at the shard end');
      assert.deepEqual(s.records.map((r) => r.SequenceNumber), before);
      const last = s.events.at(-1);
      assert.equal(last.ContinuationSequenceNumber, undefined);
      assert.deepEqual(last.ChildShards, [
        { ShardId: 'shardId-000000000001', ParentShards: [SHARD], HashKeyRange: { StartingHashKey: '0', EndingHashKey: (TWO127 - 1n).toString() } },
        { ShardId: 'shardId-000000000002', ParentShards: [SHARD], HashKeyRange: { StartingHashKey: TWO127.toString(), EndingHashKey: MAXKEY.toString() } },
      ]);
      for (const e of s.events.slice(0, -1)) assert.equal(e.ChildShards, undefined);
      assertContinuations(s.events.slice(0, -1));

      await waitActive(client, S);
      const [low] = await putAll(client, S, [{ Data: Buffer.from('low'), PartitionKey: 'x', ExplicitHashKey: '1' }]);
      const [high] = await putAll(client, S, [{ Data: Buffer.from('high'), PartitionKey: 'x', ExplicitHashKey: (TWO127 + 1n).toString() }]);
      for (const [shard, seq, d] of [['shardId-000000000001', low, 'low'], ['shardId-000000000002', high, 'high']]) {
        const child = await subscribeOnce(client, c1, shard, { Type: 'TRIM_HORIZON' }, (r) => r.length >= 1);
        assert.deepEqual(child.records.map((r) => [r.SequenceNumber, text(r.Data)]), [[seq, d]]);
        assert.equal(child.events.at(-1).ContinuationSequenceNumber, seq);
      }
    });

    it('merged before subscribing: a parent ends with the merged child, which continues', T, async () => {
      await client.send(new MergeShardsCommand({
        StreamName: S, ShardToMerge: 'shardId-000000000001', AdjacentShardToMerge: 'shardId-000000000002',
      }));
      await waitActive(client, S);
      const merged = { ShardId: 'shardId-000000000003', ParentShards: ['shardId-000000000001', 'shardId-000000000002'], HashKeyRange: { StartingHashKey: '0', EndingHashKey: MAXKEY.toString() } };
      for (const [shard, d] of [['shardId-000000000001', 'low'], ['shardId-000000000002', 'high']]) {
        const s = await consume(client, c2, shard, { Type: 'TRIM_HORIZON' }, Infinity);
        assert.deepEqual(s.records.map((r) => text(r.Data)), [d]);
        const last = s.events.at(-1);
        assert.equal(last.ContinuationSequenceNumber, undefined);
        assert.deepEqual(last.ChildShards, [merged]);
      }
      const [m] = await putAll(client, S, [{ Data: Buffer.from('merged'), PartitionKey: 'm' }]);
      const s = await subscribeOnce(client, c2, merged.ShardId, { Type: 'TRIM_HORIZON' }, (r) => r.length >= 1);
      assert.deepEqual(s.records.map((r) => [r.SequenceNumber, text(r.Data)]), [[m, 'merged']]);
    });
  });

  describe('errors, as the SDK surfaces them', () => {
    const S = `compat-js-sub-err-${RUN}`;
    let arn, consumer;

    before(async () => {
      await createStream(client, S, 1);
      arn = await streamArn(client, S);
      [consumer] = await registerConsumers(client, arn, ['errors']);
    });

    after(() => deleteStream(client, S));

    const subscribe = (StartingPosition, ConsumerARN = consumer, ShardId = SHARD) =>
      client.send(new SubscribeToShardCommand({ ConsumerARN, ShardId, StartingPosition }));

    it('InvalidArgumentException for a bad starting position', T, async () => {
      let err = await expectError('InvalidArgumentException', () => subscribe({ Type: 'AT_SEQUENCE_NUMBER' }));
      assert.match(err.message, /AT_SEQUENCE_NUMBER/);
      err = await expectError('InvalidArgumentException', () => subscribe({ Type: 'AT_TIMESTAMP' }));
      assert.match(err.message, /timestamp/i);
      await expectError('InvalidArgumentException', () => subscribe({ Type: 'AT_TIMESTAMP', Timestamp: new Date(Date.now() + 3600e3) }));
      await expectError('InvalidArgumentException', () => subscribe({ Type: 'TRIM_HORIZON', SequenceNumber: '1' }));
    });

    it('ResourceNotFoundException for a bad consumer ARN or shard', T, async () => {
      await expectError('ResourceNotFoundException', () => subscribe({ Type: 'LATEST' }, `${arn}/consumer/nobody:1700000000`));
      await expectError('ResourceNotFoundException', () => subscribe({ Type: 'LATEST' }, arn.replace(S, `${S}-gone`) + '/consumer/errors:1700000000'));
      await expectError('ResourceNotFoundException', () => subscribe({ Type: 'LATEST' }, consumer, 'shardId-000000000009'));
    });

    it('ResourceInUseException for a second subscription within 5 s (HTTP 400, before the stream)', T, async () => {
      const abort = new AbortController();
      try {
        const live = await client.send(new SubscribeToShardCommand({ ConsumerARN: consumer, ShardId: SHARD, StartingPosition: { Type: 'LATEST' } }), { abortSignal: abort.signal });
        assert.equal(live.$metadata.httpStatusCode, 200);
        const err = await expectError('ResourceInUseException', () => subscribe({ Type: 'LATEST' }));
        assert.match(err.message, /Subscribe again after 5 seconds/);
      } finally {
        abort.abort();
      }
    });
  });
});

describe(`client-kinesis SubscribeToShard ${TRANSPORT}, limits on, ${LIFETIME_MS} ms subscriptions`, () => {
  const client = LIMITS_ENDPOINT ? makeClient('h2', LIMITS_ENDPOINT) : null;
  after(() => client?.destroy());

  it('has a limits-on endpoint', () => {
    assert.ok(LIMITS_ENDPOINT, 'COMPAT_LIMITS_ENDPOINT (a server with --limits on and a short --subscription-lifetime-ms) is not set');
  });

  it('renewal: resubscribing AFTER_SEQUENCE_NUMBER the continuation gets every record exactly once', T, async () => {
    assert.ok(client, 'no limits-on endpoint');
    const S = `compat-js-sub-renew-${RUN}`;
    await createStream(client, S, 1);
    try {
      const [consumer] = await registerConsumers(client, await streamArn(client, S), ['renew']);
      const n = Math.ceil((LIFETIME_MS * 2.5) / 100); // one record per 100 ms, across at least two renewals
      const put = [];
      const writer = (async () => {
        for (let i = 0; i < n; i++) {
          put.push(...await putAll(client, S, [{ Data: Buffer.from(`n${i}`), PartitionKey: `k${i % 7}` }]));
          await sleep(100);
        }
      })();
      const s = await consume(client, consumer, SHARD, { Type: 'TRIM_HORIZON' }, n, LIFETIME_MS * 4 + 20000);
      await writer;
      assert.deepEqual(s.records.map((r) => text(r.Data)), Array.from({ length: n }, (_, i) => `n${i}`));
      assert.deepEqual(s.records.map((r) => r.SequenceNumber), put);
      assertContinuations(s.events);
      assert.ok(s.subscriptions.length >= 3, `${s.subscriptions.length} subscriptions: expected two renewals at least`);
      for (const sub of s.subscriptions.slice(0, -1)) {
        assert.equal(sub.ended, true, 'the server ended the subscription');
        assert.ok(sub.endedMs - sub.startedMs >= LIFETIME_MS * 0.9, `a subscription lived ${sub.endedMs - sub.startedMs} ms`);
      }
    } finally {
      await deleteStream(client, S);
    }
  });

  it('two consumers on one shard each read at their own 2 MiB/s', T, async () => {
    assert.ok(client, 'no limits-on endpoint');
    const S = `compat-js-sub-fanout-${RUN}`;
    await createStream(client, S, 1);
    try {
      const consumers = await registerConsumers(client, await streamArn(client, S), ['fan-a', 'fan-b']);
      // 6 MiB of backlog, written at the shard's 1 MiB/s (throttled records are put again).
      const recordBytes = 128 * 1024, count = 48;
      const pending = Array.from({ length: count }, (_, i) => {
        const Data = Buffer.alloc(recordBytes - 8, i % 251);
        Data.write(`id${String(i).padStart(4, '0')}`, 0);
        return { Data, PartitionKey: `p${i}` };
      });
      const written = new Map(); // id -> sequence number
      while (pending.length > 0) {
        const batch = pending.splice(0, 8);
        const out = await client.send(new PutRecordsCommand({ StreamName: S, Records: batch }));
        out.Records.forEach((r, i) => {
          if (r.ErrorCode) {
            assert.equal(r.ErrorCode, 'ProvisionedThroughputExceededException');
            pending.push(batch[i]);
          } else {
            written.set(text(batch[i].Data.subarray(0, 6)), r.SequenceNumber);
          }
        });
        if (out.FailedRecordCount > 0) await sleep(200);
      }
      assert.equal(written.size, count);
      const expected = [...written.values()].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

      const t0 = Date.now();
      const reads = await Promise.all(consumers.map(async (consumer) => {
        const s = await consume(client, consumer, SHARD, { Type: 'TRIM_HORIZON' }, count, 30000);
        return { ...s, ms: Date.now() - t0 };
      }));
      const totalBytes = reads.reduce((sum, r) => sum + r.records.reduce((b, x) => b + x.Data.length + x.PartitionKey.length, 0), 0);
      const slowest = Math.max(...reads.map((r) => r.ms));
      const rate = totalBytes / MiB / (slowest / 1000);
      console.log(`two consumers: ${(totalBytes / MiB).toFixed(1)} MiB in ${slowest} ms = ${rate.toFixed(2)} MiB/s (${reads.map((r) => r.ms).join(' / ')} ms each)`);
      for (const r of reads) {
        assert.deepEqual(r.records.map((x) => x.SequenceNumber), expected, 'all records, once, in order');
        assert.ok(r.events.every((e) => e.Records.reduce((b, x) => b + x.Data.length + x.PartitionKey.length, 0) <= 2 * MiB), 'no event above the 2 MiB allowance');
        assert.ok(r.events.find((e) => e.Records.length > 0).MillisBehindLatest > 0, 'behind the tip while reading the backlog');
        assert.equal(r.events.at(-1).MillisBehindLatest, 0, 'caught up at the end');
        // 6 MiB at 2 MiB/s after the first 2 MiB takes 2 s: far less means no per-consumer limit at all
        assert.ok(r.ms >= 1500, `one consumer read 6 MiB in ${r.ms} ms: faster than 2 MiB/s`);
      }
      // One 2 MiB/s for the shard would need 5 s for both (2.4 MiB/s); each consumer's own 2 MiB/s needs 2 s.
      assert.ok(rate > 2.5, `both consumers together read ${rate.toFixed(2)} MiB/s: not more than one consumer's 2 MiB/s`);
    } finally {
      await deleteStream(client, S);
    }
  });
});
