using System.Management.Automation;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>
/// Base of every NetnsPS cmdlet: maps core exceptions to ErrorRecords in one place (ErrorId = the core's
/// stable error code, category from errno, target = the name or object that failed), resolves namespace
/// names with wildcards, and checks privileges with one clear message.
/// </summary>
public abstract class NetnsCmdlet : PSCmdlet
{
    public static ErrorCategory CategoryOf(Errno errno) => errno switch
    {
        Errno.EEXIST => ErrorCategory.ResourceExists,
        Errno.ENOENT or Errno.ESRCH or Errno.ENODEV => ErrorCategory.ObjectNotFound,
        Errno.EPERM or Errno.EACCES => ErrorCategory.PermissionDenied,
        Errno.EBUSY => ErrorCategory.ResourceBusy,
        Errno.EINVAL or Errno.ERANGE or Errno.ENAMETOOLONG or Errno.ELOOP => ErrorCategory.InvalidArgument, // ELOOP: a bridge made its own port
        Errno.EOPNOTSUPP => ErrorCategory.NotImplemented,
        Errno.EINTR => ErrorCategory.OperationStopped,
        Errno.EADDRNOTAVAIL or Errno.ENETUNREACH or Errno.EHOSTUNREACH => ErrorCategory.InvalidArgument,
        Errno.ENOSPC or Errno.ENOMEM or Errno.ENOBUFS => ErrorCategory.LimitsExceeded,
        Errno.EROFS => ErrorCategory.WriteError,          // read-only /run: root cannot help, the file system must change
        Errno.ENETDOWN => ErrorCategory.InvalidOperation, // the adapter is down: bring it up first
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>The ErrorRecord for a core exception (also used by the module's script functions).</summary>
    public static ErrorRecord ToErrorRecord(NetnsException ex, object? target = null)
    {
        var record = new ErrorRecord(ex, ex.ErrorCode, CategoryOf(ex.Errno), target ?? ex.Target);
        if (ex.RecommendedAction is not null)
            record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.RecommendedAction };
        else if (ex.Errno is Errno.EPERM or Errno.EACCES)
            record.ErrorDetails = new ErrorDetails(ex.Message)
            {
                RecommendedAction = "Run PowerShell as root (network namespaces need CAP_SYS_ADMIN; adapters need CAP_NET_ADMIN).",
            };
        return record;
    }

    /// <summary>A case-insensitive wildcard pattern checked now: an invalid one ('eth[0') is InvalidWildcardPattern, not a RuntimeException on first use.</summary>
    public static WildcardPattern CheckedPattern(string pattern)
    {
        var p = new WildcardPattern(pattern, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        try { p.IsMatch(string.Empty); }
        catch (WildcardPatternException ex)
        {
            throw new NetnsException("InvalidWildcardPattern", Errno.EINVAL, $"Invalid wildcard pattern '{pattern}': {ex.Message}", pattern, ex);
        }
        return p;
    }

    protected void WriteNetnsError(NetnsException ex, object? target = null) => WriteError(ToErrorRecord(ex, target));

    protected void ThrowNetnsError(NetnsException ex, object? target = null) => ThrowTerminatingError(ToErrorRecord(ex, target));

    /// <summary>Terminates with InsufficientPrivilege when the process lacks <paramref name="capability"/>.</summary>
    protected void RequireCapability(int capability, string capabilityName, string what)
    {
        if (Privileges.Has(capability)) return;
        ThrowNetnsError(new NetnsException("InsufficientPrivilege", Errno.EPERM,
            $"{what} needs {capabilityName}: run PowerShell as root (for example with sudo).", capabilityName));
    }

    protected void RequireSysAdmin(string what) => RequireCapability(Privileges.CAP_SYS_ADMIN, "CAP_SYS_ADMIN", what);

    /// <summary>
    /// Resolves names against /run/netns. A name with wildcard characters matches case-insensitively and may match
    /// nothing; a literal name must exist exactly (namespace names are case-sensitive), else a non-terminating
    /// NamespaceNotFound error is written. Results are distinct and in name order per pattern.
    /// </summary>
    protected List<NamespaceEntry> ResolveNamespaces(IReadOnlyCollection<string>? names)
    {
        if (names is null || names.Count == 0) return NamespaceStore.List();
        // Literal names cost one stat each; only wildcards read the whole directory.
        List<NamespaceEntry>? all = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<NamespaceEntry>();
        foreach (var name in names)
        {
            if (!NamespaceStore.IsPath(name) && WildcardPattern.ContainsWildcardCharacters(name))
            {
                WildcardPattern pattern;
                try { pattern = CheckedPattern(name); }
                catch (NetnsException ex) { WriteNetnsError(ex, name); continue; }
                all ??= NamespaceStore.List();
                foreach (var e in all)
                    if (pattern.IsMatch(e.Name) && seen.Add(e.Name)) result.Add(e);
                continue;
            }
            // A literal may carry escaped wildcard characters (`[ `] `* `?): they stand for themselves.
            var literal = WildcardPattern.Unescape(name);
            if (NamespaceStore.IsPath(literal))
            {
                try { if (seen.Add(literal)) result.Add(NamespaceStore.OpenPath(literal)); }
                catch (NetnsException ex) { WriteNetnsError(ex, literal); }
                continue;
            }
            NamespaceEntry? found = null;
            try { found = NamespaceStore.Find(literal); }
            catch (NetnsException ex) { WriteNetnsError(ex, literal); continue; }
            if (found is null)
            {
                WriteNetnsError(new NetnsException("NamespaceNotFound", Errno.ENOENT,
                    $"No network namespace named '{literal}' ({NamespaceStore.PathOf(literal)} does not exist).", literal));
                continue;
            }
            if (seen.Add(literal)) result.Add(found.Value);
        }
        return result;
    }
}
