namespace Runnel.Protocol.EventStream;

/// <summary>
/// One header of an event-stream message. Runnel writes only string headers (value type 7), which is all
/// SubscribeToShard needs; the decoder renders the other value types as text (see <see cref="EventStreamDecoder"/>).
/// </summary>
/// <param name="Name">The header name, 1 to 255 UTF-8 bytes, e.g. <c>:event-type</c>.</param>
/// <param name="Value">The header value, at most 32767 UTF-8 bytes.</param>
public readonly record struct EventStreamHeader(string Name, string Value);
