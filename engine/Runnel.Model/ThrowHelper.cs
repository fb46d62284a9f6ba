using System.Diagnostics.CodeAnalysis;

namespace Runnel.Model;

/// <summary>
/// Throw sites for Runnel.Model, kept out of line so the callers stay small enough to inline.
/// </summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName, string message) =>
        throw new ArgumentOutOfRangeException(paramName, message);

    [DoesNotReturn]
    public static void ThrowArgument(string paramName, string message) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowFormat(string message) =>
        throw new FormatException(message);
}
