using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Runnel.Storage;
using Runnel.Storage.Framing;
using Runnel.Storage.Log;
using Runnel.Streams.Encryption;
using Runnel.Streams.Errors;
using Runnel.Streams.Storage;
using Runnel.Testing;

namespace Runnel.Streams.Tests.Encryption;

/// <summary>
/// Encryption at rest end to end on the file system (issue 8 item 3): the canary never reaches a data file, a
/// changed ciphertext byte is corruption and never served, encryption starts and stops between records, KMS errors,
/// rotation and restart.
/// </summary>
public sealed class EncryptionAtRestTests : IDisposable
{
    private static readonly StreamRef s_stream = StreamRef.Named("secrets");
    private static readonly StreamsOptions s_options = EngineFixture.NoDelays with
    {
        ShardLog = new ShardLogOptions { SegmentMaxBytes = 4096 },
    };

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
    private StreamEngine _engine;

    public EncryptionAtRestTests() => _engine = Open();

    public void Dispose()
    {
        _engine.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Canary_PutIntoEncryptedStream_IsInNoFileUnderTheDataDirectoryBeforeOrAfterRestart()
    {
        const string Canary = "CANARY-7f3a9c-do-not-leak";
        const string Plain = "PLAINTEXT-CONTROL-51d2";
        _engine.CreateStream("secrets", shardCount: 2);
        await _engine.PutRecordAsync(s_stream, Encoding.UTF8.GetBytes(Plain), Plain); // before encryption: stays in clear
        KeyDescription key = _engine.Keys.Create("alias/secrets");
        _engine.StartStreamEncryption(s_stream, "KMS", key.KeyId);
        for (int i = 0; i < 200; i++) // several segments (4 KiB each) per shard: sealed segments and indexes too
        {
            PutRecordResult put = await _engine.PutRecordAsync(s_stream, Encoding.UTF8.GetBytes($"{i}:{Canary}:{i}"), Canary + i);
            Assert.Equal("KMS", put.EncryptionType);
        }
        PutRecordsResult batch = await _engine.PutRecordsAsync(s_stream, [new PutRecordsEntry(Encoding.UTF8.GetBytes(Canary), Canary, null)]);
        Assert.Equal("KMS", batch.EncryptionType);

        Assert.True(FilesContaining(Plain) > 0, "the control record written before encryption must be found in clear");
        Assert.Equal(0, FilesContaining(Canary));
        Assert.Equal(201, ReadAll().Count(r => r.Data.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Canary)) >= 0));

        Restart();
        List<KinesisRecord> records = ReadAll();
        Assert.Equal(202, records.Count);
        Assert.Equal(201, records.Count(r => r.EncryptionType == "KMS" && r.PartitionKey.StartsWith(Canary, StringComparison.Ordinal)));
        Assert.Contains(records, r => r.PartitionKey == Plain && r.EncryptionType == "NONE");
        Assert.Equal(0, FilesContaining(Canary));
    }

    [Fact]
    public async Task Tamper_FlippedCiphertextByteWithChecksumFixed_IsCorruptionNamingTheSegmentAndNeverServed()
    {
        _engine.CreateStream("secrets", shardCount: 1);
        _engine.StartStreamEncryption(s_stream, "KMS", "alias/aws/kinesis");
        await _engine.PutRecordAsync(s_stream, "top secret payload"u8.ToArray(), "pk");
        _engine.Dispose();

        string segment = Directory.GetFiles(_directory.Path, "*.seg", SearchOption.AllDirectories).Single();
        byte[] bytes = File.ReadAllBytes(segment);
        int frame = SegmentDescriptor.HeaderLength;
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(frame));
        bytes[frame + length - 3] ^= 0x10; // a byte of the data's ciphertext
        uint crc = Crc32C.Append(Crc32C.Seed, bytes.AsSpan(frame, 4)); // an attacker keeps the frame checksum valid
        crc = Crc32C.Finish(Crc32C.Append(crc, bytes.AsSpan(frame + 8, length - 8)));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(frame + 4), crc);
        File.WriteAllBytes(segment, bytes);

        _engine = Open();
        string iterator = _engine.GetShardIterator(s_stream, "shardId-000000000000", ShardIteratorType.TrimHorizon);
        KinesisException e = Assert.Throws<KinesisException>(() => _engine.GetRecords(iterator));
        Assert.Equal(KinesisErrorCode.InternalFailure, e.Code);
        Assert.Equal("Internal Service Failure", e.Message);
        LogCorruptionException corruption = Assert.IsType<LogCorruptionException>(e.InnerException);
        Assert.EndsWith("/shard-000000000000/" + Path.GetFileName(segment), corruption.FileName, StringComparison.Ordinal);
        Assert.Equal(frame, corruption.Position);
        Assert.Contains("AES-GCM", corruption.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartThenStop_RecordsBeforeDuringAndAfter_ReadBackWithTheirOwnEncryptionType()
    {
        _engine.CreateStream("secrets", shardCount: 1);
        Assert.Equal("NONE", (await _engine.PutRecordAsync(s_stream, "before"u8.ToArray(), "k")).EncryptionType);
        _engine.StartStreamEncryption(s_stream, "KMS", "alias/aws/kinesis");
        Assert.Equal("KMS", (await _engine.PutRecordAsync(s_stream, "during"u8.ToArray(), "k")).EncryptionType);
        Assert.Equal("KMS", _engine.DescribeStreamSummary(s_stream).EncryptionType);
        Assert.Equal("alias/aws/kinesis", _engine.DescribeStreamSummary(s_stream).KeyId);
        _engine.StopStreamEncryption(s_stream, "KMS", "alias/aws/kinesis");
        Assert.Equal("NONE", (await _engine.PutRecordAsync(s_stream, "after"u8.ToArray(), "k")).EncryptionType);

        List<KinesisRecord> records = ReadAll();
        Assert.Equal(["before", "during", "after"], records.Select(r => Encoding.UTF8.GetString(r.Data)));
        Assert.Equal(["NONE", "KMS", "NONE"], records.Select(r => r.EncryptionType));
        Assert.Equal(1, FilesContaining("after"));
        Assert.Equal(0, FilesContaining("during"));
    }

    [Fact]
    public async Task DisabledKey_PutAndGetAndStart_FailWithKmsDisabledUntilEnabled()
    {
        _engine.CreateStream("secrets", shardCount: 1);
        KeyDescription key = _engine.Keys.Create("alias/k");
        _engine.StartStreamEncryption(s_stream, "KMS", "alias/k");
        await _engine.PutRecordAsync(s_stream, "x"u8.ToArray(), "k");
        _engine.Keys.Disable(key.KeyId);
        Restart(); // data keys are unwrapped again after a restart: the disabled key refuses it

        string disabled = $"arn:aws:kms:us-east-1:000000000000:key/{key.KeyId} is disabled.";
        KinesisException put = await Assert.ThrowsAsync<KinesisException>(async () => await _engine.PutRecordAsync(s_stream, "y"u8.ToArray(), "k"));
        Assert.Equal(("KMSDisabledException", disabled), (put.ErrorType, put.Message));
        KinesisException putRecords = await Assert.ThrowsAsync<KinesisException>(async () =>
            await _engine.PutRecordsAsync(s_stream, [new PutRecordsEntry("y"u8.ToArray(), "k", null)]));
        Assert.Equal("KMSDisabledException", putRecords.ErrorType);
        string iterator = _engine.GetShardIterator(s_stream, "shardId-000000000000", ShardIteratorType.TrimHorizon);
        KinesisException get = Assert.Throws<KinesisException>(() => _engine.GetRecords(iterator));
        Assert.Equal(("KMSDisabledException", disabled), (get.ErrorType, get.Message));
        _engine.CreateStream("other", shardCount: 1);
        KinesisException start = Assert.Throws<KinesisException>(() => _engine.StartStreamEncryption(StreamRef.Named("other"), "KMS", key.Arn));
        Assert.Equal("KMSDisabledException", start.ErrorType);

        _engine.Keys.Enable(key.KeyId);
        await _engine.PutRecordAsync(s_stream, "y"u8.ToArray(), "k");
        Assert.Equal(["x", "y"], ReadAll().Select(r => Encoding.UTF8.GetString(r.Data)));
    }

    [Theory]
    [InlineData("0b0e6b3a-52f3-4a27-9a39-1f1e4c1d2c3b", "Key 'arn:aws:kms:us-east-1:000000000000:key/0b0e6b3a-52f3-4a27-9a39-1f1e4c1d2c3b' does not exist")]
    [InlineData("arn:aws:kms:us-east-1:000000000000:key/0b0e6b3a-52f3-4a27-9a39-1f1e4c1d2c3b", "Key 'arn:aws:kms:us-east-1:000000000000:key/0b0e6b3a-52f3-4a27-9a39-1f1e4c1d2c3b' does not exist")]
    [InlineData("alias/missing", "Alias arn:aws:kms:us-east-1:000000000000:alias/missing is not found.")]
    [InlineData("arn:aws:kms:us-east-1:000000000000:alias/missing", "Alias arn:aws:kms:us-east-1:000000000000:alias/missing is not found.")]
    [InlineData("not-a-key", "Invalid keyId not-a-key")]
    public void StartStreamEncryption_MissingKey_IsKmsNotFoundAndChangesNothing(string keyId, string message)
    {
        _engine.CreateStream("secrets", shardCount: 1);
        KinesisException e = Assert.Throws<KinesisException>(() => _engine.StartStreamEncryption(s_stream, "KMS", keyId));
        Assert.Equal(("KMSNotFoundException", message), (e.ErrorType, e.Message));
        Assert.Equal("NONE", _engine.DescribeStreamSummary(s_stream).EncryptionType);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("arn")]
    [InlineData("alias")]
    [InlineData("aliasArn")]
    public async Task StartStreamEncryption_EveryKeyIdForm_EncryptsAndReportsTheKeyIdAsGiven(string form)
    {
        KeyDescription key = _engine.Keys.Create("alias/forms");
        string keyId = form switch
        {
            "id" => key.KeyId,
            "arn" => key.Arn,
            "alias" => "alias/forms",
            _ => "arn:aws:kms:us-east-1:000000000000:alias/forms",
        };
        _engine.CreateStream("secrets", shardCount: 1);
        _engine.StartStreamEncryption(s_stream, "KMS", keyId);
        Assert.Equal("KMS", (await _engine.PutRecordAsync(s_stream, "v"u8.ToArray(), "k")).EncryptionType);
        StreamDescription description = _engine.DescribeStream(s_stream);
        Assert.Equal(("KMS", keyId), (description.EncryptionType, description.KeyId));
    }

    [Fact]
    public async Task Rotate_BetweenPuts_NewDataKeyAndOldRecordsStillDecryptAfterRestart()
    {
        _engine.CreateStream("secrets", shardCount: 1);
        KeyDescription key = _engine.Keys.Create();
        _engine.StartStreamEncryption(s_stream, "KMS", key.KeyId);
        await _engine.PutRecordAsync(s_stream, "old"u8.ToArray(), "k");
        Assert.Equal(2, _engine.Keys.Rotate(key.Arn).CurrentVersion);
        await _engine.PutRecordAsync(s_stream, "new"u8.ToArray(), "k");

        string[] dataKeys = Directory.GetFiles(_directory.Path, "*.dek", SearchOption.AllDirectories);
        Assert.Equal(2, dataKeys.Length); // one per master key version
        Restart();
        await _engine.PutRecordAsync(s_stream, "later"u8.ToArray(), "k");
        Assert.Equal(3, Directory.GetFiles(_directory.Path, "*.dek", SearchOption.AllDirectories).Length); // never resumed after a restart
        Assert.Equal(["old", "new", "later"], ReadAll().Select(r => Encoding.UTF8.GetString(r.Data)));
    }

    [Fact]
    public void AwsManagedAlias_FirstUse_CreatesAnAwsManagedKeyThatSurvivesRestart()
    {
        _engine.CreateStream("secrets", shardCount: 1);
        Assert.Empty(_engine.Keys.List());
        _engine.StartStreamEncryption(s_stream, "KMS", KeyService.AwsManagedAlias);
        KeyDescription key = Assert.Single(_engine.Keys.List());
        Assert.Equal("AWS", key.KeyManager);
        Assert.Equal([KeyService.AwsManagedAlias], key.Aliases);
        Restart();
        Assert.Equal(key.KeyId, _engine.Keys.Describe(KeyService.AwsManagedAlias).KeyId);
    }

    [Fact]
    public async Task DataKeyFile_Deleted_IsCorruptionNeverServed()
    {
        _engine.CreateStream("secrets", shardCount: 1);
        _engine.StartStreamEncryption(s_stream, "KMS", KeyService.AwsManagedAlias);
        await _engine.PutRecordAsync(s_stream, "v"u8.ToArray(), "k");
        _engine.Dispose();
        File.Delete(Directory.GetFiles(_directory.Path, "*.dek", SearchOption.AllDirectories).Single());
        _engine = Open();
        string iterator = _engine.GetShardIterator(s_stream, "shardId-000000000000", ShardIteratorType.TrimHorizon);
        KinesisException e = Assert.Throws<KinesisException>(() => _engine.GetRecords(iterator));
        Assert.Equal(KinesisErrorCode.InternalFailure, e.Code);
        Assert.EndsWith("0000000001.dek", Assert.IsType<LogCorruptionException>(e.InnerException).FileName, StringComparison.Ordinal);
    }

    private StreamEngine Open() => StreamEngine.Open(s_options, new FileStreamStorage(_directory.Path), _time);

    private void Restart()
    {
        _engine.Dispose();
        _engine = Open();
    }

    private List<KinesisRecord> ReadAll()
    {
        var records = new List<KinesisRecord>();
        foreach (ShardDescription shard in _engine.DescribeStream(s_stream).Shards)
        {
            string? iterator = _engine.GetShardIterator(s_stream, shard.ShardId.ToString(), ShardIteratorType.TrimHorizon);
            while (iterator is not null)
            {
                GetRecordsResult result = _engine.GetRecords(iterator);
                records.AddRange(result.Records);
                iterator = result.Records.Count == 0 ? null : result.NextShardIterator;
            }
        }
        return records;
    }

    /// <summary>How many files under the data directory hold <paramref name="text"/> (UTF-8) anywhere in their bytes.</summary>
    private int FilesContaining(string text)
    {
        byte[] needle = Encoding.UTF8.GetBytes(text);
        return Directory.GetFiles(_directory.Path, "*", SearchOption.AllDirectories)
            .Count(path => File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0);
    }
}
