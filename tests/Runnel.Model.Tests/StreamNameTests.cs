namespace Runnel.Model.Tests;

public sealed class StreamNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("my-stream_1.0")]
    [InlineData("ABCxyz0189-_.")]
    public void IsValid_AllowedCharacters_ReturnsTrue(string name)
    {
        Assert.True(StreamName.IsValid(name));
        Assert.Equal(name, new StreamName(name).Value);
        Assert.Equal(name, new StreamName(name).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/")]
    [InlineData("colon:")]
    [InlineData("ümlaut")]
    [InlineData("tab\t")]
    public void IsValid_DisallowedText_ReturnsFalse(string name)
    {
        Assert.False(StreamName.IsValid(name));
        Assert.Throws<ArgumentException>(() => new StreamName(name));
    }

    [Fact]
    public void IsValid_Length_AllowsOneTo128()
    {
        Assert.True(StreamName.IsValid(new string('s', 128)));
        Assert.False(StreamName.IsValid(new string('s', 129)));
    }

    [Fact]
    public void Constructor_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new StreamName(null!));
    }
}
