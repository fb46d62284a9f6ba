using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Harness.ComparePeers;

namespace Runnel.Harness.Tests.ComparePeers;

/// <summary>The generator's forward-only reading of PutRecords and GetRecords answers, as each target writes them.</summary>
public class KinesisAnswersTests
{
    [Fact]
    public void PutRecordsFailed_FailedRecordCount_IsTaken()
    {
        byte[] body = """{"FailedRecordCount":2,"Records":[{"SequenceNumber":"1","ShardId":"shardId-000000000000"},{"ErrorCode":"InternalFailure","ErrorMessage":"x"},{"ErrorCode":"InternalFailure","ErrorMessage":"y"}]}"""u8.ToArray();

        Assert.Equal(2, KinesisAnswers.PutRecordsFailed(body));
    }

    [Fact]
    public void PutRecordsFailed_NoCountMember_CountsErrorCodeEntries()
    {
        byte[] body = """{"Records":[{"SequenceNumber":"1","ShardId":"s"},{"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded"}]}"""u8.ToArray();

        Assert.Equal(1, KinesisAnswers.PutRecordsFailed(body));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"StreamNames\":[]}")]
    [InlineData("{\"Records\":")]
    public void PutRecordsFailed_NotAPutRecordsAnswer_IsNull(string body) => Assert.Null(KinesisAnswers.PutRecordsFailed(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void ParseGetRecords_KinesaliteStyleAnswer_CountsRecordsBytesAndTakesTheIterator()
    {
        string data1 = Convert.ToBase64String(new byte[1024]);
        string data2 = Convert.ToBase64String(new byte[5]);
        byte[] body = Encoding.UTF8.GetBytes($$"""{"MillisBehindLatest":0,"NextShardIterator":"AAAA","Records":[{"PartitionKey":"a","Data":"{{data1}}","SequenceNumber":"1","ApproximateArrivalTimestamp":1.5},{"PartitionKey":"b","Data":"{{data2}}","SequenceNumber":"2"}]}""");

        GetRecordsPage page = Assert.IsType<GetRecordsPage>(KinesisAnswers.ParseGetRecords(body));

        Assert.Equal(new GetRecordsPage(2, 1029, "AAAA", 0), page);
    }

    [Fact]
    public void ParseGetRecords_EscapedBase64AndLag_DecodesBeforeCounting()
    {
        byte[] bytes = [0xfb, 0xef, 0xbe]; // "++++" in base64, which the default .NET encoder writes as \u002B
        string escaped = JsonSerializer.Serialize(Convert.ToBase64String(bytes));
        Assert.Contains("\\u002B", escaped, StringComparison.Ordinal);
        byte[] body = Encoding.UTF8.GetBytes($$"""{"Records":[{"Data":{{escaped}},"PartitionKey":"k"}],"MillisBehindLatest":1200}""");

        Assert.Equal(new GetRecordsPage(1, 3, null, 1200), KinesisAnswers.ParseGetRecords(body));
    }

    [Property]
    public Property Base64DecodedLength_AnyBytes_EqualsTheDecodedLength() =>
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            string text = Convert.ToBase64String(bytes);
            int padding = text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0;
            return KinesisAnswers.Base64DecodedLength(text.Length, padding) == bytes.Length;
        });
}
