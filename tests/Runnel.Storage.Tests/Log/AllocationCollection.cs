namespace Runnel.Storage.Tests.Log;

/// <summary>Tests that measure process-wide allocations run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;
