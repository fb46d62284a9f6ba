// Shared helpers for the @aws-sdk/client-kinesis suites.
import { createHash } from 'node:crypto';
import {
  KinesisClient, DescribeStreamSummaryCommand, CreateStreamCommand, DeleteStreamCommand,
  GetShardIteratorCommand, GetRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export const ENDPOINT = process.env.COMPAT_ENDPOINT || 'http://127.0.0.1:4567';
export const TLS_ENDPOINT = process.env.COMPAT_TLS_ENDPOINT || '';
export const RUN = `${Date.now().toString(36)}${process.pid}`;
export const TWO127 = 2n ** 127n;
export const MAXKEY = 2n ** 128n - 1n;
export const credentials = { accessKeyId: 'AKIDCOMPATTEST', secretAccessKey: 'compat-secret' };

/** transport: 'h2' = the SDK's default handler (HTTP/2; h2c with prior knowledge on http://, ALPN on https://),
 *  'http1.1' = NodeHttpHandler. */
export function makeClient(transport, endpoint = ENDPOINT) {
  const config = { endpoint, region: 'us-east-1', credentials, maxAttempts: 3 };
  if (transport === 'http1.1') config.requestHandler = new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 30000 });
  return new KinesisClient(config);
}

export function handlerName(client) {
  return client.config.requestHandler?.constructor?.name;
}

export function hashKeyOf(partitionKey) {
  return BigInt('0x' + createHash('md5').update(partitionKey, 'utf8').digest('hex'));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitActive(client, StreamName, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let status;
  while (Date.now() < deadline) {
    status = (await client.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary.StreamStatus;
    if (status === 'ACTIVE') return;
    await sleep(100);
  }
  throw new Error(`stream ${StreamName} not ACTIVE after ${timeoutMs} ms (last ${status})`);
}

export async function createStream(client, StreamName, ShardCount) {
  await client.send(new CreateStreamCommand({ StreamName, ShardCount }));
  await waitActive(client, StreamName);
}

export async function deleteStream(client, StreamName) {
  try { await client.send(new DeleteStreamCommand({ StreamName, EnforceConsumerDeletion: true })); } catch { /* best effort */ }
}

/** Reads a shard until caught up or ended; returns { records, responses }. */
export async function readShard(client, StreamName, ShardId, iteratorArgs = { ShardIteratorType: 'TRIM_HORIZON' }, Limit) {
  let it = (await client.send(new GetShardIteratorCommand({ StreamName, ShardId, ...iteratorArgs }))).ShardIterator;
  const records = [], responses = [];
  for (let i = 0; i < 1000; i++) {
    const r = await client.send(new GetRecordsCommand({ ShardIterator: it, ...(Limit ? { Limit } : {}) }));
    responses.push(r);
    records.push(...r.Records);
    it = r.NextShardIterator;
    if (!it) break;
    if (r.Records.length === 0 && r.MillisBehindLatest === 0) break;
  }
  return { records, responses };
}

/** Runs fn, expects it to throw a service error named `name`; returns the error. */
export async function expectError(name, fn) {
  let err;
  try { await fn(); } catch (e) { err = e; }
  if (!err) throw new Error(`expected ${name}, but the call succeeded`);
  if (err.name !== name) throw new Error(`expected ${name}, got ${err.name}: ${err.message} (${JSON.stringify(err.$metadata)})`, { cause: err });
  if (err.$metadata?.httpStatusCode !== 400) throw new Error(`expected HTTP 400 for ${name}, got ${err.$metadata?.httpStatusCode}`);
  if (err.$fault !== 'client') throw new Error(`expected $fault client for ${name}, got ${err.$fault}`);
  return err;
}
