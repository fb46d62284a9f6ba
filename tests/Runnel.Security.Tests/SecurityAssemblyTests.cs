using System.Reflection;

namespace Runnel.Security.Tests;

public class SecurityAssemblyTests
{
    [Fact]
    public void SecurityAssembly_Name_MatchesTheLoadedAssembly()
    {
        Assert.Equal(SecurityAssembly.Name, typeof(SecurityAssembly).Assembly.GetName().Name);
        Assert.DoesNotContain(typeof(SecurityAssembly).Assembly.GetReferencedAssemblies(),
            (AssemblyName a) => a.Name!.StartsWith("Runnel.", StringComparison.Ordinal));
    }
}
