using System.Text;
using FsCheck.Xunit;
using Runnel.Storage.Framing;

namespace Runnel.Storage.Tests.Framing;

public class Crc32CTests
{
    [Fact]
    public void Compute_CheckString_MatchesStandardCheckValue()
        => Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Compute_Empty_IsZero() => Assert.Equal(0u, Crc32C.Compute([]));

    [Property]
    public bool Append_InTwoParts_EqualsWhole(byte[] data, int cut)
    {
        int split = data.Length == 0 ? 0 : Math.Abs(cut % (data.Length + 1));
        uint state = Crc32C.Append(Crc32C.Seed, data.AsSpan(0, split));
        state = Crc32C.Append(state, data.AsSpan(split));
        return Crc32C.Finish(state) == Crc32C.Compute(data) && Crc32C.Compute(data) == BitwiseCrc32C(data);
    }

    private static uint BitwiseCrc32C(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }
        return ~crc;
    }
}
