// @aws-sdk/client-kinesis 3.1143.0 against Runnel's plain port, once with the SDK's default handler (HTTP/2
// cleartext with prior knowledge) and once with NodeHttpHandler (HTTP/1.1).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { createRequire } from 'node:module';
import {
  CreateStreamCommand, DescribeStreamSummaryCommand, ListStreamsCommand, PutRecordCommand, PutRecordsCommand,
  GetShardIteratorCommand, GetRecordsCommand, ListShardsCommand, DeleteStreamCommand, DescribeStreamCommand,
  ResourceNotFoundException, waitUntilStreamExists, waitUntilStreamNotExists,
} from '@aws-sdk/client-kinesis';
import {
  ENDPOINT, RUN, TWO127, MAXKEY, makeClient, handlerName, hashKeyOf, sleep, createStream, deleteStream, readShard, expectError,
} from './common.mjs';

const require = createRequire(import.meta.url);
const agg = require('aws-kinesis-agg');

const T = { timeout: 60000 };

for (const transport of ['h2', 'http1.1']) {
  describe(`client-kinesis ${transport}`, () => {
    const client = makeClient(transport);
    const S = `compat-js-${transport.replace('.', '')}-${RUN}`;
    const shardOf = (key) => (key < TWO127 ? 'shardId-000000000000' : 'shardId-000000000001');
    let arn;

    after(async () => {
      await deleteStream(client, S);
      client.destroy();
    });

    it('uses the expected HTTP handler', () => {
      assert.equal(handlerName(client), transport === 'h2' ? 'NodeHttp2Handler' : 'NodeHttpHandler');
    });

    it('create stream, waiter, describe summary', T, async () => {
      const out = await client.send(new CreateStreamCommand({ StreamName: S, ShardCount: 2 }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      const w = await waitUntilStreamExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { StreamName: S });
      assert.equal(w.state, 'SUCCESS');
      const s = (await client.send(new DescribeStreamSummaryCommand({ StreamName: S }))).StreamDescriptionSummary;
      assert.equal(s.StreamName, S);
      assert.equal(s.StreamStatus, 'ACTIVE');
      assert.equal(s.OpenShardCount, 2);
      assert.equal(s.RetentionPeriodHours, 24);
      assert.match(s.StreamARN, new RegExp(`^arn:aws:kinesis:us-east-1:\\d{12}:stream/${S}$`));
      assert.ok(s.StreamCreationTimestamp instanceof Date, 'timestamp parsed as a Date');
      assert.ok(Math.abs(Date.now() - s.StreamCreationTimestamp.getTime()) < 120000, `creation time near now: ${s.StreamCreationTimestamp.toISOString()}`);
      assert.deepEqual(s.EnhancedMonitoring, [{ ShardLevelMetrics: [] }]);
      assert.equal(s.EncryptionType ?? 'NONE', 'NONE');
      arn = s.StreamARN;
    });

    it('list streams includes the stream', T, async () => {
      const out = await client.send(new ListStreamsCommand({}));
      assert.ok(out.StreamNames.includes(S), JSON.stringify(out.StreamNames));
      assert.equal(typeof out.HasMoreStreams, 'boolean');
      const summary = out.StreamSummaries?.find((x) => x.StreamName === S);
      if (out.StreamSummaries) assert.equal(summary?.StreamARN, arn);
    });

    it('put record (binary) and read it back by sequence number', T, async () => {
      const data = new Uint8Array(1500).map((_, i) => (i * 7919) & 0xff);
      const pk = `bin-${transport}`;
      const put = await client.send(new PutRecordCommand({ StreamName: S, PartitionKey: pk, Data: data }));
      assert.equal(put.ShardId, shardOf(hashKeyOf(pk)), 'routed by MD5(partition key)');
      assert.match(put.SequenceNumber, /^[0-9]+$/);
      const { ShardIterator } = await client.send(new GetShardIteratorCommand({
        StreamName: S, ShardId: put.ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: put.SequenceNumber,
      }));
      const r = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 1 }));
      assert.equal(r.Records.length, 1);
      const rec = r.Records[0];
      assert.equal(rec.SequenceNumber, put.SequenceNumber);
      assert.equal(rec.PartitionKey, pk);
      assert.deepEqual(Buffer.from(rec.Data), Buffer.from(data));
      assert.ok(rec.ApproximateArrivalTimestamp instanceof Date);
      assert.ok(Math.abs(Date.now() - rec.ApproximateArrivalTimestamp.getTime()) < 60000, 'arrival time near now');
      assert.ok(r.NextShardIterator, 'open shard: NextShardIterator present');
      assert.equal(typeof r.MillisBehindLatest, 'number');
    });

    it('put records batch of 500 x 1 KiB, read all back', T, async () => {
      const name = `${S}-batch`;
      await createStream(client, name, 2);
      try {
        const entries = Array.from({ length: 500 }, (_, i) => {
          const d = Buffer.alloc(1024, i & 0xff);
          d.writeUInt32BE(i, 0);
          return { Data: d, PartitionKey: `key-${i}` };
        });
        const out = await client.send(new PutRecordsCommand({ StreamName: name, Records: entries }));
        assert.equal(out.FailedRecordCount, 0);
        assert.equal(out.Records.length, 500);
        const bySeq = new Map();
        out.Records.forEach((r, i) => {
          assert.equal(r.ErrorCode, undefined);
          assert.match(r.SequenceNumber, /^[0-9]+$/);
          assert.equal(r.ShardId, shardOf(hashKeyOf(entries[i].PartitionKey)), `record ${i} routing`);
          bySeq.set(`${r.ShardId}/${r.SequenceNumber}`, i);
        });
        assert.equal(bySeq.size, 500, 'sequence numbers unique');
        let seen = 0;
        for (const shard of ['shardId-000000000000', 'shardId-000000000001']) {
          const { records } = await readShard(client, name, shard, { ShardIteratorType: 'TRIM_HORIZON' }, 100);
          let prev = -1n;
          for (const rec of records) {
            const i = bySeq.get(`${shard}/${rec.SequenceNumber}`);
            assert.notEqual(i, undefined, `unknown record ${rec.SequenceNumber} in ${shard}`);
            assert.deepEqual(Buffer.from(rec.Data), entries[i].Data);
            assert.equal(rec.PartitionKey, entries[i].PartitionKey);
            assert.ok(BigInt(rec.SequenceNumber) > prev, 'increasing in shard');
            prev = BigInt(rec.SequenceNumber);
            seen++;
          }
        }
        assert.equal(seen, 500);
      } finally {
        await deleteStream(client, name);
      }
    });

    it('shard iterator types: TRIM_HORIZON, AT/AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP', T, async () => {
      const name = `${S}-it`;
      await createStream(client, name, 1);
      try {
        const shard = 'shardId-000000000000';
        const put = async (d) => client.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: Buffer.from(d) }));
        const latest = (await client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: shard, ShardIteratorType: 'LATEST' }))).ShardIterator;
        const a = await put('a');
        const b = await put('b');
        await sleep(1100);
        const t = new Date();
        await sleep(1100);
        await put('c');
        const datas = async (args) => (await readShard(client, name, shard, args)).records.map((r) => Buffer.from(r.Data).toString());
        assert.deepEqual(await datas({ ShardIteratorType: 'TRIM_HORIZON' }), ['a', 'b', 'c']);
        assert.deepEqual(await datas({ ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: b.SequenceNumber }), ['b', 'c']);
        assert.deepEqual(await datas({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: a.SequenceNumber }), ['b', 'c']);
        assert.deepEqual(await datas({ ShardIteratorType: 'AT_TIMESTAMP', Timestamp: t }), ['c']);
        assert.deepEqual(await datas({ ShardIteratorType: 'LATEST' }), []);
        const r = await client.send(new GetRecordsCommand({ ShardIterator: latest }));
        assert.deepEqual(r.Records.map((x) => Buffer.from(x.Data).toString()), ['a', 'b', 'c'], 'LATEST taken before the puts sees them');
      } finally {
        await deleteStream(client, name);
      }
    });

    it('list shards, with paging', T, async () => {
      const out = await client.send(new ListShardsCommand({ StreamName: S }));
      assert.deepEqual(out.Shards.map((s) => s.ShardId), ['shardId-000000000000', 'shardId-000000000001']);
      assert.deepEqual(out.Shards[0].HashKeyRange, { StartingHashKey: '0', EndingHashKey: String(TWO127 - 1n) });
      assert.deepEqual(out.Shards[1].HashKeyRange, { StartingHashKey: String(TWO127), EndingHashKey: String(MAXKEY) });
      assert.match(out.Shards[0].SequenceNumberRange.StartingSequenceNumber, /^[0-9]+$/);
      const p1 = await client.send(new ListShardsCommand({ StreamARN: arn, MaxResults: 1 }));
      assert.equal(p1.Shards.length, 1);
      assert.ok(p1.NextToken, 'NextToken when more shards remain');
      const p2 = await client.send(new ListShardsCommand({ NextToken: p1.NextToken }));
      assert.deepEqual(p2.Shards.map((s) => s.ShardId), ['shardId-000000000001']);
      const d = (await client.send(new DescribeStreamCommand({ StreamName: S }))).StreamDescription;
      assert.equal(d.HasMoreShards, false);
      assert.deepEqual(d.Shards.map((s) => s.ShardId), out.Shards.map((s) => s.ShardId));
    });

    it('errors: err.name, HTTP 400, message', T, async () => {
      const missing = `missing-${RUN}`;
      const e1 = await expectError('ResourceNotFoundException', () => client.send(new DescribeStreamSummaryCommand({ StreamName: missing })));
      assert.ok(e1 instanceof ResourceNotFoundException, 'modelled exception class');
      assert.ok(e1.message.includes(missing), e1.message);
      await expectError('ResourceNotFoundException', () => client.send(new PutRecordCommand({ StreamName: missing, PartitionKey: 'k', Data: Buffer.from('x') })));
      await expectError('ResourceInUseException', () => client.send(new CreateStreamCommand({ StreamName: S, ShardCount: 1 })));
      await expectError('InvalidArgumentException', () => client.send(new GetShardIteratorCommand({
        StreamName: S, ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_SEQUENCE_NUMBER' })));
      const e2 = await expectError('InvalidArgumentException', () => client.send(new GetRecordsCommand({ ShardIterator: 'AAAAAAAAAAE' + 'x'.repeat(100) })));
      assert.match(e2.message, /Invalid ShardIterator/);
      await expectError('InvalidArgumentException', () => client.send(new PutRecordCommand({
        StreamName: S, PartitionKey: 'k', Data: Buffer.from('x'), ExplicitHashKey: String(MAXKEY + 1n) })));
      const e3 = await expectError('ValidationException', () => client.send(new CreateStreamCommand({ StreamName: 'bad name', ShardCount: 1 })));
      assert.equal(e3.message, "1 validation error detected: Value 'bad name' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
      await expectError('ValidationException', () => client.send(new GetShardIteratorCommand({
        StreamName: S, ShardId: 'shardId-000000000000', ShardIteratorType: 'NOWHERE' })));
    });

    it('KPL aggregation: aggregate 5 -> PutRecord with ExplicitHashKey -> GetRecords -> deaggregate 5', T, async () => {
      // partition key "a" hashes into shard 0; the explicit hash key must win and route to shard 1
      assert.ok(hashKeyOf('a') < TWO127);
      const ehk = String(MAXKEY - 5n);
      const users = Array.from({ length: 5 }, (_, i) => ({
        partitionKey: i === 0 ? 'a' : `user-${i}`, explicitHashKey: ehk, data: Buffer.from(`user record ${i} ${'*'.repeat(i * 3)}`),
      }));
      const expected = users.map((u) => ({ pk: u.partitionKey, data: Buffer.from(u.data) }));
      const encoded = await new Promise((resolve, reject) => {
        const out = [];
        agg.aggregate(users, (rec, cb) => { out.push(rec); cb(); }, () => resolve(out), (err) => reject(err));
      });
      assert.equal(encoded.length, 1, 'one aggregated record');
      const e = encoded[0];
      assert.equal(e.data.subarray(0, 4).toString('hex'), 'f3899ac2', 'KPL magic');
      const put = await client.send(new PutRecordCommand({
        StreamName: S, PartitionKey: e.partitionKey, ExplicitHashKey: e.ExplicitHashKey ?? e.explicitHashKey ?? ehk, Data: e.data,
      }));
      assert.equal(put.ShardId, 'shardId-000000000001', 'routed by ExplicitHashKey, not by the partition key');
      const { ShardIterator } = await client.send(new GetShardIteratorCommand({
        StreamName: S, ShardId: put.ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: put.SequenceNumber,
      }));
      const r = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 1 }));
      const rec = r.Records[0];
      assert.equal(rec.SequenceNumber, put.SequenceNumber);
      assert.deepEqual(Buffer.from(rec.Data), e.data, 'aggregate stored unchanged');
      const userRecords = await new Promise((resolve, reject) => {
        agg.deaggregateSync(rec, true, (err, recs) => (err ? reject(err) : resolve(recs)));
      });
      assert.equal(userRecords.length, 5);
      // given an SDK v3 record, aws-kinesis-agg answers in v3 casing (PartitionKey, Data as base64, ...)
      userRecords.forEach((u, i) => {
        assert.equal(u.PartitionKey, expected[i].pk);
        assert.equal(u.ExplicitPartitionKey, ehk);
        assert.equal(u.SubSequenceNumber, i);
        assert.equal(String(u.SequenceNumber), put.SequenceNumber);
        assert.deepEqual(Buffer.from(u.Data, 'base64'), expected[i].data);
      });
    });

    it('delete stream, waiter, then not found', T, async () => {
      await client.send(new DeleteStreamCommand({ StreamName: S }));
      const w = await waitUntilStreamNotExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { StreamName: S });
      assert.equal(w.state, 'SUCCESS');
      await expectError('ResourceNotFoundException', () => client.send(new DescribeStreamSummaryCommand({ StreamName: S })));
    });
  });
}

describe('raw HTTP/2 on the plain port', () => {
  it('h2c with prior knowledge answers ListStreams', T, async () => {
    const session = http2.connect(ENDPOINT);
    try {
      const { status, body } = await new Promise((resolve, reject) => {
        session.on('error', reject);
        const req = session.request({
          ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'Kinesis_20131202.ListStreams', 'x-amz-date': '20250101T000000Z',
          authorization: 'AWS4-HMAC-SHA256 Credential=AKIDCOMPATTEST/20250101/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00',
        });
        let status;
        const chunks = [];
        req.on('response', (h) => { status = h[':status']; });
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString() }));
        req.on('error', reject);
        req.end('{}');
      });
      assert.equal(status, 200, body);
      assert.ok(Array.isArray(JSON.parse(body).StreamNames), body);
    } finally {
      session.close();
    }
  });
});
