using System.Formats.Cbor;
using System.Net;
using System.Text;
using Runnel.Protocol;

namespace Runnel.Server.Tests;

/// <summary>
/// The bad-input table (issue 5, item 4): malformed, mistyped and out-of-range requests, each with its exact error
/// type and status. Messages are asserted where kinesis-api.md 1.5 or AWS's known wording fixes them.
/// </summary>
public static class BadInputCases
{
    /// <summary>The stream the data-plane rows address: two shards, created by the test.</summary>
    public const string Stream = "bad-input";

    public const string Json = KinesisTarget.JsonContentType;

    public const string Cbor = KinesisTarget.CborContentType;

    private const string Serialization = "SerializationException";
    private const string Validation = "ValidationException";
    private const string InvalidArgument = "InvalidArgumentException";
    private const string NotFound = "ResourceNotFoundException";
    private const string UnknownOperation = "UnknownOperationException";
    private const string Account = "000000000000";
    private const string TwoTo128 = "340282366920938463463374607431768211456";
    private const string IteratorTypes = "[AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]";
    private const string HashKeyPattern = @"Member must satisfy regular expression pattern: 0|([1-9]\d{0,38})";
    private const string SequencePattern = @"Member must satisfy regular expression pattern: 0|([1-9]\d{0,128})";
    private const string NamePattern = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";

    private static readonly string s_key257 = new('k', 257);
    private static readonly string s_name129 = new('s', 129);
    private static readonly string s_iterator513 = new('A', 513);

    /// <summary>Every row, by name.</summary>
    public static IReadOnlyDictionary<string, BadInputCase> All { get; } = Build().ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>The row names, as theory data.</summary>
    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string name in All.Keys)
            {
                data.Add(name);
            }
            return data;
        }
    }

    private static IEnumerable<BadInputCase> Build()
    {
        // --- Transport and envelope: target header, content type, method, path, size. ---
        yield return new("Target_Missing", null, Json, J("{}"), HttpStatusCode.BadRequest, UnknownOperation);
        yield return new("Target_UnknownOperation", T("MadeUpOperation"), Json, J("{}"), HttpStatusCode.BadRequest, UnknownOperation);
        yield return new("Target_PrefixOnly", "Kinesis_20131202.", Json, J("{}"), HttpStatusCode.BadRequest, UnknownOperation);
        yield return new("Target_WrongServicePrefix", "DynamoDB_20120810.ListTables", Json, J("{}"), HttpStatusCode.BadRequest, UnknownOperation);
        yield return new("Target_OldServiceVersion", "Kinesis_20121107.ListStreams", Json, J("{}"), HttpStatusCode.BadRequest, UnknownOperation);
        yield return new("Target_WrongCase", "kinesis_20131202.ListStreams", Json, J("{}"), HttpStatusCode.BadRequest, UnknownOperation);
        yield return new("Target_UnknownOperationInCbor", T("MadeUpOperation"), Cbor, CborMap(), HttpStatusCode.BadRequest, UnknownOperation);
        yield return new("ContentType_TextPlain", T("ListStreams"), "text/plain", J("{}"), HttpStatusCode.NotFound, UnknownOperation);
        yield return new("ContentType_Xml", T("ListStreams"), "application/xml", J("{}"), HttpStatusCode.NotFound, UnknownOperation);
        yield return new("ContentType_CborVersion1_0", T("ListStreams"), "application/x-amz-cbor-1.0", CborMap(), HttpStatusCode.NotFound, UnknownOperation);
        yield return new("Method_Get", T("ListStreams"), Json, [], HttpStatusCode.MethodNotAllowed, UnknownOperation) { Method = "GET" };
        yield return new("Method_Put", T("ListStreams"), Json, J("{}"), HttpStatusCode.MethodNotAllowed, UnknownOperation) { Method = "PUT" };
        yield return new("Method_Delete", T("ListStreams"), Json, [], HttpStatusCode.MethodNotAllowed, UnknownOperation) { Method = "DELETE" };
        yield return new("Path_Other", T("ListStreams"), Json, J("{}"), HttpStatusCode.NotFound, UnknownOperation) { Path = "/2013-12-02/streams" };
        yield return new("Body_Oversized", T("ListStreams"), Json, Oversized(), HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLargeException")
        { ExpectContinue = true };

        // --- Malformed JSON. ---
        yield return new("Json_OpenBrace", T("ListStreams"), Json, J("{"), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_Truncated", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","PartitionKey":"k","Da"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_MissingValue", T("ListStreams"), Json, J("""{"Limit": }"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_TrailingGarbage", T("ListStreams"), Json, J("""{"Limit": 1} trailing"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_SingleQuotes", T("ListStreams"), Json, J("{'Limit': 1}"), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_TrailingComma", T("ListStreams"), Json, J("""{"Limit": 1,}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_NaNLiteral", T("ListStreams"), Json, J("""{"Limit": NaN}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_InvalidUtf8", T("ListStreams"), Json, [.. "{\"ExclusiveStartStreamName\": \""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8], HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_LoneSurrogateEscape", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","PartitionKey":"\ud800","Data":"AA=="}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_ControlCharacterInString", T("PutRecord"), Json, J("{\"StreamName\":\"bad-input\",\"PartitionKey\":\"a\u0001b\",\"Data\":\"AA==\"}"), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_Utf16Body", T("ListStreams"), Json, Encoding.Unicode.GetBytes("{\"Limit\":1}"), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_TopLevelArray", T("ListStreams"), Json, J("[]"), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_TopLevelString", T("ListStreams"), Json, J("\"ListStreams\""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_TopLevelNumber", T("ListStreams"), Json, J("42"), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_TopLevelNull", T("ListStreams"), Json, J("null"), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_DeepArrays", T("ListStreams"), Json, J("{\"Tags\":" + new string('[', 5000) + new string(']', 5000) + "}"), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_DuplicateMember", T("ListStreams"), Json, J("""{"Limit":1,"Limit":2}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_DuplicateNestedMember", T("PutRecords"), Json,
            J($$"""{"StreamName":"{{Stream}}","Records":[{"PartitionKey":"k","Data":"AA==","Data":"AQ=="}]}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Json_DeepObjects", T("ListStreams"), Json, J(string.Concat(Enumerable.Repeat("{\"a\":", 64)) + "1" + new string('}', 64)), HttpStatusCode.BadRequest, Serialization);

        // --- Wrong member types. ---
        yield return new("Type_StringForInt", T("CreateStream"), Json, J($$"""{"StreamName":"typed","ShardCount":"1"}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Type_StringForLimit", T("GetRecords"), Json, J("""{"ShardIterator":"$ITER$","Limit":"ten"}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Type_IntForString", T("CreateStream"), Json, J("""{"StreamName":42,"ShardCount":1}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Type_BoolForString", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","PartitionKey":true,"Data":"AA=="}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Type_BoolForInt", T("ListStreams"), Json, J("""{"Limit":true}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Type_ObjectForList", T("PutRecords"), Json, J($$$"""{"StreamName":"{{{Stream}}}","Records":{"Data":"AA==","PartitionKey":"k"}}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Type_StringsInRecordList", T("PutRecords"), Json, J($$"""{"StreamName":"{{Stream}}","Records":["AA=="]}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Type_ListForMap", T("CreateStream"), Json, J("""{"StreamName":"typed","ShardCount":1,"Tags":["a","b"]}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Type_IntInStringMap", T("CreateStream"), Json, J("""{"StreamName":"typed","ShardCount":1,"Tags":{"a":1}}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Type_StringForStructure", T("CreateStream"), Json, J("""{"StreamName":"typed","StreamModeDetails":"ON_DEMAND"}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Type_NumberForBlob", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","PartitionKey":"k","Data":12}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Type_StringForTimestamp", T("GetShardIterator"), Json,
            J($$"""{"StreamName":"{{Stream}}","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP","Timestamp":"yesterday"}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Type_IntOverflow", T("ListStreams"), Json, J("""{"Limit":99999999999}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Type_HugeExponent", T("ListStreams"), Json, J("""{"Limit":1e400}"""), HttpStatusCode.BadRequest, Serialization);

        // --- Bad base64 in Data. ---
        yield return new("Base64_BadAlphabet", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","PartitionKey":"k","Data":"not base64!"}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Base64_BadLength", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","PartitionKey":"k","Data":"abc"}"""), HttpStatusCode.BadRequest, Serialization);
        yield return new("Base64_InRecords", T("PutRecords"), Json, J($$"""{"StreamName":"{{Stream}}","Records":[{"PartitionKey":"k","Data":"%%%%"}]}"""), HttpStatusCode.BadRequest, Serialization);

        // --- Empty bodies and each required member missing. ---
        yield return new("Empty_PutRecord", T("PutRecord"), Json, [], HttpStatusCode.BadRequest, Validation);
        yield return new("Empty_CreateStream", T("CreateStream"), Json, [], HttpStatusCode.BadRequest, Validation, Null("streamName"));
        yield return new("Empty_GetRecords", T("GetRecords"), Json, J("{}"), HttpStatusCode.BadRequest, Validation, Null("shardIterator"));
        yield return new("Missing_PutRecord_Data", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","PartitionKey":"k"}"""), HttpStatusCode.BadRequest, Validation, Null("data"));
        yield return new("Missing_PutRecord_PartitionKey", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","Data":"AA=="}"""), HttpStatusCode.BadRequest, Validation, Null("partitionKey"));
        yield return new("Missing_PutRecords_Records", T("PutRecords"), Json, J($$"""{"StreamName":"{{Stream}}"}"""), HttpStatusCode.BadRequest, Validation, Null("records"));
        yield return new("Missing_PutRecords_RecordData", T("PutRecords"), Json, J($$"""{"StreamName":"{{Stream}}","Records":[{"PartitionKey":"k"}]}"""), HttpStatusCode.BadRequest, Validation, Null("records.1.member.data"));
        yield return new("Missing_PutRecords_RecordPartitionKey", T("PutRecords"), Json,
            J($$"""{"StreamName":"{{Stream}}","Records":[{"PartitionKey":"k","Data":"AA=="},{"Data":"AA=="}]}"""), HttpStatusCode.BadRequest, Validation, Null("records.2.member.partitionKey"));
        yield return new("Missing_GetRecords_ShardIterator", T("GetRecords"), Json, J("""{"Limit":5}"""), HttpStatusCode.BadRequest, Validation, Null("shardIterator"));
        yield return new("Missing_GetShardIterator_ShardId", T("GetShardIterator"), Json, J($$"""{"StreamName":"{{Stream}}","ShardIteratorType":"LATEST"}"""), HttpStatusCode.BadRequest, Validation, Null("shardId"));
        yield return new("Missing_GetShardIterator_ShardIteratorType", T("GetShardIterator"), Json, J($$"""{"StreamName":"{{Stream}}","ShardId":"shardId-000000000000"}"""), HttpStatusCode.BadRequest, Validation, Null("shardIteratorType"));
        yield return new("Missing_CreateStream_StreamName", T("CreateStream"), Json, J("""{"ShardCount":1}"""), HttpStatusCode.BadRequest, Validation, Null("streamName"));
        yield return new("Missing_CreateStream_StreamMode", T("CreateStream"), Json, J("""{"StreamName":"typed","StreamModeDetails":{}}"""), HttpStatusCode.BadRequest, Validation, Null("streamModeDetails.streamMode"));
        yield return new("Missing_SplitShard_ShardToSplit", T("SplitShard"), Json, J($$"""{"StreamName":"{{Stream}}","NewStartingHashKey":"1"}"""), HttpStatusCode.BadRequest, Validation, Null("shardToSplit"));
        yield return new("Missing_SplitShard_NewStartingHashKey", T("SplitShard"), Json, J($$"""{"StreamName":"{{Stream}}","ShardToSplit":"shardId-000000000000"}"""), HttpStatusCode.BadRequest, Validation, Null("newStartingHashKey"));
        yield return new("Missing_MergeShards_ShardToMerge", T("MergeShards"), Json, J($$"""{"StreamName":"{{Stream}}","AdjacentShardToMerge":"shardId-000000000001"}"""), HttpStatusCode.BadRequest, Validation, Null("shardToMerge"));
        yield return new("Missing_MergeShards_AdjacentShardToMerge", T("MergeShards"), Json, J($$"""{"StreamName":"{{Stream}}","ShardToMerge":"shardId-000000000000"}"""), HttpStatusCode.BadRequest, Validation, Null("adjacentShardToMerge"));
        yield return new("Missing_StreamNameAndArn", T("PutRecord"), Json, J("""{"PartitionKey":"k","Data":"AA=="}"""), HttpStatusCode.BadRequest, InvalidArgument);

        // --- Out-of-range values. ---
        yield return new("Range_ShardCountZero", T("CreateStream"), Json, J("""{"StreamName":"ranged","ShardCount":0}"""), HttpStatusCode.BadRequest, Validation,
            V("0", "shardCount", "Member must have value greater than or equal to 1"));
        yield return new("Range_ShardCountNegative", T("CreateStream"), Json, J("""{"StreamName":"ranged","ShardCount":-3}"""), HttpStatusCode.BadRequest, Validation,
            V("-3", "shardCount", "Member must have value greater than or equal to 1"));
        yield return new("Range_GetRecordsLimitZero", T("GetRecords"), Json, J("""{"ShardIterator":"$ITER$","Limit":0}"""), HttpStatusCode.BadRequest, Validation,
            V("0", "limit", "Member must have value greater than or equal to 1"));
        yield return new("Range_GetRecordsLimit10001", T("GetRecords"), Json, J("""{"ShardIterator":"$ITER$","Limit":10001}"""), HttpStatusCode.BadRequest, Validation,
            V("10001", "limit", "Member must have value less than or equal to 10000"));
        yield return new("Range_ListStreamsLimitZero", T("ListStreams"), Json, J("""{"Limit":0}"""), HttpStatusCode.BadRequest, Validation,
            V("0", "limit", "Member must have value greater than or equal to 1"));
        yield return new("Range_RetentionIncrease23", T("IncreaseStreamRetentionPeriod"), Json, J($$"""{"StreamName":"{{Stream}}","RetentionPeriodHours":23}"""), HttpStatusCode.BadRequest, InvalidArgument,
            "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.");
        yield return new("Range_RetentionDecrease23", T("DecreaseStreamRetentionPeriod"), Json, J($$"""{"StreamName":"{{Stream}}","RetentionPeriodHours":23}"""), HttpStatusCode.BadRequest, InvalidArgument,
            "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.");
        yield return new("Range_Retention8761", T("IncreaseStreamRetentionPeriod"), Json, J($$"""{"StreamName":"{{Stream}}","RetentionPeriodHours":8761}"""), HttpStatusCode.BadRequest, InvalidArgument);
        yield return new("Range_PartitionKey257", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","PartitionKey":"{{s_key257}}","Data":"AA=="}"""), HttpStatusCode.BadRequest, Validation,
            V(s_key257, "partitionKey", "Member must have length less than or equal to 256"));
        yield return new("Range_PartitionKeyEmpty", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","PartitionKey":"","Data":"AA=="}"""), HttpStatusCode.BadRequest, Validation,
            V("", "partitionKey", "Member must have length greater than or equal to 1"));
        yield return new("Range_PutRecordsPartitionKey257", T("PutRecords"), Json, J($$"""{"StreamName":"{{Stream}}","Records":[{"PartitionKey":"{{s_key257}}","Data":"AA=="}]}"""),
            HttpStatusCode.BadRequest, Validation, V(s_key257, "records.1.member.partitionKey", "Member must have length less than or equal to 256"));
        yield return new("Range_PutRecordsEmptyList", T("PutRecords"), Json, J($$"""{"StreamName":"{{Stream}}","Records":[]}"""), HttpStatusCode.BadRequest, Validation,
            V("[]", "records", "Member must have length greater than or equal to 1"));
        yield return new("Range_StreamName129", T("CreateStream"), Json, J($$"""{"StreamName":"{{s_name129}}","ShardCount":1}"""), HttpStatusCode.BadRequest, Validation,
            V(s_name129, "streamName", "Member must have length less than or equal to 128"));
        yield return new("Range_StreamNameEmpty", T("CreateStream"), Json, J("""{"StreamName":"","ShardCount":1}"""), HttpStatusCode.BadRequest, Validation,
            V("", "streamName", "Member must have length greater than or equal to 1"));
        yield return new("Range_StreamNameBadCharacters", T("CreateStream"), Json, J("""{"StreamName":"bad name!","ShardCount":1}"""), HttpStatusCode.BadRequest, Validation,
            V("bad name!", "streamName", NamePattern));
        yield return new("Range_StreamNameSlashOnDescribe", T("DescribeStream"), Json, J("""{"StreamName":"a/b"}"""), HttpStatusCode.BadRequest, Validation,
            V("a/b", "streamName", NamePattern));
        yield return new("Range_StreamArnMalformed", T("DescribeStreamSummary"), Json, J("""{"StreamARN":"arn:aws:kinesis:us-east-1:12:stream/x"}"""), HttpStatusCode.BadRequest, Validation);
        yield return new("Range_ExplicitHashKeyLeadingZero", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","PartitionKey":"k","Data":"AA==","ExplicitHashKey":"0123"}"""),
            HttpStatusCode.BadRequest, Validation, V("0123", "explicitHashKey", HashKeyPattern));
        yield return new("Range_ExplicitHashKeyNegative", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","PartitionKey":"k","Data":"AA==","ExplicitHashKey":"-1"}"""),
            HttpStatusCode.BadRequest, Validation, V("-1", "explicitHashKey", HashKeyPattern));
        yield return new("Range_ExplicitHashKey2To128", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","PartitionKey":"k","Data":"AA==","ExplicitHashKey":"{{TwoTo128}}"}"""),
            HttpStatusCode.BadRequest, InvalidArgument, $"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {TwoTo128}");
        yield return new("Range_ExplicitHashKeyInRecords", T("PutRecords"), Json, J($$"""{"StreamName":"{{Stream}}","Records":[{"PartitionKey":"k","Data":"AA==","ExplicitHashKey":"01"}]}"""),
            HttpStatusCode.BadRequest, Validation, V("01", "records.1.member.explicitHashKey", HashKeyPattern));
        yield return new("Range_NewStartingHashKeyNotNumber", T("SplitShard"), Json, J($$"""{"StreamName":"{{Stream}}","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"half"}"""),
            HttpStatusCode.BadRequest, Validation, V("half", "newStartingHashKey", HashKeyPattern));
        yield return new("Range_ShardToSplitBadCharacters", T("SplitShard"), Json, J($$"""{"StreamName":"{{Stream}}","ShardToSplit":"shard 0","NewStartingHashKey":"5"}"""),
            HttpStatusCode.BadRequest, Validation, V("shard 0", "shardToSplit", NamePattern));
        yield return new("Enum_ShardIteratorType", T("GetShardIterator"), Json, J($$"""{"StreamName":"{{Stream}}","ShardId":"shardId-000000000000","ShardIteratorType":"FIRST"}"""),
            HttpStatusCode.BadRequest, Validation, V("FIRST", "shardIteratorType", $"Member must satisfy enum value set: {IteratorTypes}"));
        yield return new("Enum_ShardIteratorTypeLowerCase", T("GetShardIterator"), Json, J($$"""{"StreamName":"{{Stream}}","ShardId":"shardId-000000000000","ShardIteratorType":"latest"}"""),
            HttpStatusCode.BadRequest, Validation, V("latest", "shardIteratorType", $"Member must satisfy enum value set: {IteratorTypes}"));
        yield return new("Enum_StreamModeOnCreate", T("CreateStream"), Json, J("""{"StreamName":"moded","StreamModeDetails":{"StreamMode":"SERVERLESS"}}"""),
            HttpStatusCode.BadRequest, Validation, V("SERVERLESS", "streamModeDetails.streamMode", "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]"));
        yield return new("Enum_StreamModeOnUpdate", T("UpdateStreamMode"), Json,
            J($$$"""{"StreamARN":"arn:aws:kinesis:us-east-1:{{{Account}}}:stream/{{{Stream}}}","StreamModeDetails":{"StreamMode":"on_demand"}}"""),
            HttpStatusCode.BadRequest, Validation, V("on_demand", "streamModeDetails.streamMode", "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]"));
        yield return new("Sequence_NotANumber", T("GetShardIterator"), Json, AtSequence("abc"), HttpStatusCode.BadRequest, Validation, V("abc", "startingSequenceNumber", SequencePattern));
        yield return new("Sequence_LeadingZero", T("GetShardIterator"), Json, AtSequence("0495"), HttpStatusCode.BadRequest, Validation, V("0495", "startingSequenceNumber", SequencePattern));
        yield return new("Sequence_130Digits", T("GetShardIterator"), Json, AtSequence("1" + new string('0', 129)), HttpStatusCode.BadRequest, Validation,
            V("1" + new string('0', 129), "startingSequenceNumber", SequencePattern));
        yield return new("Sequence_NotFromThisStream", T("GetShardIterator"), Json, AtSequence("12345"), HttpStatusCode.BadRequest, InvalidArgument,
            $"StartingSequenceNumber 12345 used in GetShardIterator on shard shardId-000000000000 in stream {Stream} under account {Account} is invalid because it did not come from this stream.");
        yield return new("Sequence_ForOrderingNotANumber", T("PutRecord"), Json, J($$"""{"StreamName":"{{Stream}}","PartitionKey":"k","Data":"AA==","SequenceNumberForOrdering":"x1"}"""),
            HttpStatusCode.BadRequest, Validation, V("x1", "sequenceNumberForOrdering", SequencePattern));
        yield return new("Sequence_MissingForAtSequenceNumber", T("GetShardIterator"), Json,
            J($$"""{"StreamName":"{{Stream}}","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER"}"""), HttpStatusCode.BadRequest, InvalidArgument);
        yield return new("Timestamp_MissingForAtTimestamp", T("GetShardIterator"), Json,
            J($$"""{"StreamName":"{{Stream}}","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP"}"""), HttpStatusCode.BadRequest, InvalidArgument);
        yield return new("Timestamp_InTheFuture", T("GetShardIterator"), Json,
            J($$"""{"StreamName":"{{Stream}}","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP","Timestamp":4102444800}"""), HttpStatusCode.BadRequest, InvalidArgument);
        yield return new("Timestamp_OutOfRange", T("GetShardIterator"), Json,
            J($$"""{"StreamName":"{{Stream}}","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1e20}"""), HttpStatusCode.BadRequest, Serialization);

        // --- Bad shard iterators. ---
        yield return new("Iterator_Garbage", T("GetRecords"), Json, J("""{"ShardIterator":"not-an-iterator"}"""), HttpStatusCode.BadRequest, InvalidArgument, "Invalid ShardIterator.");
        yield return new("Iterator_Truncated", T("GetRecords"), Json, J("""{"ShardIterator":"$ITER_TRUNCATED$"}"""), HttpStatusCode.BadRequest, InvalidArgument, "Invalid ShardIterator.");
        yield return new("Iterator_Shortened", T("GetRecords"), Json, J("""{"ShardIterator":"$ITER_SHORTENED$"}"""), HttpStatusCode.BadRequest, InvalidArgument, "Invalid ShardIterator.");
        yield return new("Iterator_Tampered", T("GetRecords"), Json, J("""{"ShardIterator":"$ITER_TAMPERED$"}"""), HttpStatusCode.BadRequest, InvalidArgument, "Invalid ShardIterator.");
        yield return new("Iterator_Empty", T("GetRecords"), Json, J("""{"ShardIterator":""}"""), HttpStatusCode.BadRequest, Validation,
            V("", "shardIterator", "Member must have length greater than or equal to 1"));
        yield return new("Iterator_TooLong", T("GetRecords"), Json, J($$"""{"ShardIterator":"{{s_iterator513}}"}"""), HttpStatusCode.BadRequest, Validation,
            V(s_iterator513, "shardIterator", "Member must have length less than or equal to 512"));

        // --- Unknown streams and shards. ---
        yield return new("Unknown_DescribeStream", T("DescribeStream"), Json, J("""{"StreamName":"no-such-stream"}"""), HttpStatusCode.BadRequest, NotFound,
            $"Stream no-such-stream under account {Account} not found.");
        yield return new("Unknown_PutRecord", T("PutRecord"), Json, J("""{"StreamName":"no-such-stream","PartitionKey":"k","Data":"AA=="}"""), HttpStatusCode.BadRequest, NotFound,
            $"Stream no-such-stream under account {Account} not found.");
        yield return new("Unknown_ByArn", T("DescribeStreamSummary"), Json, J($$"""{"StreamARN":"arn:aws:kinesis:us-east-1:{{Account}}:stream/no-such-stream"}"""), HttpStatusCode.BadRequest, NotFound,
            $"Stream no-such-stream under account {Account} not found.");
        yield return new("Unknown_InCbor", T("DescribeStream"), Cbor, CborMap(("StreamName", "no-such-stream")), HttpStatusCode.BadRequest, NotFound,
            $"Stream no-such-stream under account {Account} not found.");
        yield return new("Unknown_Shard", T("GetShardIterator"), Json, J($$"""{"StreamName":"{{Stream}}","ShardId":"shardId-000000000999","ShardIteratorType":"LATEST"}"""), HttpStatusCode.BadRequest, NotFound);
        yield return new("Mismatch_NameAndArn", T("DescribeStreamSummary"), Json,
            J($$"""{"StreamName":"{{Stream}}","StreamARN":"arn:aws:kinesis:us-east-1:{{Account}}:stream/other"}"""), HttpStatusCode.BadRequest, InvalidArgument);

        // --- Malformed CBOR. ---
        yield return new("Cbor_TruncatedMap", T("ListStreams"), Cbor, [0xA2, 0x65, .. "Limit"u8], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_TruncatedText", T("ListStreams"), Cbor, [0xA1, 0x78, 24, .. "ExclusiveStartStream"u8], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_TopLevelArray", T("ListStreams"), Cbor, [0x80], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_TopLevelText", T("ListStreams"), Cbor, [0x61, (byte)'x'], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_TopLevelInteger", T("ListStreams"), Cbor, [0x01], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_IntegerKey", T("ListStreams"), Cbor, [0xA1, 0x01, 0x02], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_ReservedAdditionalInfo", T("ListStreams"), Cbor, [0xA1, 0x65, .. "Limit"u8, 0x1C], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_LoneBreak", T("ListStreams"), Cbor, [0xFF], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_IndefiniteMapUnterminated", T("ListStreams"), Cbor, [0xBF, 0x65, .. "Limit"u8, 0x01], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_IndefiniteMapExtraBreak", T("ListStreams"), Cbor, [0xBF, 0xFF, 0xFF], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_IndefiniteBytesWithTextChunk", T("PutRecord"), Cbor,
            [0xA3, 0x6A, .. "StreamName"u8, 0x69, .. "bad-input"u8, 0x6C, .. "PartitionKey"u8, 0x61, (byte)'k', 0x64, .. "Data"u8, 0x5F, 0x61, (byte)'a', 0xFF],
            HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_DuplicateKey", T("ListStreams"), Cbor, [0xA2, 0x65, .. "Limit"u8, 0x01, 0x65, .. "Limit"u8, 0x02], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_TrailingBytes", T("ListStreams"), Cbor, [0xA0, 0x00], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_InvalidUtf8Text", T("ListStreams"), Cbor, [0xA1, 0x78, 24, .. "ExclusiveStartStreamName"u8, 0x63, 0xC3, 0x28, 0xFF], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_DeepNesting", T("ListStreams"), Cbor, [0xA1, 0x64, .. "Tags"u8, .. Enumerable.Repeat((byte)0x81, 100), 0x80], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_ByteStringForStreamName", T("CreateStream"), Cbor, CborMap(("StreamName", "typed"u8.ToArray()), ("ShardCount", 1L)), HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_TextForShardCount", T("CreateStream"), Cbor, CborMap(("StreamName", "typed"), ("ShardCount", "1")), HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_IntegerForData", T("PutRecord"), Cbor, CborMap(("StreamName", Stream), ("PartitionKey", "k"), ("Data", 7L)), HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_UInt64MaxForLimit", T("ListStreams"), Cbor, [0xA1, 0x65, .. "Limit"u8, 0x1B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_BignumTagOnTimestamp", T("GetShardIterator"), Cbor, AtTimestampCbor(w =>
        {
            w.WriteTag(CborTag.UnsignedBigNum);
            w.WriteByteString([1, 2]);
        }), HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_Tag1HugeMilliseconds", T("GetShardIterator"), Cbor, AtTimestampCbor(w =>
        {
            w.WriteTag(CborTag.UnixTimeSeconds);
            w.WriteInt64(long.MaxValue);
        }), HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_Tag1NaN", T("GetShardIterator"), Cbor, AtTimestampCbor(w =>
        {
            w.WriteTag(CborTag.UnixTimeSeconds);
            w.WriteDouble(double.NaN);
        }), HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_Tag1OnText", T("GetShardIterator"), Cbor, AtTimestampCbor(w =>
        {
            w.WriteTag(CborTag.UnixTimeSeconds);
            w.WriteTextString("now");
        }), HttpStatusCode.BadRequest, Serialization);
        yield return new("Cbor_EmptyCreateStream", T("CreateStream"), Cbor, [], HttpStatusCode.BadRequest, Validation, Null("streamName"));
        yield return new("Cbor_MissingPartitionKey", T("PutRecord"), Cbor, CborMap(("StreamName", Stream), ("Data", new byte[] { 1 })), HttpStatusCode.BadRequest, Validation, Null("partitionKey"));
    }

    /// <summary>The full target header for an operation.</summary>
    private static string T(string operation) => KinesisTarget.Prefix + operation;

    private static byte[] J(string json) => Encoding.UTF8.GetBytes(json);

    private static string Null(string path) => $"1 validation error detected: Value null at '{path}' failed to satisfy constraint: Member must not be null";

    private static string V(string value, string path, string constraint)
        => $"1 validation error detected: Value '{value}' at '{path}' failed to satisfy constraint: {constraint}";

    private static byte[] AtSequence(string sequenceNumber)
        => J($$"""{"StreamName":"{{Stream}}","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"{{sequenceNumber}}"}""");

    /// <summary>A body one byte over the fixture's limit, declared by Content-Length.</summary>
    private static byte[] Oversized()
    {
        byte[] body = new byte[ServerFixture.MaxBodyBytes + 1];
        body.AsSpan().Fill((byte)' ');
        body[0] = (byte)'{';
        body[^1] = (byte)'}';
        return body;
    }

    /// <summary>A definite-length CBOR map of text keys to text, byte-string or integer values.</summary>
    private static byte[] CborMap(params (string Key, object Value)[] members)
    {
        var writer = new CborWriter();
        writer.WriteStartMap(members.Length);
        foreach ((string key, object value) in members)
        {
            writer.WriteTextString(key);
            switch (value)
            {
                case string text:
                    writer.WriteTextString(text);
                    break;
                case byte[] bytes:
                    writer.WriteByteString(bytes);
                    break;
                case long number:
                    writer.WriteInt64(number);
                    break;
                default:
                    throw new ArgumentException($"unsupported value {value}", nameof(members));
            }
        }
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>A CBOR GetShardIterator AT_TIMESTAMP request whose Timestamp is written by <paramref name="timestamp"/>.</summary>
    private static byte[] AtTimestampCbor(Action<CborWriter> timestamp)
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(4);
        writer.WriteTextString("StreamName");
        writer.WriteTextString(Stream);
        writer.WriteTextString("ShardId");
        writer.WriteTextString("shardId-000000000000");
        writer.WriteTextString("ShardIteratorType");
        writer.WriteTextString("AT_TIMESTAMP");
        writer.WriteTextString("Timestamp");
        timestamp(writer);
        writer.WriteEndMap();
        return writer.Encode();
    }
}
