using System.Management.Automation;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceAdapter: ip -n NS link / ip link, with addresses and veth peers; -All: every namespace, named or not.</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceAdapter", DefaultParameterSetName = NameSet)]
[OutputType(typeof(NetNamespaceAdapter))]
public sealed class GetNetNamespaceAdapterCommand : NamespaceQueryCmdlet
{
    private const string NameSet = "Name";
    private const string LiteralNameSet = "LiteralName";

    [Parameter(Position = 0, ParameterSetName = NameSet)]
    [Alias("InterfaceAlias", "ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Adapter names taken exactly as typed: no character is a wildcard ('ab[1]' is the adapter ab[1]).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralNameSet)]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] LiteralName { get; set; } = Array.Empty<string>();

    private bool Literal => ParameterSetName == LiteralNameSet;

    private string[] Names => Literal ? LiteralName : Name;

    /// <summary>Include the caller's own (host) namespace together with -Namespace.</summary>
    [Parameter]
    public SwitchParameter HostNamespace { get; set; }

    /// <summary>Every namespace, named or not, and the host (-Namespace is then not accepted).</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    private readonly HashSet<string> _found = new(StringComparer.Ordinal);
    private bool _allDone;

    protected override void ProcessRecordLocal()
    {
        if (!All) { base.ProcessRecordLocal(); return; }
        if (Namespace.Length > 0)
            ThrowNetnsError(new NetnsException(ErrorIds.AllWithNamespace, Errno.EINVAL, "-All reads every namespace: do not give -Namespace (or pipe namespaces) with it.", Namespace[0]));
        if (_allDone) return;
        _allDone = true;
        List<NamespaceContext> all;
        try { all = Sessions.Everything(); }
        catch (NetnsException ex) { ThrowNetnsError(ex); return; }
        foreach (var ctx in all)
        {
            try { Query(ctx); }
            // listed, then gone before its turn (each namespace is opened only when its turn comes)
            catch (NetnsException ex) when (!ctx.IsHost && ex.ErrorCode is ErrorIds.NamespaceNotFound or ErrorIds.NamespaceOpenFailed or ErrorIds.NamespaceStale) { }
            catch (NetnsException ex) { WriteNetnsError(ex, ctx.DisplayName); }
        }
    }

    protected override IReadOnlyCollection<string> NamespaceNames
        => HostNamespace ? Namespace.Append(string.Empty).ToArray() : Namespace;

    protected override void Query(NamespaceContext ctx)
    {
        foreach (var a in AdapterService.List(Sessions, ctx, NameFilter(Names, Literal)))
        {
            _found.Add(a.Name);
            WriteObject(a);
        }
    }

    /// <summary>A literal -Name (or any -LiteralName) found in none of the namespaces read (from every pipeline input) is an error.</summary>
    protected override void EndProcessingLocal()
    {
        foreach (var n in Names)
        {
            if (!Literal && WildcardPattern.ContainsWildcardCharacters(n)) continue;
            var exact = Literal ? n : WildcardPattern.Unescape(n);
            if (_found.Add(exact))
                WriteNetnsError(new NetnsException(ErrorIds.AdapterNotFound, Errno.ENODEV, $"No adapter named '{exact}' in the namespaces searched.", exact));
        }
        base.EndProcessingLocal();
    }
}
