using System.Management.Automation;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>
/// Base of cmdlets that work inside namespaces: one handle and one netlink socket per namespace for the whole
/// invocation, closed deterministically at the end (EndProcessing, Ctrl+C or error).
/// </summary>
public abstract class NetnsSessionCmdlet : NetnsCmdlet, IDisposable
{
    private NamespaceSessions? _sessions;

    protected NamespaceSessions Sessions => _sessions ??= new NamespaceSessions();

    /// <summary>One namespace by name ("" or null: the host); escaped wildcard characters stand for themselves.</summary>
    protected NamespaceContext GetContext(string? name) => Sessions.Get(name is null ? null : WildcardPattern.Unescape(name));

    /// <summary>
    /// "" or null → host; literal names must exist (NamespaceNotFound otherwise, non-terminating); wildcards allowed when
    /// <paramref name="wildcards"/>. Lazy and in input order: each name's error is written when the enumeration reaches
    /// it, after the caller has handled the namespaces of the names before it.
    /// </summary>
    protected IEnumerable<NamespaceContext> ResolveContexts(IReadOnlyCollection<string>? names, bool defaultToHost = true, bool wildcards = true)
    {
        if (names is null || names.Count == 0)
        {
            if (defaultToHost) yield return Sessions.Get("");
            yield break;
        }
        bool hostDone = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in names)
        {
            if (string.IsNullOrEmpty(n))
            {
                if (!hostDone) { hostDone = true; yield return Sessions.Get(""); }
                continue;
            }
            if (!wildcards && !NamespaceStore.IsPath(n) && WildcardPattern.ContainsWildcardCharacters(n))
            {
                WriteNetnsError(new NetnsException(ErrorIds.InvalidNamespaceName, Errno.EINVAL, $"Wildcards are not accepted here: '{n}'.", n));
                continue;
            }
            foreach (var r in ResolveEach(new[] { n }, seen: seen))
            {
                if (r.Error is not null) WriteNetnsError(r.Error, r.Target);
                foreach (var e in r.Entries)
                {
                    if (e.IsStale)
                    {
                        WriteNetnsError(e.StaleError());
                        continue;
                    }
                    NamespaceContext? ctx = null;
                    try { ctx = Sessions.Get(e.Name); }
                    catch (NetnsException ex) { WriteNetnsError(ex, e.Name); }
                    if (ctx is not null) yield return ctx;
                }
            }
        }
    }

    /// <summary>One namespace (no wildcards): terminating NamespaceNotFound when missing.</summary>
    protected NamespaceContext ResolveSingle(string? name)
    {
        try { return GetContext(name); }
        catch (NetnsException ex) { ThrowNetnsError(ex, name); throw; }
    }

    /// <summary>
    /// Links of <paramref name="ctx"/> named by <paramref name="names"/>: wildcards expand (case-insensitive), a literal name
    /// (escaped wildcard characters stand for themselves) must exist, else a non-terminating AdapterNotFound. With
    /// <paramref name="literal"/> (-LiteralName, piped objects) no character is a wildcard and nothing is unescaped.
    /// </summary>
    protected List<Core.Netlink.Rtnl.LinkInfo> ResolveLinks(NamespaceContext ctx, IEnumerable<string> names, bool literal = false)
    {
        var result = new List<Core.Netlink.Rtnl.LinkInfo>();
        List<Core.Netlink.Rtnl.LinkInfo>? all = null;
        foreach (var n in names)
        {
            try
            {
                if (!literal && WildcardPattern.ContainsWildcardCharacters(n))
                {
                    var f = NameFilter(new[] { n })!;
                    all ??= AdapterService.AllLinks(ctx);
                    result.AddRange(all.Where(l => f(l.Name) && !result.Any(r => r.Index == l.Index)));
                }
                else
                {
                    var link = AdapterService.Require(ctx, literal ? n : WildcardPattern.Unescape(n));
                    if (!result.Any(r => r.Index == link.Index)) result.Add(link);
                }
            }
            catch (NetnsException ex) { WriteNetnsError(ex, n); }
        }
        return result;
    }

    /// <summary>
    /// Case-insensitive wildcard filter, or exact (ordinal) match for literal names (escaped wildcard characters stand for
    /// themselves); an invalid pattern is InvalidWildcardPattern. With <paramref name="literal"/> every name is exact.
    /// </summary>
    protected static Func<string, bool>? NameFilter(IReadOnlyCollection<string>? names, bool literal = false)
    {
        if (names is null || names.Count == 0) return null;
        bool IsPattern(string n) => !literal && WildcardPattern.ContainsWildcardCharacters(n);
        var patterns = names.Where(IsPattern).Select(CheckedPattern).ToArray();
        var literals = names.Where(n => !IsPattern(n)).Select(n => literal ? n : WildcardPattern.Unescape(n)).ToHashSet(StringComparer.Ordinal);
        return s => literals.Contains(s) || patterns.Any(p => p.IsMatch(s));
    }

    protected override void EndProcessingLocal() => Dispose();

    public void Dispose()
    {
        _sessions?.Dispose();
        _sessions = null;
    }
}

/// <summary>
/// Base of the Get- cmdlets that read several namespaces: -Namespace takes names (wildcards), NetNamespace objects
/// or '' for the host (the default), from the pipeline too; each namespace is queried in turn and a failure in one
/// is a non-terminating error that does not stop the others.
/// </summary>
public abstract class NamespaceQueryCmdlet : NetnsSessionCmdlet
{
    [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs", "ns")]
    [NamespaceTransformation]
    [SupportsWildcards]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    public string[] Namespace { get; set; } = Array.Empty<string>();

    /// <summary>The namespaces to read: -Namespace, plus what a cmdlet adds (e.g. -HostNamespace).</summary>
    protected virtual IReadOnlyCollection<string> NamespaceNames => Namespace;

    /// <summary>Reads one namespace and writes its objects.</summary>
    protected abstract void Query(NamespaceContext ctx);

    protected override void ProcessRecordLocal()
    {
        foreach (var ctx in ResolveContexts(NamespaceNames))
        {
            try { Query(ctx); }
            catch (NetnsException ex) { WriteNetnsError(ex, ctx.DisplayName); }
        }
    }
}

/// <summary>
/// Base of the Get- cmdlets that list IP entries (addresses, neighbours, routes): -InterfaceAlias (wildcards) and
/// -AddressFamily (IPv4, IPv6, or both when omitted).
/// </summary>
public abstract class IPQueryCmdlet : NamespaceQueryCmdlet
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] InterfaceAlias { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateSet("IPv4", "IPv6", IgnoreCase = true)]
    public string? AddressFamily { get; set; }

    /// <summary>-AddressFamily as the services take it (Any when omitted).</summary>
    protected NetAddressFamily Family => IpPrefix.ParseFamily(AddressFamily);
}

/// <summary>
/// Base of the Get- cmdlets that list per-adapter IP entries (addresses, neighbours): -IPAddress (wildcards) too, with
/// one filter over both names.
/// </summary>
public abstract class InterfaceAddressQueryCmdlet : IPQueryCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] IPAddress { get; set; } = Array.Empty<string>();

    /// <summary>True for an entry on an adapter and with an address that -InterfaceAlias and -IPAddress select.</summary>
    protected Func<string, string, bool> EntryFilter()
    {
        var ifFilter = NameFilter(InterfaceAlias);
        var ipFilter = NameFilter(IPAddress);
        return (ifName, ip) => (ifFilter is null || ifFilter(ifName)) && (ipFilter is null || ipFilter(ip));
    }
}

/// <summary>Base of cmdlets that change one namespace: -Namespace is a name, a NetNamespace object, or '' / omitted for the host.</summary>
public abstract class NamespaceTargetCmdlet : NetnsSessionCmdlet
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs", "ns")]
    [NamespaceTransformation]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    public string? Namespace { get; set; }
}
