using System.Text.Json.Nodes;

namespace Runnel.Server.Operations;

/// <summary>One event of an event-stream answer: its <c>:event-type</c> and its payload structure.</summary>
/// <param name="EventType">The union member name, e.g. <c>SubscribeToShardEvent</c>.</param>
/// <param name="Payload">The event structure, encoded like a response body (blobs as <c>byte[]</c>, timestamps as
/// <see cref="DateTimeOffset"/>, null members omitted).</param>
public sealed record StreamingEvent(string EventType, JsonObject Payload);
