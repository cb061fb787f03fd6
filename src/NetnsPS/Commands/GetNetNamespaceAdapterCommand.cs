using System.Management.Automation;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceAdapter: ip -n NS link / ip link, with addresses and veth peers; -All: every namespace, named or not.</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceAdapter")]
[OutputType(typeof(NetNamespaceAdapter))]
public sealed class GetNetNamespaceAdapterCommand : NamespaceQueryCmdlet
{
    [Parameter(Position = 0)]
    [Alias("InterfaceAlias", "ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Include the caller's own (host) namespace together with -Namespace.</summary>
    [Parameter]
    public SwitchParameter HostNamespace { get; set; }

    /// <summary>Every namespace, named or not, and the host (-Namespace is then not accepted).</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    private readonly HashSet<string> _found = new(StringComparer.Ordinal);
    private bool _allDone;

    protected override void ProcessRecord()
    {
        if (!All) { base.ProcessRecord(); return; }
        if (Namespace.Length > 0)
            ThrowNetnsError(new NetnsException("AllWithNamespace", Errno.EINVAL, "-All reads every namespace: do not give -Namespace (or pipe namespaces) with it.", Namespace[0]));
        if (_allDone) return;
        _allDone = true;
        List<NamespaceContext> all;
        try { all = Sessions.Everything(); }
        catch (NetnsException ex) { ThrowNetnsError(ex); return; }
        foreach (var ctx in all)
        {
            try { Query(ctx); }
            catch (NetnsException ex) when (NamespaceStore.IsPath(ctx.Name) && ex.ErrorCode is "NamespaceNotFound" or "NamespaceOpenFailed") { }
            catch (NetnsException ex) { WriteNetnsError(ex, ctx.DisplayName); }
        }
    }

    protected override IReadOnlyCollection<string> NamespaceNames
        => HostNamespace ? Namespace.Append(string.Empty).ToArray() : Namespace;

    protected override void Query(NamespaceContext ctx)
    {
        foreach (var a in AdapterService.List(Sessions, ctx, NameFilter(Name)))
        {
            _found.Add(a.Name);
            WriteObject(a);
        }
    }

    /// <summary>A literal -Name found in none of the namespaces read (from every pipeline input) is an error.</summary>
    protected override void EndProcessing()
    {
        foreach (var n in Name)
            if (!WildcardPattern.ContainsWildcardCharacters(n) && _found.Add(n))
                WriteNetnsError(new NetnsException("AdapterNotFound", Errno.ENODEV, $"No adapter named '{n}' in the namespaces searched.", n));
        base.EndProcessing();
    }
}
