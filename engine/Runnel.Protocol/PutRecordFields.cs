namespace Runnel.Protocol;

/// <summary>
/// One record's members as a PutRecords or PutRecord request carries them, whichever way the body was read
/// (<see cref="RequestBody"/> or <see cref="Json.PutRecordsJsonReader"/>): absent members are null, and what is
/// required is checked afterwards, in one place, by the operation.
/// </summary>
public readonly record struct PutRecordFields(ReadOnlyMemory<byte>? Data, string? PartitionKey, string? ExplicitHashKey);
