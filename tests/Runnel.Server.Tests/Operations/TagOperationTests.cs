namespace Runnel.Server.Tests.Operations;

public sealed class TagOperationTests : IDisposable
{
    private readonly OperationFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task StreamTags_AddListRemove_RoundTrip()
    {
        await _f.CreateStreamAsync("t");
        Assert.Equal("", await _f.RunAsync("AddTagsToStream", """{"StreamName":"t","Tags":{"b":"2","a":"1","c":""}}"""));
        Assert.Equal("""{"Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"},{"Key":"c","Value":""}],"HasMoreTags":false}""",
            await _f.RunAsync("ListTagsForStream", """{"StreamName":"t"}"""));
        Assert.Equal("""{"Tags":[{"Key":"b","Value":"2"}],"HasMoreTags":true}""",
            await _f.RunAsync("ListTagsForStream", """{"StreamName":"t","ExclusiveStartTagKey":"a","Limit":1}"""));
        Assert.Equal("", await _f.RunAsync("RemoveTagsFromStream", $$"""{"StreamARN":"{{OperationFixture.Arn("t")}}","TagKeys":["a","zz"]}"""));
        Assert.Equal("""{"Tags":[{"Key":"b","Value":"2"},{"Key":"c","Value":""}],"HasMoreTags":false}""",
            await _f.RunAsync("ListTagsForStream", """{"StreamName":"t"}"""));
    }

    [Fact]
    public async Task StreamTags_BadInput_IsRejected()
    {
        await _f.CreateStreamAsync("t");
        Assert.Equal("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("AddTagsToStream", """{"StreamName":"t"}""")).Message);
        Assert.Equal("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("RemoveTagsFromStream", """{"StreamName":"t"}""")).Message);
        Assert.Equal("SerializationException", (await _f.FailAsync("AddTagsToStream", """{"StreamName":"t","Tags":[{"Key":"a"}]}""")).Type);
        Assert.Equal("SerializationException", (await _f.FailAsync("AddTagsToStream", """{"StreamName":"t","Tags":{"a":1}}""")).Type);
        Assert.Equal("SerializationException", (await _f.FailAsync("RemoveTagsFromStream", """{"StreamName":"t","TagKeys":"a"}""")).Type);
        Assert.Equal("SerializationException", (await _f.FailAsync("ListTagsForStream", """{"StreamName":"t","Limit":"1"}""")).Type);
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("AddTagsToStream", """{"StreamName":"x","Tags":{"a":"1"}}""")).Type);
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("RemoveTagsFromStream", """{"StreamName":"x","TagKeys":["a"]}""")).Type);
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("ListTagsForStream", """{"StreamName":"x"}""")).Type);
    }

    [Fact]
    public async Task ResourceTags_OnStream_TagListUntag()
    {
        await _f.CreateStreamAsync("t");
        string arn = OperationFixture.Arn("t");
        Assert.Equal("", await _f.RunAsync("TagResource", $$$"""{"ResourceARN":"{{{arn}}}","Tags":{"k":"v","j":"w"}}"""));
        Assert.Equal("""{"Tags":[{"Key":"j","Value":"w"},{"Key":"k","Value":"v"}]}""",
            await _f.RunAsync("ListTagsForResource", $$"""{"ResourceARN":"{{arn}}"}"""));
        Assert.Equal("", await _f.RunAsync("UntagResource", $$"""{"ResourceARN":"{{arn}}","TagKeys":["j"]}"""));
        Assert.Equal("""{"Tags":[{"Key":"k","Value":"v"}]}""", await _f.RunAsync("ListTagsForResource", $$"""{"ResourceARN":"{{arn}}"}"""));
    }

    [Fact]
    public async Task ResourceTags_ManyTags_ListsThemAll()
    {
        await _f.CreateStreamAsync("t");
        string tags = string.Join(",", Enumerable.Range(0, 50).Select(i => $$"""
            "k{{i:D2}}":"v"
            """));
        await _f.RunAsync("AddTagsToStream", $$$"""{"StreamName":"t","Tags":{{{{tags}}}}}""");
        Assert.Equal(50, (await _f.RunParsedAsync("ListTagsForResource", $$"""{"ResourceARN":"{{OperationFixture.Arn("t")}}"}"""))["Tags"]!.AsArray().Count);
    }

    [Fact]
    public async Task ResourceTags_OnConsumer_TagListUntag()
    {
        await _f.CreateStreamAsync("t");
        string consumerArn = await _f.RegisterConsumerAsync("t", "c");
        Assert.Equal("", await _f.RunAsync("TagResource", $$$"""{"ResourceARN":"{{{consumerArn}}}","Tags":{"k":"v","a":"b"}}"""));
        Assert.Equal("""{"Tags":[{"Key":"a","Value":"b"},{"Key":"k","Value":"v"}]}""",
            await _f.RunAsync("ListTagsForResource", $$"""{"ResourceARN":"{{consumerArn}}"}"""));
        Assert.Equal("", await _f.RunAsync("UntagResource", $$"""{"ResourceARN":"{{consumerArn}}","TagKeys":["k"]}"""));
        Assert.Equal("""{"Tags":[{"Key":"a","Value":"b"}]}""",
            await _f.RunAsync("ListTagsForResource", $$"""{"ResourceARN":"{{consumerArn}}"}"""));
        Assert.Equal("ResourceNotFoundException",
            (await _f.FailAsync("TagResource", $$$"""{"ResourceARN":"{{{OperationFixture.Arn("t")}}}/consumer/other:1","Tags":{"k":"v"}}""")).Type);
    }

    [Fact]
    public async Task ResourceTags_BadInput_IsRejected()
    {
        string arn = OperationFixture.Arn("t");
        Assert.Equal("1 validation error detected: Value null at 'resourceARN' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("TagResource", """{"Tags":{"k":"v"}}""")).Message);
        Assert.Equal("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("TagResource", $$"""{"ResourceARN":"{{arn}}"}""")).Message);
        Assert.Equal("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
            (await _f.FailAsync("UntagResource", $$"""{"ResourceARN":"{{arn}}"}""")).Message);
        Assert.Contains("Value null at 'resourceARN'", (await _f.FailAsync("ListTagsForResource", "{}")).Message, StringComparison.Ordinal);
        Assert.Equal(
            @"1 validation error detected: Value 'stream/t' at 'resourceARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+",
            (await _f.FailAsync("ListTagsForResource", """{"ResourceARN":"stream/t"}""")).Message);
        Assert.Equal("SerializationException", (await _f.FailAsync("UntagResource", $$"""{"ResourceARN":"{{arn}}","TagKeys":[1]}""")).Type);
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("TagResource", $$$"""{"ResourceARN":"{{{arn}}}","Tags":{"k":"v"}}""")).Type);
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("UntagResource", $$"""{"ResourceARN":"{{arn}}","TagKeys":["k"]}""")).Type);
        Assert.Equal("ResourceNotFoundException", (await _f.FailAsync("ListTagsForResource", $$"""{"ResourceARN":"{{arn}}"}""")).Type);
    }
}
