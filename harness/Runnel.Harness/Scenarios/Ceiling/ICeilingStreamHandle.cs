namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>One stream of a point. <see cref="PutAsync"/> may be called by many producers at once; disposing deletes the stream.</summary>
public interface ICeilingStreamHandle : IAsyncDisposable
{
    /// <summary>
    /// Sends batch <paramref name="batch"/> (one PutRecords call, <see cref="CeilingWorkload.BatchRecords"/> records) and
    /// notes every record's acknowledgement or refusal in <paramref name="ledger"/>. Returns null, or what went wrong
    /// with the call as a whole (its records are then counted as failed). Never throws for a failed call.
    /// </summary>
    Task<string?> PutAsync(int batch, CeilingLedger ledger, CancellationToken cancellationToken);

    /// <summary>Reads every shard from its trim horizon to its tip and counts the records stored.</summary>
    Task<long> CountStoredAsync(CancellationToken cancellationToken);
}
