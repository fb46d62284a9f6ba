using System.Net;
using Runnel.Server.Network;

namespace Runnel.Server.Tests.Security;

public class NetworkIpNetworkTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.2", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.168.1.0/24", "192.168.1.255", true)]
    [InlineData("192.168.1.0/24", "192.168.2.0", false)]
    [InlineData("172.16.0.0/12", "172.31.255.255", true)]
    [InlineData("172.16.0.0/12", "172.32.0.0", false)]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1/32", "127.0.0.2", false)]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("0.0.0.0/0", "::1", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.2.3", true)]
    [InlineData("::ffff:10.0.0.0/104", "10.9.9.9", true)]
    [InlineData("::1/128", "::1", true)]
    [InlineData("::1", "127.0.0.1", false)]
    [InlineData("fd00::/8", "fd12:3456::1", true)]
    [InlineData("fd00::/8", "fe80::1", false)]
    [InlineData("2001:db8::/33", "2001:db8:7fff::1", true)]
    [InlineData("2001:db8::/33", "2001:db8:8000::1", false)]
    [InlineData("::/0", "2001:db8::1", true)]
    public void Contains_Address_MatchesThePrefix(string network, string address, bool expected)
        => Assert.Equal(expected, IpNetwork.Parse(network).Contains(IPAddress.Parse(address)));

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/")]
    [InlineData("::/129")]
    [InlineData("example.com/8")]
    [InlineData("10.0.0/8x")]
    public void TryParse_NotANetwork_IsRefused(string text)
        => Assert.False(IpNetwork.TryParse(text, out _));

    [Fact]
    public void Contains_Null_IsFalse() => Assert.False(IpNetwork.Parse("0.0.0.0/0").Contains(null));

    [Fact]
    public void ClientNetworkFilter_EmptyList_AllowsEveryone()
    {
        var filter = new ClientNetworkFilter([]);

        Assert.False(filter.IsActive);
        Assert.True(filter.Allows(IPAddress.Parse("203.0.113.1")));
        Assert.True(filter.Allows(null));
    }

    [Fact]
    public void ClientNetworkFilter_List_AllowsOnlyItsNetworks()
    {
        var filter = new ClientNetworkFilter(["10.0.0.0/8", "::1/128"]);

        Assert.True(filter.Allows(IPAddress.Parse("10.1.1.1")));
        Assert.True(filter.Allows(IPAddress.Parse("::ffff:10.1.1.1")));
        Assert.True(filter.Allows(IPAddress.IPv6Loopback));
        Assert.False(filter.Allows(IPAddress.Loopback));
        Assert.False(filter.Allows(null));
    }
}
