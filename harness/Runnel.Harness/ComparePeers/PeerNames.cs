namespace Runnel.Harness.ComparePeers;

/// <summary>The targets <c>compare-peers</c> knows, as they appear in <c>--targets</c>, the table and the JSON.</summary>
public static class PeerNames
{
    /// <summary>Runnel itself (<c>runnel serve --limits off</c> from the Release build).</summary>
    public const string Runnel = "runnel";

    /// <summary>kinesalite 3.3.3 (npm), the Node.js emulator on LevelDB/memdown.</summary>
    public const string Kinesalite = "kinesalite";

    /// <summary>kinesis-mock 0.6.2, its npm build <c>kinesis-local</c> (Scala.js on Node.js).</summary>
    public const string KinesisMock = "kinesis-mock";

    /// <summary>Every target, in run order.</summary>
    public static IReadOnlyList<string> All { get; } = [Runnel, Kinesalite, KinesisMock];
}
