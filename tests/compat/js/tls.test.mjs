// @aws-sdk/client-kinesis over Runnel's TLS port: the default handler (h2 by ALPN) and NodeHttpHandler
// (HTTP/1.1), trusting the server's generated certificate through NODE_EXTRA_CA_CERTS (set by run.sh).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { PutRecordCommand, GetShardIteratorCommand, GetRecordsCommand, DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { TLS_ENDPOINT, RUN, makeClient, createStream, deleteStream } from './common.mjs';

const T = { timeout: 60000 };

function alpn(protocols) {
  const u = new URL(TLS_ENDPOINT);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: u.hostname, port: Number(u.port), ALPNProtocols: protocols, servername: u.hostname === '127.0.0.1' ? undefined : u.hostname }, () => {
      const p = socket.alpnProtocol;
      socket.end();
      resolve(p);
    });
    socket.on('error', reject);
  });
}

describe('TLS port', () => {
  it('has a TLS endpoint and a CA file to trust', () => {
    assert.ok(TLS_ENDPOINT.startsWith('https://'), `COMPAT_TLS_ENDPOINT=${TLS_ENDPOINT}`);
    const ca = process.env.NODE_EXTRA_CA_CERTS;
    assert.ok(ca, 'NODE_EXTRA_CA_CERTS set');
    assert.match(readFileSync(ca, 'utf8'), /-----BEGIN CERTIFICATE-----/);
  });

  it('ALPN negotiates h2 and http/1.1, certificate verified', T, async () => {
    assert.equal(await alpn(['h2', 'http/1.1']), 'h2');
    assert.equal(await alpn(['http/1.1']), 'http/1.1');
  });

  for (const transport of ['h2', 'http1.1']) {
    describe(`client-kinesis ${transport} over TLS`, () => {
      const client = makeClient(transport, TLS_ENDPOINT);
      const S = `compat-tls-${transport.replace('.', '')}-${RUN}`;
      after(async () => { await deleteStream(client, S); client.destroy(); });

      it('create, put, get', T, async () => {
        await createStream(client, S, 1);
        const s = (await client.send(new DescribeStreamSummaryCommand({ StreamName: S }))).StreamDescriptionSummary;
        assert.equal(s.StreamStatus, 'ACTIVE');
        const data = Buffer.from(`over tls ${transport} \u00ff\u0000`, 'latin1');
        const put = await client.send(new PutRecordCommand({ StreamName: S, PartitionKey: 'tls', Data: data }));
        assert.equal(put.ShardId, 'shardId-000000000000');
        const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: S, ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
        const r = await client.send(new GetRecordsCommand({ ShardIterator }));
        assert.equal(r.Records.length, 1);
        assert.equal(r.Records[0].SequenceNumber, put.SequenceNumber);
        assert.deepEqual(Buffer.from(r.Records[0].Data), data);
      });
    });
  }
});
