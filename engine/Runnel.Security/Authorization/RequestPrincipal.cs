namespace Runnel.Security.Authorization;

/// <summary>
/// The caller as policies see it, from its ARN: <c>arn:aws:iam::123456789012:user/alice</c>, <c>...:root</c>,
/// <c>...:role/r</c>, or an assumed-role session <c>arn:aws:sts::123456789012:assumed-role/r/session</c> (whose
/// <see cref="PrincipalArn"/> is the role's ARN, as <c>aws:PrincipalArn</c> reports it).
/// </summary>
public sealed record RequestPrincipal
{
    /// <summary>The principal of <paramref name="arn"/>; an ARN that cannot be read gives an empty account.</summary>
    public RequestPrincipal(string arn)
    {
        ArgumentNullException.ThrowIfNull(arn);
        Arn = arn;
        string[] parts = arn.Split(':', 6);
        bool wellFormed = parts.Length == 6 && parts[0] == "arn";
        Partition = wellFormed ? parts[1] : "aws";
        AccountId = wellFormed ? parts[4] : "";
        string resource = wellFormed ? parts[5] : "";
        string service = wellFormed ? parts[2] : "";
        IsRoot = service == "iam" && resource == "root";
        PrincipalArn = arn;
        if (service == "sts" && resource.StartsWith("assumed-role/", StringComparison.Ordinal))
        {
            string[] role = resource.Split('/');
            if (role.Length >= 3)
            {
                PrincipalArn = $"arn:{Partition}:iam::{AccountId}:role/{role[1]}";
            }
        }
        if (service == "iam" && resource.StartsWith("user/", StringComparison.Ordinal))
        {
            UserName = resource[(resource.LastIndexOf('/') + 1)..];
        }
    }

    /// <summary>The ARN the caller authenticated as.</summary>
    public string Arn { get; }

    /// <summary>The ARN's partition (<c>aws</c>).</summary>
    public string Partition { get; }

    /// <summary>The 12-digit account of the ARN.</summary>
    public string AccountId { get; }

    /// <summary>The ARN policies name the caller by: the role's ARN for a role session, else <see cref="Arn"/>.</summary>
    public string PrincipalArn { get; }

    /// <summary>True for the account's root user.</summary>
    public bool IsRoot { get; }

    /// <summary>The IAM user name (<c>aws:username</c>), for IAM users only.</summary>
    public string? UserName { get; }

    /// <summary>An account's root ARN: <c>arn:aws:iam::123456789012:root</c>.</summary>
    public static string RootArn(string partition, string accountId) => $"arn:{partition}:iam::{accountId}:root";

    /// <summary>Adds the principal's global condition keys: <c>aws:PrincipalArn</c>, <c>aws:PrincipalAccount</c>,
    /// <c>aws:username</c> (IAM users) and <c>aws:userid</c> (the root user's is its account id; other principals'
    /// unique ids are not known to Runnel, so the key is absent for them).</summary>
    public void AddConditionKeys(ConditionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Set("aws:PrincipalArn", PrincipalArn);
        context.Set("aws:PrincipalAccount", AccountId);
        if (UserName is not null)
        {
            context.Set("aws:username", UserName);
        }
        if (IsRoot)
        {
            context.Set("aws:userid", AccountId);
        }
    }
}
