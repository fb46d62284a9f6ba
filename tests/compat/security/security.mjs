// The JS SDK (@aws-sdk/client-kinesis, pinned in tests/compat/package-lock.json) against a server started with
// --auth sigv4: one scenario per run, credentials from the environment, exit 0 when the expectation holds.
//
//   node security.mjs roundtrip               create a stream, put records, read them back (SEC_STREAM names it)
//   node security.mjs subscribe               register a consumer and receive a record over SubscribeToShard (h2)
//   node security.mjs expect-error <Type>     ListStreams must fail with <Type> and HTTP 400 (SEC_OPERATION to change it)
//
// SEC_ENDPOINT, SEC_KEY, SEC_SECRET, SEC_TOKEN (optional), SEC_TRANSPORT (h2 = the SDK's default handler, which
// speaks h2c with prior knowledge here; http1.1 = NodeHttpHandler), SEC_REGION (default us-east-1).
import {
  KinesisClient, CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordCommand, PutRecordsCommand,
  GetShardIteratorCommand, GetRecordsCommand, ListStreamsCommand, RegisterStreamConsumerCommand,
  DescribeStreamConsumerCommand, SubscribeToShardCommand, DeleteStreamCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const env = process.env;
const [scenario, arg] = process.argv.slice(2);
const config = {
  endpoint: env.SEC_ENDPOINT,
  region: env.SEC_REGION || 'us-east-1',
  credentials: { accessKeyId: env.SEC_KEY, secretAccessKey: env.SEC_SECRET, ...(env.SEC_TOKEN ? { sessionToken: env.SEC_TOKEN } : {}) },
  maxAttempts: 1,
};
if (env.SEC_TRANSPORT === 'http1.1') config.requestHandler = new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 30000 });
const client = new KinesisClient(config);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitActive(StreamName) {
  for (let i = 0; i < 200; i++) {
    const s = (await client.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary.StreamStatus;
    if (s === 'ACTIVE') return;
    await sleep(100);
  }
  throw new Error(`${StreamName} not ACTIVE`);
}

async function roundtrip() {
  const StreamName = env.SEC_STREAM || `sec-js-${Date.now().toString(36)}`;
  await client.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
  await waitActive(StreamName);
  const sent = ['alpha', 'beta', 'gamma'];
  await client.send(new PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from(sent[0]) }));
  const many = await client.send(new PutRecordsCommand({
    StreamName, Records: sent.slice(1).map((d) => ({ PartitionKey: 'k', Data: Buffer.from(d) })),
  }));
  if (many.FailedRecordCount !== 0) throw new Error(`PutRecords failed ${many.FailedRecordCount} records`);
  const it = (await client.send(new GetShardIteratorCommand({ StreamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
  const got = (await client.send(new GetRecordsCommand({ ShardIterator: it }))).Records.map((r) => Buffer.from(r.Data).toString());
  if (JSON.stringify(got) !== JSON.stringify(sent)) throw new Error(`read ${JSON.stringify(got)}, expected ${JSON.stringify(sent)}`);
  await client.send(new DeleteStreamCommand({ StreamName }));
  return `created ${StreamName}, put and read back ${got.length} records`;
}

async function subscribe() {
  const StreamName = `sec-sub-${Date.now().toString(36)}`;
  await client.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
  await waitActive(StreamName);
  const summary = (await client.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary;
  const consumer = (await client.send(new RegisterStreamConsumerCommand({ StreamARN: summary.StreamARN, ConsumerName: 'sec' }))).Consumer;
  for (let i = 0; i < 200; i++) {
    const d = (await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumer.ConsumerARN }))).ConsumerDescription;
    if (d.ConsumerStatus === 'ACTIVE') break;
    await sleep(100);
  }
  await client.send(new PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from('pushed') }));
  const out = await client.send(new SubscribeToShardCommand({
    ConsumerARN: consumer.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' },
  }));
  for await (const event of out.EventStream) {
    const records = event.SubscribeToShardEvent?.Records ?? [];
    if (records.length > 0) {
      const data = Buffer.from(records[0].Data).toString();
      if (data !== 'pushed') throw new Error(`received ${data}`);
      return 'SubscribeToShard delivered the record over a signed HTTP/2 request';
    }
  }
  throw new Error('the event stream ended without the record');
}

async function expectError(type) {
  const operation = env.SEC_OPERATION || 'ListStreams';
  const command = operation === 'ListStreams' ? new ListStreamsCommand({})
    : new DescribeStreamSummaryCommand({ StreamName: env.SEC_STREAM || 'none' });
  try {
    await client.send(command);
  } catch (e) {
    if (e.name !== type) throw new Error(`expected ${type}, got ${e.name}: ${e.message}`);
    if (e.$metadata?.httpStatusCode !== 400) throw new Error(`expected HTTP 400, got ${e.$metadata?.httpStatusCode}`);
    return `${type} (HTTP 400): ${e.message.split('\n')[0]}`;
  }
  throw new Error(`expected ${type}, but ${operation} succeeded`);
}

try {
  const what = scenario === 'roundtrip' ? await roundtrip()
    : scenario === 'subscribe' ? await subscribe()
    : scenario === 'expect-error' ? await expectError(arg)
    : (() => { throw new Error(`unknown scenario ${scenario}`); })();
  console.log(what);
  process.exit(0);
} catch (e) {
  console.log(`error: ${e.message}`);
  process.exit(1);
}
