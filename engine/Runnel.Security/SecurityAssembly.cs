namespace Runnel.Security;

/// <summary>Marks the assembly (guardrail tests load it by this type).</summary>
public static class SecurityAssembly
{
    /// <summary>The assembly's name.</summary>
    public const string Name = "Runnel.Security";
}
