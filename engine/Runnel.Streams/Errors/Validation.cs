using System.Globalization;
using System.Text.RegularExpressions;

namespace Runnel.Streams.Errors;

/// <summary>
/// The framework constraints of the Kinesis model (lengths, patterns, ranges), failing with
/// <see cref="KinesisErrorCode.Validation"/> worded as AWS words it. Paths are the lowerCamelCase member names.
/// </summary>
internal static partial class Validation
{
    private const string NamePattern = "[a-zA-Z0-9_.-]+";

    [GeneratedRegex(@"^arn:aws.*:kinesis:.*:\d{12}:stream/\S+$")]
    private static partial Regex StreamArnRegex();

    [GeneratedRegex(@"^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+$")]
    private static partial Regex ConsumerArnRegex();

    public static void StreamName(string name, string path) => Name(name, path);

    public static void Name(string name, string path)
    {
        Length(name, path, 1, 128);
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                throw KinesisException.ValidationFailed(name, path, $"Member must satisfy regular expression pattern: {NamePattern}");
            }
        }
    }

    public static void StreamArn(string arn, string path)
    {
        Length(arn, path, 1, 2048);
        if (!StreamArnRegex().IsMatch(arn))
        {
            throw KinesisException.ValidationFailed(arn, path,
                @"Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\d{12}:stream/\S+");
        }
    }

    public static void ConsumerArn(string arn, string path)
    {
        Length(arn, path, 1, 2048);
        if (!ConsumerArnRegex().IsMatch(arn))
        {
            throw KinesisException.ValidationFailed(arn, path,
                @"Member must satisfy regular expression pattern: ^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+");
        }
    }

    public static void Length(string value, string path, int min, int max)
    {
        if (value.Length < min)
        {
            throw KinesisException.ValidationFailed(value, path, $"Member must have length greater than or equal to {min}");
        }
        if (value.Length > max)
        {
            throw KinesisException.ValidationFailed(value, path, $"Member must have length less than or equal to {max}");
        }
    }

    public static void Range(long value, string path, long min, long max)
    {
        string shown = value.ToString(CultureInfo.InvariantCulture);
        if (value < min)
        {
            throw KinesisException.ValidationFailed(shown, path, $"Member must have value greater than or equal to {min}");
        }
        if (value > max)
        {
            throw KinesisException.ValidationFailed(shown, path, $"Member must have value less than or equal to {max}");
        }
    }

    /// <summary>A blob longer than <paramref name="max"/> bytes, printed as AWS prints blobs.</summary>
    public static void BlobLength(int length, string path, int max)
    {
        if (length > max)
        {
            throw KinesisException.ValidationFailed($"java.nio.HeapByteBuffer[pos=0 lim={length} cap={length}]", path,
                $"Member must have length less than or equal to {max}");
        }
    }

    /// <summary>The HashKey pattern <c>0|([1-9]\d{0,38})</c>.</summary>
    public static void HashKeyPattern(string value, string path)
    {
        bool ok = value == "0" || (value.Length is >= 1 and <= 39 && value[0] is >= '1' and <= '9' && value.All(char.IsAsciiDigit));
        if (!ok)
        {
            throw KinesisException.ValidationFailed(value, path, @"Member must satisfy regular expression pattern: 0|([1-9]\d{0,38})");
        }
    }

    /// <summary>The SequenceNumber pattern <c>0|([1-9]\d{0,128})</c>.</summary>
    public static void SequenceNumberPattern(string value, string path)
    {
        bool ok = value == "0" || (value.Length is >= 1 and <= 129 && value[0] is >= '1' and <= '9' && value.All(char.IsAsciiDigit));
        if (!ok)
        {
            throw KinesisException.ValidationFailed(value, path, @"Member must satisfy regular expression pattern: 0|([1-9]\d{0,128})");
        }
    }
}
