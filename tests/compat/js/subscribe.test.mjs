// @aws-sdk/client-kinesis SubscribeToShard (enhanced fan-out) over the SDK's default handler: HTTP/2 cleartext
// with prior knowledge. The response is an application/vnd.amazon.eventstream; the SDK returns from send() only
// after the initial-response event, then yields SubscribeToShardEvent members.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeStreamSummaryCommand, RegisterStreamConsumerCommand, DescribeStreamConsumerCommand, PutRecordsCommand,
  SubscribeToShardCommand,
} from '@aws-sdk/client-kinesis';
import { RUN, makeClient, handlerName, sleep, createStream, deleteStream, expectError } from './common.mjs';

const T = { timeout: 60000 };
const SHARD = 'shardId-000000000000';

async function waitConsumerActive(client, ConsumerARN, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let status;
  while (Date.now() < deadline) {
    status = (await client.send(new DescribeStreamConsumerCommand({ ConsumerARN }))).ConsumerDescription.ConsumerStatus;
    if (status === 'ACTIVE') return;
    await sleep(100);
  }
  throw new Error(`consumer not ACTIVE after ${timeoutMs} ms (last ${status})`);
}

/** Reads events until `until(collected)` holds or the deadline passes; returns every event. */
async function collect(stream, until, timeoutMs = 20000) {
  const events = [];
  const deadline = Date.now() + timeoutMs;
  for await (const item of stream) {
    if (item.SubscribeToShardEvent) events.push(item.SubscribeToShardEvent);
    if (until(events) || Date.now() > deadline) break;
  }
  return events;
}

describe('client-kinesis SubscribeToShard h2', () => {
  const client = makeClient('h2');
  const S = `compat-js-sub-${RUN}`;
  let streamArn, consumerArn;

  before(async () => {
    await createStream(client, S, 1);
    streamArn = (await client.send(new DescribeStreamSummaryCommand({ StreamName: S }))).StreamDescriptionSummary.StreamARN;
    const reg = await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'efo' }));
    consumerArn = reg.Consumer.ConsumerARN;
    await waitConsumerActive(client, consumerArn);
  });

  after(async () => {
    await deleteStream(client, S);
    client.destroy();
  });

  it('uses the HTTP/2 handler', () => {
    assert.equal(handlerName(client), 'NodeHttp2Handler');
  });

  it('TRIM_HORIZON subscription: initial response, then the records put, in order, with continuations', T, async () => {
    const first = await client.send(new PutRecordsCommand({
      StreamName: S,
      Records: [0, 1, 2].map((i) => ({ Data: new TextEncoder().encode(`before-${i}`), PartitionKey: `k${i}` })),
    }));
    assert.equal(first.FailedRecordCount, 0);
    const out = await client.send(new SubscribeToShardCommand({
      ConsumerARN: consumerArn, ShardId: SHARD, StartingPosition: { Type: 'TRIM_HORIZON' },
    }));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.ok(out.EventStream, 'an EventStream async iterable');
    // records written after the subscription started arrive on the same stream
    const later = client.send(new PutRecordsCommand({
      StreamName: S,
      Records: [0, 1].map((i) => ({ Data: new TextEncoder().encode(`after-${i}`), PartitionKey: `k${i}` })),
    }));
    const events = await collect(out.EventStream, (ev) => ev.flatMap((e) => e.Records).length >= 5);
    await later;
    const records = events.flatMap((e) => e.Records);
    assert.deepEqual(records.map((r) => new TextDecoder().decode(r.Data)),
      ['before-0', 'before-1', 'before-2', 'after-0', 'after-1']);
    for (const r of records) {
      assert.ok(r.ApproximateArrivalTimestamp instanceof Date);
      assert.match(r.SequenceNumber, /^\d+$/);
    }
    const seqs = records.map((r) => BigInt(r.SequenceNumber));
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], 'increasing sequence numbers');
    const last = events[events.length - 1];
    assert.equal(last.ContinuationSequenceNumber, records[records.length - 1].SequenceNumber);
    assert.equal(typeof last.MillisBehindLatest, 'number');
  });

  it('a second subscription within 5 s is ResourceInUseException (HTTP 400, before the stream)', T, async () => {
    await expectError('ResourceInUseException', () => client.send(new SubscribeToShardCommand({
      ConsumerARN: consumerArn, ShardId: SHARD, StartingPosition: { Type: 'LATEST' },
    })));
  });

  it('an unknown shard is ResourceNotFoundException (HTTP 400)', T, async () => {
    await expectError('ResourceNotFoundException', () => client.send(new SubscribeToShardCommand({
      ConsumerARN: consumerArn, ShardId: 'shardId-000000000009', StartingPosition: { Type: 'LATEST' },
    })));
  });
});
