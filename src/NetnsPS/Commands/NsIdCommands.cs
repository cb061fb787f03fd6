using System.Management.Automation;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;

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
                WriteObject(NamespaceIdService.Get(from, t));
            return;
        }
        foreach (var id in NamespaceIdService.Table(Sessions, from)) WriteObject(id);
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

    protected override void BeginProcessingLocal() => RequireNetAdmin("Setting a namespace id");

    protected override void ProcessRecordLocal()
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
            var id = NamespaceIdService.Set(from, target, Auto ? null : Id, out bool changed);
            if (!changed) WriteVerbose($"'{target.DisplayName}' already has id {id.Id} in {from.Description}.");
            if (PassThru) WriteObject(id);
        }
        catch (NetnsException ex) { WriteNetnsError(ex, Name); }
    }

}
