using System.Management.Automation;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>
/// Base of every NetnsPS cmdlet: maps core exceptions to ErrorRecords in one place (ErrorId = the core's
/// stable error code, category from errno, target = the name or object that failed), resolves namespace
/// names with wildcards, and checks privileges with one clear message.
/// </summary>
public abstract partial class NetnsCmdlet : PSCmdlet
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
        Errno.ENOSPC or Errno.ENOMEM or Errno.ENOBUFS or Errno.EMFILE or Errno.ENFILE => ErrorCategory.LimitsExceeded,
        Errno.EROFS => ErrorCategory.WriteError,          // read-only /run: root cannot help, the file system must change
        Errno.ENETDOWN => ErrorCategory.InvalidOperation, // the adapter is down: bring it up first
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>The ErrorRecord for a core exception (also used by the module's script functions).</summary>
    public static ErrorRecord ToErrorRecord(NetnsException ex, object? target = null)
    {
        var record = new ErrorRecord(ex, ex.ErrorCode, CategoryOf(ex.Errno), target ?? ex.Target);
        // Root is the advice for EPERM/EACCES only when the process is not root already (as root it would be wrong:
        // a file without execute permission, a read-only mount...); an error that knows better says so itself.
        var advice = ex.Recommendation;
        if (advice is null && ex.Errno is Errno.EPERM or Errno.EACCES && !Environment.IsPrivilegedProcess)
            advice = "Run PowerShell as root (network namespaces need CAP_SYS_ADMIN; adapters need CAP_NET_ADMIN).";
        if (advice is not null) record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = advice };
        return record;
    }

    /// <summary>A case-insensitive wildcard pattern checked now: an invalid one ('eth[0') is InvalidWildcardPattern, not a RuntimeException on first use.</summary>
    public static WildcardPattern CheckedPattern(string pattern)
    {
        var p = new WildcardPattern(pattern, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        try { p.IsMatch(string.Empty); }
        catch (WildcardPatternException ex)
        {
            throw new NetnsException(ErrorIds.InvalidWildcardPattern, Errno.EINVAL, $"Invalid wildcard pattern '{pattern}': {ex.Message}", pattern, ex);
        }
        return p;
    }

    protected void WriteNetnsError(NetnsException ex, object? target = null) => WriteError(ToErrorRecord(ex, target));

    protected void ThrowNetnsError(NetnsException ex, object? target = null) => ThrowTerminatingError(ToErrorRecord(ex, target));

    /// <summary>Terminates with InsufficientPrivilege when the process lacks <paramref name="capability"/>.</summary>
    private void RequireCapability(Capability capability, string what)
    {
        try { Capabilities.Require(capability, what); }
        catch (NetnsException ex) { ThrowNetnsError(ex); }
    }

    /// <summary>
    /// Waits of at most 100 ms each, so that Ctrl+C (<paramref name="stopped"/>) acts within that, until
    /// <paramref name="seconds"/> have passed (never, when null): the last one is cut to what is left.
    /// </summary>
    protected static IEnumerable<int> TimeSlices(double? seconds, Func<bool> stopped)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!stopped())
        {
            int slice = 100;
            if (seconds is double s)
            {
                double left = s * 1000 - sw.Elapsed.TotalMilliseconds;
                if (left <= 0) yield break;
                slice = (int)Math.Min(slice, Math.Ceiling(left));
            }
            yield return slice;
        }
    }

    protected void RequireSysAdmin(string what) => RequireCapability(Capability.SysAdmin, what);

    protected void RequireNetAdmin(string what) => RequireCapability(Capability.NetAdmin, what);

    protected void RequireNetRaw(string what) => RequireCapability(Capability.NetRaw, what);

    /// <summary>One input name resolved: the entries it names (none for a pattern that matches nothing, or for an entry an
    /// earlier name already gave), or the error for it, with the error's target.</summary>
    protected readonly record struct ResolvedName(string Input, List<NamespaceEntry> Entries, NetnsException? Error, object? Target);

    /// <summary>
    /// Resolves names against /run/netns, one result per name in input order, so that a caller can write each name's
    /// objects and errors in that order (an error for the second name comes after the output of the first). A name with
    /// wildcard characters matches case-insensitively and may match nothing; a literal name must exist exactly
    /// (namespace names are case-sensitive), else its result carries NamespaceNotFound. With <paramref name="literal"/>
    /// (-LiteralName) no character is a wildcard and nothing is unescaped. Entries are distinct over all names (pass
    /// <paramref name="seen"/> to share that across calls) and in name order per pattern. No names: every entry.
    /// </summary>
    protected static IEnumerable<ResolvedName> ResolveEach(IReadOnlyCollection<string>? names, bool literal = false, HashSet<string>? seen = null)
    {
        if (names is null || names.Count == 0)
        {
            yield return new ResolvedName(string.Empty, NamespaceStore.List(), null, null);
            yield break;
        }
        // Literal names cost one stat each; only wildcards read the whole directory.
        List<NamespaceEntry>? all = null;
        seen ??= new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names) yield return ResolveOne(name, literal, ref all, seen);
    }

    private static ResolvedName ResolveOne(string name, bool literal, ref List<NamespaceEntry>? all, HashSet<string> seen)
    {
        var entries = new List<NamespaceEntry>();
        if (!literal && !NamespaceStore.IsPath(name) && WildcardPattern.ContainsWildcardCharacters(name))
        {
            WildcardPattern pattern;
            try { pattern = CheckedPattern(name); }
            catch (NetnsException ex) { return new ResolvedName(name, entries, ex, name); }
            all ??= NamespaceStore.List();
            foreach (var e in all)
                if (pattern.IsMatch(e.Name) && seen.Add(e.Name)) entries.Add(e);
            return new ResolvedName(name, entries, null, name);
        }
        // A literal may carry escaped wildcard characters (`[ `] `* `?): they stand for themselves.
        var exact = literal ? name : WildcardPattern.Unescape(name);
        try
        {
            if (NamespaceStore.IsPath(exact))
            {
                var p = NamespaceStore.OpenPath(exact);
                if (seen.Add(exact)) entries.Add(p);
                return new ResolvedName(name, entries, null, exact);
            }
            var found = NamespaceStore.Find(exact);
            if (found is null)
                return new ResolvedName(name, entries, new NetnsException(ErrorIds.NamespaceNotFound, Errno.ENOENT,
                    $"No network namespace named '{exact}' ({NamespaceStore.PathOf(exact)} does not exist).", exact), exact);
            if (seen.Add(exact)) entries.Add(found.Value);
            return new ResolvedName(name, entries, null, exact);
        }
        catch (NetnsException ex) { return new ResolvedName(name, entries, ex, exact); }
    }

    /// <summary>
    /// The entries <paramref name="names"/> resolve to, in input order, for a caller that acts on each as it comes: the
    /// error for an unknown name is written when its turn comes, after the output of the names before it (so with
    /// -ErrorAction Stop the earlier names have been done). <paramref name="resolved"/>: names already resolved.
    /// </summary>
    protected IEnumerable<NamespaceEntry> InInputOrder(IReadOnlyCollection<string>? names, IEnumerable<ResolvedName>? resolved = null)
    {
        foreach (var r in resolved ?? ResolveEach(names))
        {
            foreach (var e in r.Entries) yield return e;
            if (r.Error is not null) WriteNetnsError(r.Error, r.Target);
        }
    }

    /// <summary>
    /// The one namespace <paramref name="name"/> names (a name, a path, or a pattern that matches one): null after a
    /// non-terminating error when it names none (NamespaceNotFound) or a stale entry (NamespaceStale); a pattern that
    /// matches several is a terminating AmbiguousNamespace.
    /// </summary>
    protected NamespaceEntry? ResolveOneNamespace(string name)
    {
        var found = ResolveNamespaces(new[] { name });
        if (found.Count == 0) return null; // the error is written
        if (found.Count > 1)
            ThrowNetnsError(new NetnsException(ErrorIds.AmbiguousNamespace, Errno.EINVAL, $"'{name}' matches {found.Count} namespaces; name one.", name));
        if (!found[0].IsStale) return found[0];
        WriteNetnsError(found[0].StaleError());
        return null;
    }

    /// <summary>
    /// All entries <paramref name="names"/> resolve to (see <see cref="ResolveEach"/>), with a non-terminating error
    /// written for each name that fails. The errors come before any output: callers that write per name use ResolveEach.
    /// </summary>
    protected List<NamespaceEntry> ResolveNamespaces(IReadOnlyCollection<string>? names, bool literal = false)
    {
        var result = new List<NamespaceEntry>();
        foreach (var r in ResolveEach(names, literal))
        {
            if (r.Error is not null) WriteNetnsError(r.Error, r.Target);
            result.AddRange(r.Entries);
        }
        return result;
    }
}
