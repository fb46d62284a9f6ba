using Runnel.Fuzz.Seeds;
using Runnel.Fuzz.Targets;
using Runnel.Protocol;
using SharpFuzz;

namespace Runnel.Fuzz;

/// <summary>
/// The fuzzing entry point (docs/reliability/fuzzing.md).
/// <list type="bullet">
/// <item><c>Runnel.Fuzz TARGET</c>: the AFL fork server for one target (run under afl-fuzz; fuzz/run.sh does it).
/// Without afl-fuzz it runs the target once on standard input.</item>
/// <item><c>Runnel.Fuzz replay TARGET PATH...</c>: runs files (or every file of directories) through the target's
/// contract and prints each outcome; exit code 1 when any input breaks it.</item>
/// <item><c>Runnel.Fuzz corpus FUZZ_DIR</c>: (re)writes the generated seed files under FUZZ_DIR/corpus.</item>
/// </list>
/// Targets: json, cbor, frame, iterator, eventstream, sigv4. A target breaks its contract by throwing: any
/// exception escaping it is a crash to AFL.
/// </summary>
internal static class Program
{
    private delegate void Target(ReadOnlySpan<byte> input);

    private static readonly Dictionary<string, Target> s_targets = new(StringComparer.Ordinal)
    {
        ["json"] = input => WireTarget.Run(input, WireFormat.Json),
        ["cbor"] = input => WireTarget.Run(input, WireFormat.Cbor),
        ["frame"] = FrameTarget.Run,
        ["iterator"] = IteratorTarget.Run,
        ["eventstream"] = EventStreamTarget.Run,
        ["sigv4"] = SigV4Target.Run,
    };

    private static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "corpus")
        {
            CorpusWriter.Write(args[1]);
            return 0;
        }
        if (args.Length >= 3 && args[0] == "replay" && s_targets.TryGetValue(args[1], out Target? replayed))
        {
            return Replay(args[1], replayed, args[2..]);
        }
        if (args.Length == 1 && s_targets.TryGetValue(args[0], out Target? target))
        {
            Fuzz(target);
            return 0;
        }
        Console.Error.WriteLine($"usage: Runnel.Fuzz TARGET | replay TARGET PATH... | corpus FUZZ_DIR   (targets: {string.Join(", ", s_targets.Keys)})");
        return 2;
    }

    /// <summary>
    /// The out-of-process fork server: a child process runs the inputs, so that a hang (killed by afl-fuzz's -t) or a
    /// stack overflow is recorded as one hang or crash and fuzzing goes on. RUNNEL_FUZZ_IN_PROCESS=1 runs in process
    /// (faster, but the first hang or stack overflow ends the run).
    /// </summary>
    private static void Fuzz(Target target)
    {
        var buffer = new MemoryStream();
        void Execute(Stream stream)
        {
            buffer.SetLength(0);
            stream.CopyTo(buffer);
            target(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
        if (Environment.GetEnvironmentVariable("RUNNEL_FUZZ_IN_PROCESS") == "1")
        {
            Fuzzer.Run(Execute);
        }
        else
        {
            Fuzzer.OutOfProcess.Run(Execute);
        }
    }

    private static int Replay(string name, Target target, string[] paths)
    {
        int broken = 0;
        int total = 0;
        foreach (string path in paths)
        {
            string[] files = Directory.Exists(path)
                ? [.. Directory.GetFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)]
                : [path];
            foreach (string file in files)
            {
                total++;
                byte[] input = File.ReadAllBytes(file);
                try
                {
                    target(input);
                    Console.WriteLine($"ok      {file}");
                }
#pragma warning disable CA1031 // any exception is the finding being reported
                catch (Exception e)
#pragma warning restore CA1031
                {
                    broken++;
                    Console.WriteLine($"BROKEN  {file}");
                    Console.WriteLine($"  target: {name}, {input.Length} bytes, base64: {Convert.ToBase64String(input)}");
                    Console.WriteLine($"  {e.GetType().FullName}: {e.Message}");
                    Console.WriteLine("  " + e.StackTrace?.Replace("\n", "\n  ", StringComparison.Ordinal));
                }
            }
        }
        Console.WriteLine($"replay {name}: {total - broken} kept the contract, {broken} broke it");
        return broken == 0 ? 0 : 1;
    }
}
