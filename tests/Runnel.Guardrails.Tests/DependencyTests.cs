using System.Reflection;
using Runnel.Model;
using Runnel.Protocol;
using Runnel.Security;
using Runnel.Server;
using Runnel.Storage.IoUring;
using Runnel.Storage.Log;
using Runnel.Streams;

namespace Runnel.Guardrails.Tests;

/// <summary>
/// Dependencies point down the layer list (STYLE.md section 2): each engine assembly may reference only the
/// assemblies on its allow-list. A new reference is a design decision: add it here on purpose, never by accident.
/// </summary>
public class DependencyTests
{
    private static readonly string[] s_framework = ["System.Runtime", "System.Runtime.InteropServices", "System.Memory",
        "System.Collections", "System.Security.Cryptography", "System.Threading", "System.Runtime.Intrinsics",
        "System.Numerics.Vectors", "System.Text.Encoding.Extensions", "System.Linq", "Microsoft.Win32.Primitives",
        "System.Threading.ThreadPool", "System.Buffers", "System.Console", "System.Diagnostics.Debug", "System.Threading.Thread",
        "System.Runtime.Numerics"];

    public static TheoryData<string, string[]> AllowLists => new()
    {
        { typeof(HashKey).Assembly.GetName().Name!, [] },
        { typeof(ShardLog).Assembly.GetName().Name!, ["Runnel.Model"] },
        { typeof(IoUringDevice).Assembly.GetName().Name!, ["Runnel.Storage"] },
        // Streams keeps its catalog as JSON (source-generated) and signs tokens with HMAC; it never sees HTTP. Its metrics
        // are System.Diagnostics.Metrics instruments (DiagnosticSource).
        { typeof(StreamEngine).Assembly.GetName().Name!, ["Runnel.Model", "Runnel.Storage", "System.Text.Json", "System.Text.RegularExpressions", "System.Collections.Concurrent", "System.Text.Encodings.Web", "System.Diagnostics.DiagnosticSource"] },
        // Security: no Runnel dependency, no HTTP or storage. JSON for credentials, policies and the audit record; regular
        // expressions, IP addresses and a concurrent cache for policy evaluation; channels for the audit queue.
        { typeof(SecurityAssembly).Assembly.GetName().Name!, ["System.Text.Json", "System.Threading.Channels", "System.Text.Encodings.Web", "System.Memory",
            "System.Collections.Immutable", "System.Text.RegularExpressions", "System.Net.Primitives", "System.Collections.Concurrent", "System.Linq"] },
    };

    [Theory]
    [MemberData(nameof(AllowLists))]
    public void Assembly_References_OnlyItsAllowList(string assembly, string[] allowed)
    {
        Assembly loaded = Assembly.Load(assembly);
        string[] unexpected = loaded.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => !allowed.Contains(name) && !s_framework.Contains(name))
            .ToArray();
        Assert.True(unexpected.Length == 0, $"{assembly} references {string.Join(", ", unexpected)}, which its allow-list does not name.");
    }

    [Fact]
    public void Protocol_NeverReferences_StorageOrStreams()
    {
        string[] names = typeof(WireCodec).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(names, n => n.StartsWith("Runnel.Storage", StringComparison.Ordinal)
            || n.StartsWith("Runnel.Streams", StringComparison.Ordinal) || n.StartsWith("Runnel.Server", StringComparison.Ordinal));
    }

    [Fact]
    public void Server_References_OnlyEngineLayersBelowIt()
    {
        string[] names = typeof(RunnelServer).Assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n.StartsWith("Runnel.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["Runnel.Model", "Runnel.Protocol", "Runnel.Security", "Runnel.Streams"], names.Where(n => n != "Runnel.Storage"));
    }

    [Fact]
    public void Streams_NeverReferences_HttpOrProtocol()
    {
        string[] names = typeof(StreamEngine).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(names, n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || n.StartsWith("System.Net", StringComparison.Ordinal) || n.StartsWith("Runnel.Protocol", StringComparison.Ordinal)
            || n.StartsWith("Runnel.Server", StringComparison.Ordinal));
    }

    [Fact]
    public void Storage_NeverReferences_HttpJsonOrProtocol()
    {
        string[] names = typeof(ShardLog).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(names, n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || n == "System.Text.Json" || n.StartsWith("Runnel.Protocol", StringComparison.Ordinal)
            || n.StartsWith("Runnel.Streams", StringComparison.Ordinal));
    }
}
