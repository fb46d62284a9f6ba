using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Runnel.Server.Network;

/// <summary>
/// An IPv4 or IPv6 network in CIDR form (<c>10.0.0.0/8</c>, <c>fd00::/8</c>); a bare address is a one-address
/// network. IPv4-mapped IPv6 addresses (<c>::ffff:10.1.2.3</c>, what a dual-stack socket reports for an IPv4
/// client) are treated as the IPv4 address, in the network and in <see cref="Contains"/>. Immutable.
/// </summary>
public sealed class IpNetwork
{
    private readonly byte[] _prefix;

    private IpNetwork(IPAddress address, int prefixLength)
    {
        Address = address;
        PrefixLength = prefixLength;
        _prefix = address.GetAddressBytes();
    }

    /// <summary>The network's address (IPv4 when given as IPv4-mapped IPv6).</summary>
    public IPAddress Address { get; }

    /// <summary>The number of leading bits that must match.</summary>
    public int PrefixLength { get; }

    /// <summary>Parses <c>address/length</c> or a bare address.</summary>
    public static bool TryParse(string? text, out IpNetwork? network)
    {
        network = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out IPAddress? address))
        {
            return false;
        }
        int mappedOffset = 0;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
            mappedOffset = 96;
        }
        int bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        int length = bits;
        if (slash >= 0)
        {
            if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length)
                || length - mappedOffset < 0 || length > bits + mappedOffset)
            {
                return false;
            }
            length -= mappedOffset;
        }
        network = new IpNetwork(address, length);
        return true;
    }

    /// <summary>Parses, or throws <see cref="FormatException"/>.</summary>
    public static IpNetwork Parse(string text)
        => TryParse(text, out IpNetwork? network) ? network! : throw new FormatException($"'{text}' is not a network (CIDR such as 10.0.0.0/8).");

    /// <summary>Whether <paramref name="address"/> is in the network.</summary>
    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != Address.AddressFamily)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written) || written != _prefix.Length)
        {
            return false;
        }
        int whole = PrefixLength / 8;
        if (!bytes[..whole].SequenceEqual(_prefix.AsSpan(0, whole)))
        {
            return false;
        }
        int rest = PrefixLength % 8;
        if (rest == 0)
        {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (bytes[whole] & mask) == (_prefix[whole] & mask);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Address}/{PrefixLength}");
}
