namespace Runnel.Streams.Encryption;

/// <summary>What <see cref="KeyService"/> tells about a master key (never its material).</summary>
/// <param name="KeyId">The GUID.</param>
/// <param name="Arn">arn:aws:kms:REGION:ACCOUNT:key/ID.</param>
/// <param name="Aliases">The aliases naming the key (alias/NAME), in order.</param>
/// <param name="Description">The description given at creation.</param>
/// <param name="KeyState">Enabled or Disabled.</param>
/// <param name="KeyManager">CUSTOMER, or AWS for alias/aws/kinesis.</param>
/// <param name="CreationDate">When the key was created.</param>
/// <param name="CurrentVersion">The version new data keys are wrapped with (1 + the number of rotations).</param>
/// <param name="LastRotationDate">When the newest version was made (the creation date if never rotated).</param>
public sealed record KeyDescription(
    string KeyId,
    string Arn,
    IReadOnlyList<string> Aliases,
    string Description,
    string KeyState,
    string KeyManager,
    DateTimeOffset CreationDate,
    int CurrentVersion,
    DateTimeOffset LastRotationDate);
