// A forged CBOR client shaped like the AWS Java SDK's (application/x-amz-cbor-1.1, blobs as byte strings,
// timestamps as CBOR tag 1 around an integer of epoch MILLISECONDS), over HTTP/1.1 with fetch.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ENDPOINT, RUN, sleep } from './common.mjs';

const require = createRequire(import.meta.url);
const cbor = require('cbor');
const T = { timeout: 60000 };
const CBOR = 'application/x-amz-cbor-1.1';

async function call(op, body) {
  const res = await fetch(ENDPOINT + '/', {
    method: 'POST',
    headers: {
      'content-type': CBOR,
      'x-amz-target': `Kinesis_20131202.${op}`,
      'x-amz-date': new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, ''),
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDCOMPATTEST/20250101/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00',
    },
    body: cbor.encode(body),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  // keep tag 1 raw: the Java SDK's tag-1 values are milliseconds, which a standard decoder would read as seconds
  const doc = buf.length ? cbor.decodeFirstSync(buf, { tags: { 1: (v) => ({ tag1: v }) } }) : undefined;
  return { status: res.status, type: res.headers.get('content-type'), doc };
}

function epochMs(v) {
  if (v && typeof v === 'object' && 'tag1' in v) return Number(v.tag1);
  if (typeof v === 'number') return v > 1e11 ? v : v * 1000;
  throw new Error(`not a timestamp: ${JSON.stringify(v)}`);
}

describe('forged Java-SDK-style CBOR client', () => {
  const S = `compat-cbor-${RUN}`;
  after(async () => { await call('DeleteStream', { StreamName: S }); });

  it('CreateStream and DescribeStreamSummary answer in CBOR, timestamps in epoch ms', T, async () => {
    const c = await call('CreateStream', { StreamName: S, ShardCount: 1 });
    assert.equal(c.status, 200);
    let s;
    for (let i = 0; i < 100; i++) {
      const r = await call('DescribeStreamSummary', { StreamName: S });
      assert.equal(r.status, 200);
      assert.equal(r.type, CBOR, 'answered in the request encoding');
      s = r.doc.StreamDescriptionSummary;
      if (s.StreamStatus === 'ACTIVE') break;
      await sleep(100);
    }
    assert.equal(s.StreamStatus, 'ACTIVE');
    assert.equal(s.OpenShardCount, 1);
    const created = epochMs(s.StreamCreationTimestamp);
    assert.ok(Math.abs(Date.now() - created) < 120000, `StreamCreationTimestamp ${JSON.stringify(s.StreamCreationTimestamp)} is epoch ms near now`);
  });

  it('PutRecord with a byte-string blob, AT_TIMESTAMP with a tag-1 ms timestamp, GetRecords', T, async () => {
    const before = Date.now() - 1;
    const data = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 0x7f, 0]);
    const put = await call('PutRecord', { StreamName: S, PartitionKey: 'cbor', Data: data });
    assert.equal(put.status, 200, JSON.stringify(put.doc));
    assert.match(put.doc.SequenceNumber, /^[0-9]+$/);
    assert.equal(put.doc.ShardId, 'shardId-000000000000');
    const it1 = await call('GetShardIterator', {
      StreamName: S, ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new cbor.Tagged(1, before - 1000),
    });
    assert.equal(it1.status, 200, JSON.stringify(it1.doc));
    const got = await call('GetRecords', { ShardIterator: it1.doc.ShardIterator });
    assert.equal(got.status, 200, JSON.stringify(got.doc));
    assert.equal(got.doc.Records.length, 1);
    const rec = got.doc.Records[0];
    assert.ok(Buffer.isBuffer(rec.Data), 'Data comes back as a byte string');
    assert.deepEqual(rec.Data, data);
    assert.equal(rec.SequenceNumber, put.doc.SequenceNumber);
    const arrival = epochMs(rec.ApproximateArrivalTimestamp);
    assert.ok(arrival >= before - 2000 && arrival <= Date.now() + 2000, `ApproximateArrivalTimestamp ${JSON.stringify(rec.ApproximateArrivalTimestamp)} in ms`);
    // a tag-1 timestamp after the record: nothing to read
    const it2 = await call('GetShardIterator', {
      StreamName: S, ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new cbor.Tagged(1, Date.now() - 1),
    });
    assert.equal(it2.status, 200, JSON.stringify(it2.doc));
    const none = await call('GetRecords', { ShardIterator: it2.doc.ShardIterator });
    assert.deepEqual(none.doc.Records, []);
  });

  it('errors come back as a CBOR map with __type and status 400', T, async () => {
    const r = await call('DescribeStreamSummary', { StreamName: `missing-${RUN}` });
    assert.equal(r.status, 400);
    assert.equal(r.type, CBOR);
    assert.match(r.doc.__type, /(^|#)ResourceNotFoundException$/);
    assert.ok(String(r.doc.message ?? r.doc.Message).includes(`missing-${RUN}`));
  });
});
