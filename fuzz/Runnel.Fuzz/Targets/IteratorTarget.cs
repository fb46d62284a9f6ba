using System.Text;
using Runnel.Streams.Iterators;

namespace Runnel.Fuzz.Targets;

/// <summary>
/// Target <c>iterator</c>: the opaque tokens a client sends back (ShardIterator, and the NextToken of the List*
/// calls): <see cref="TokenSigner.Open"/> then <see cref="ShardIteratorToken.TryDecode"/> and
/// <see cref="ListToken.TryDecode"/> with a fixed key. The input is tried three ways: as the token text (a forged
/// or damaged token: the HMAC must refuse it), as a token whose payload is re-signed with the key (so that mutations
/// reach the payload parser behind the HMAC), and as a raw payload signed with the key.
/// Contract: a token or false, never an exception.
/// </summary>
internal static class IteratorTarget
{
    /// <summary>The fixed key of the harness (the corpus tokens are signed with it).</summary>
    internal static byte[] Key => Encoding.ASCII.GetBytes("runnel-fuzz-fixed-token-key-0001");

    private static readonly TokenSigner s_signer = new(Key);

    /// <summary>Runs the target on one input.</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        AllocationBudget budget = AllocationBudget.Start(input.Length);
        string text = Encoding.UTF8.GetString(input);
        DecodeEverything(text);

        // The same token with its payload re-signed: what a genuine token with these payload bytes would decode to.
        byte[] decoded = new byte[(text.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(text, decoded, out int length) && length > TokenSigner.TagLength)
        {
            DecodeEverything(s_signer.Sign(decoded.AsSpan(0, length - TokenSigner.TagLength)));
        }

        // The raw input as a payload.
        DecodeEverything(s_signer.Sign(input));
        budget.Check("iterator");
    }

    private static void DecodeEverything(string token)
    {
        if (ShardIteratorToken.TryDecode(s_signer, token, out ShardIteratorToken iterator))
        {
            _ = iterator.StreamName.Length;
            _ = iterator.ToString();
        }
        foreach (byte kind in (ReadOnlySpan<byte>)[ListToken.ShardsKind, ListToken.StreamsKind, ListToken.ConsumersKind])
        {
            if (ListToken.TryDecode(s_signer, token, kind, out ListToken list))
            {
                _ = list.Scope.Length + list.After.Length;
                _ = list.ToString();
            }
        }
    }
}
