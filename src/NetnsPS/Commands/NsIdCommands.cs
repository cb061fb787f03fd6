using System.Management.Automation;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink.Rtnl;
using NetnsPS.Core.Threading;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceId: ip netns list-id (the nsid table of a namespace), or the ids of given namespaces.</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceId")]
[OutputType(typeof(NetNamespaceId))]
public sealed class GetNetNamespaceIdCommand : NamespaceQueryCmdlet
{
    /// <summary>Only the ids of these namespaces (names, paths, NetNamespace objects; '' for the host); a target without an id gives Id $null.</summary>
    [Parameter(Position = 0)]
    [NamespaceTransformation]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    [ValidateNotNull]
    public string[] TargetNamespace { get; set; } = Array.Empty<string>();

    protected override void Query(NamespaceContext from)
    {
        if (TargetNamespace.Length > 0)
        {
            foreach (var t in ResolveContexts(TargetNamespace, defaultToHost: false))
            {
                int? id = NsIds.Get(from.Socket, t.Handle);
                WriteObject(new NetNamespaceId { SeenFrom = from.Name, Id = id, Namespace = t.Name, Inode = t.Identity.Inode });
            }
            return;
        }
        var table = NsIds.Dump(from.Socket, target: from.DisplayName);
        var found = new Dictionary<int, NamespaceContext>();
        if (table.Count > 0)
        {
            // Who has which id: ask about the host and the named namespaces, then the unnamed ones, until all are known.
            var asked = new HashSet<NamespaceIdentity>();
            foreach (var unnamed in new[] { false, true })
            {
                if (found.Count == table.Count) break;
                foreach (var c in Sessions.AllKnown(unnamed))
                {
                    if (!asked.Add(c.Identity)) continue;
                    int? id;
                    try { id = NsIds.Get(from.Socket, c.Handle); }
                    catch (NetnsException ex) when (!c.IsHost && ex.ErrorCode is "NamespaceNotFound" or "NamespaceOpenFailed" or "NamespaceStale") { continue; } // gone meanwhile
                    if (id is int i) found.TryAdd(i, c);
                    if (found.Count == table.Count) break;
                }
            }
        }
        foreach (var e in table)
        {
            found.TryGetValue(e.Nsid, out var c);
            WriteObject(new NetNamespaceId { SeenFrom = from.Name, Id = e.Nsid, Namespace = c?.Name, Inode = c?.Identity.Inode });
        }
    }
}

/// <summary>Set-NetNamespaceId: ip netns set NAME ID|auto (RTM_NEWNSID).</summary>
[Cmdlet(VerbsCommon.Set, "NetNamespaceId", SupportsShouldProcess = true, DefaultParameterSetName = IdSet)]
[OutputType(typeof(NetNamespaceId))]
public sealed class SetNetNamespaceIdCommand : NamespaceTargetCmdlet
{
    private const string IdSet = "Id";
    private const string AutoSet = "Auto";

    /// <summary>The namespace to give an id (a name, an nsfs path, a NetNamespace object; '' for the host).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [NamespaceTransformation]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = IdSet)]
    [ValidateRange(0, int.MaxValue)]
    public int Id { get; set; }

    /// <summary>Let the kernel choose the lowest free id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AutoSet)]
    public SwitchParameter Auto { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => RequireCapability(Privileges.CAP_NET_ADMIN, "CAP_NET_ADMIN", "Setting a namespace id");

    protected override void ProcessRecord()
    {
        NamespaceContext from, target;
        try
        {
            from = GetContext(Namespace);
            target = GetContext(Name);
        }
        catch (NetnsException ex) { WriteNetnsError(ex, Name); return; }
        string what = Auto ? "auto" : Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!ShouldProcess($"{target.Description}, in the ids of {from.Description}", $"Set namespace id {what}")) return;
        try
        {
            int id = NsIds.Assign(from.Socket, target.Handle, Auto ? null : Id, $"'{target.DisplayName}'", from.Description, out bool changed);
            if (!changed) WriteVerbose($"'{target.DisplayName}' already has id {id} in {from.Description}.");
            if (PassThru) WriteObject(new NetNamespaceId { SeenFrom = from.Name, Id = id, Namespace = target.Name, Inode = target.Identity.Inode });
        }
        catch (NetnsException ex) { WriteNetnsError(ex, Name); }
    }

}
