using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Runnel.Security.Authorization;

/// <summary>How the typed operators read a value: numbers, dates (ISO 8601 or epoch seconds), booleans, IP
/// addresses and CIDR blocks (IPv4 and IPv6).</summary>
public static class ConditionValues
{
    /// <summary>A decimal number (<c>10</c>, <c>-1.5</c>, <c>1e3</c>).</summary>
    public static bool TryParseNumber(string text, out double value)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>A date: ISO 8601 (<c>2026-01-01T00:00:00Z</c>, <c>2026-01-01</c>; UTC when no offset is given) or
    /// whole epoch seconds.</summary>
    public static bool TryParseDate(string text, out DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c == '-') && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds)
            && seconds is >= -62_135_596_800 and <= 253_402_300_799)
        {
            value = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    /// <summary><c>true</c> or <c>false</c>, in any case.</summary>
    public static bool TryParseBool(string text, out bool value)
    {
        if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }
        value = false;
        return string.Equals(text, "false", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A CIDR block (<c>203.0.113.0/24</c>, <c>2001:db8::/32</c>) or a single address (a /32 or /128).
    /// Host bits below the prefix are ignored, as IAM does.</summary>
    public static bool TryParseCidr(string text, out IPAddress network, out int prefix)
    {
        ArgumentNullException.ThrowIfNull(text);
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string address = slash < 0 ? text : text[..slash];
        prefix = 0;
        if (!IPAddress.TryParse(address, out IPAddress? parsed) || address.Contains('%', StringComparison.Ordinal))
        {
            network = IPAddress.None;
            return false;
        }
        network = parsed;
        int bits = parsed.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0)
        {
            prefix = bits;
            return true;
        }
        string length = text[(slash + 1)..];
        return length.Length is > 0 and <= 3 && length.All(char.IsAsciiDigit)
            && int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) && prefix <= bits;
    }

    /// <summary>Whether <paramref name="address"/> lies in the block (IPv4-mapped IPv6 addresses count as IPv4).</summary>
    public static bool InBlock(IPAddress address, IPAddress network, int prefix)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(network);
        IPAddress a = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        IPAddress n = network.IsIPv4MappedToIPv6 ? network.MapToIPv4() : network;
        if (a.AddressFamily != n.AddressFamily)
        {
            return false;
        }
        byte[] x = a.GetAddressBytes();
        byte[] y = n.GetAddressBytes();
        int full = prefix / 8;
        for (int i = 0; i < full; i++)
        {
            if (x[i] != y[i])
            {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0)
        {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (x[full] & mask) == (y[full] & mask);
    }
}
