// @aws-sdk/client-kinesis 3.1143.0: the operations sdk.test.mjs does not reach (all but SubscribeToShard), on the
// default h2c handler and on NodeHttpHandler (HTTP/1.1).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as K from '@aws-sdk/client-kinesis';
import { RUN, TWO127, makeClient, createStream, deleteStream, waitActive, sleep, expectError } from './common.mjs';

const T = { timeout: 90000 };

for (const transport of ['h2', 'http1.1']) {
  describe(`client-kinesis ${transport} control plane`, () => {
    const client = makeClient(transport);
    const S = `compat-jsctl-${transport.replace('.', '')}-${RUN}`;
    const send = (Cmd, input) => client.send(new Cmd(input));
    let arn;

    before(async () => {
      await createStream(client, S, 2);
      arn = (await send(K.DescribeStreamSummaryCommand, { StreamName: S })).StreamDescriptionSummary.StreamARN;
    });
    after(async () => { await deleteStream(client, S); client.destroy(); });

    it('tags: AddTagsToStream, ListTagsForStream, RemoveTagsFromStream, TagResource, ListTagsForResource, UntagResource', T, async () => {
      await send(K.AddTagsToStreamCommand, { StreamName: S, Tags: { b: '2', a: '1' } });
      const l1 = await send(K.ListTagsForStreamCommand, { StreamName: S });
      assert.deepEqual(l1.Tags, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);
      assert.equal(l1.HasMoreTags, false);
      const l2 = await send(K.ListTagsForStreamCommand, { StreamName: S, Limit: 1 });
      assert.deepEqual(l2.Tags, [{ Key: 'a', Value: '1' }]);
      assert.equal(l2.HasMoreTags, true);
      const l3 = await send(K.ListTagsForStreamCommand, { StreamName: S, ExclusiveStartTagKey: 'a' });
      assert.deepEqual(l3.Tags, [{ Key: 'b', Value: '2' }]);
      await send(K.RemoveTagsFromStreamCommand, { StreamName: S, TagKeys: ['a'] });
      await send(K.TagResourceCommand, { ResourceARN: arn, Tags: { c: '3' } });
      const r = await send(K.ListTagsForResourceCommand, { ResourceARN: arn });
      assert.deepEqual([...r.Tags].sort((x, y) => x.Key.localeCompare(y.Key)), [{ Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }]);
      await send(K.UntagResourceCommand, { ResourceARN: arn, TagKeys: ['b', 'c'] });
      assert.deepEqual((await send(K.ListTagsForStreamCommand, { StreamName: S })).Tags, []);
    });

    it('retention and enhanced monitoring', T, async () => {
      await send(K.IncreaseStreamRetentionPeriodCommand, { StreamName: S, RetentionPeriodHours: 72 });
      await waitActive(client, S);
      assert.equal((await send(K.DescribeStreamSummaryCommand, { StreamName: S })).StreamDescriptionSummary.RetentionPeriodHours, 72);
      await send(K.DecreaseStreamRetentionPeriodCommand, { StreamARN: arn, RetentionPeriodHours: 48 });
      await waitActive(client, S);
      assert.equal((await send(K.DescribeStreamSummaryCommand, { StreamName: S })).StreamDescriptionSummary.RetentionPeriodHours, 48);
      const en = await send(K.EnableEnhancedMonitoringCommand, { StreamName: S, ShardLevelMetrics: ['ALL'] });
      assert.deepEqual(en.CurrentShardLevelMetrics, []);
      assert.equal(en.DesiredShardLevelMetrics.length, 7, `ALL expands to the 7 metrics: ${en.DesiredShardLevelMetrics}`);
      await waitActive(client, S);
      const dis = await send(K.DisableEnhancedMonitoringCommand, { StreamName: S, ShardLevelMetrics: ['ALL'] });
      assert.deepEqual(dis.DesiredShardLevelMetrics, []);
      await waitActive(client, S);
    });

    it('consumers: Register, Describe, List, Deregister', T, async () => {
      const reg = await send(K.RegisterStreamConsumerCommand, { StreamARN: arn, ConsumerName: 'c1' });
      assert.equal(reg.Consumer.ConsumerName, 'c1');
      assert.match(reg.Consumer.ConsumerARN, new RegExp(`^${arn}/consumer/c1:\\d+$`));
      assert.ok(reg.Consumer.ConsumerCreationTimestamp instanceof Date);
      let status;
      for (let i = 0; i < 100; i++) {
        status = (await send(K.DescribeStreamConsumerCommand, { ConsumerARN: reg.Consumer.ConsumerARN })).ConsumerDescription.ConsumerStatus;
        if (status === 'ACTIVE') break;
        await sleep(100);
      }
      assert.equal(status, 'ACTIVE');
      const list = await send(K.ListStreamConsumersCommand, { StreamARN: arn });
      assert.deepEqual(list.Consumers.map((c) => c.ConsumerARN), [reg.Consumer.ConsumerARN]);
      await expectError('ResourceInUseException', () => send(K.DeleteStreamCommand, { StreamName: S }));
      await send(K.DeregisterStreamConsumerCommand, { StreamARN: arn, ConsumerName: 'c1' });
      for (let i = 0; i < 100; i++) {
        const l = await send(K.ListStreamConsumersCommand, { StreamARN: arn });
        if (l.Consumers.length === 0) return;
        await sleep(100);
      }
      assert.fail('consumer still listed after deregistering');
    });

    it('resource policy, limits, account settings, encryption', T, async () => {
      const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kinesis:DescribeStreamSummary', Resource: arn }] });
      await send(K.PutResourcePolicyCommand, { ResourceARN: arn, Policy: policy });
      assert.deepEqual(JSON.parse((await send(K.GetResourcePolicyCommand, { ResourceARN: arn })).Policy), JSON.parse(policy));
      await send(K.DeleteResourcePolicyCommand, { ResourceARN: arn });
      const lim = await send(K.DescribeLimitsCommand, {});
      assert.ok(lim.ShardLimit > 0 && lim.OpenShardCount >= 2, JSON.stringify(lim));
      const acct = await send(K.DescribeAccountSettingsCommand, {});
      assert.match(acct.MinimumThroughputBillingCommitment.Status, /^(DISABLED|ENABLED|ENABLED_UNTIL_EARLIEST_ALLOWED_END)$/);
      await send(K.StartStreamEncryptionCommand, { StreamName: S, EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
      await waitActive(client, S);
      const put = await send(K.PutRecordCommand, { StreamName: S, PartitionKey: 'k', Data: Buffer.from('enc') });
      assert.equal(put.EncryptionType, 'KMS');
      await send(K.StopStreamEncryptionCommand, { StreamName: S, EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
      await waitActive(client, S);
      assert.equal((await send(K.DescribeStreamSummaryCommand, { StreamName: S })).StreamDescriptionSummary.EncryptionType, 'NONE');
    });

    it('resharding and modes: SplitShard, MergeShards, UpdateShardCount, UpdateStreamMode, UpdateMaxRecordSize', T, async () => {
      await send(K.SplitShardCommand, { StreamName: S, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: String(TWO127 / 2n) });
      await waitActive(client, S);
      await send(K.MergeShardsCommand, { StreamName: S, ShardToMerge: 'shardId-000000000002', AdjacentShardToMerge: 'shardId-000000000003' });
      await waitActive(client, S);
      const shards = (await send(K.ListShardsCommand, { StreamName: S })).Shards;
      assert.deepEqual(shards.map((s) => s.ShardId), ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003', 'shardId-000000000004']);
      assert.equal(shards[4].ParentShardId, 'shardId-000000000002');
      assert.equal(shards[4].AdjacentParentShardId, 'shardId-000000000003');
      const usc = await send(K.UpdateShardCountCommand, { StreamName: S, TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' });
      assert.deepEqual([usc.CurrentShardCount, usc.TargetShardCount], [2, 3]);
      await waitActive(client, S);
      assert.equal((await send(K.ListShardsCommand, { StreamName: S, ShardFilter: { Type: 'AT_LATEST' } })).Shards.length, 3);
      await send(K.UpdateStreamModeCommand, { StreamARN: arn, StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
      await waitActive(client, S);
      await send(K.UpdateMaxRecordSizeCommand, { StreamARN: arn, MaxRecordSizeInKiB: 4096 });
      await waitActive(client, S);
      const sum = (await send(K.DescribeStreamSummaryCommand, { StreamName: S })).StreamDescriptionSummary;
      assert.equal(sum.StreamModeDetails.StreamMode, 'ON_DEMAND');
      assert.equal(sum.MaxRecordSizeInKiB, 4096);
      await expectError('ValidationException', () => send(K.UpdateMaxRecordSizeCommand, { StreamARN: arn, MaxRecordSizeInKiB: 100 }));
    });
  });
}
