using System.Management.Automation;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Set-NetNamespaceAdapter: ip link set DEV up|down name N mtu M address MAC master BR|nomaster.</summary>
[Cmdlet(VerbsCommon.Set, "NetNamespaceAdapter", SupportsShouldProcess = true, DefaultParameterSetName = LiteralNameSet)]
[OutputType(typeof(NetNamespaceAdapter))]
public sealed class SetNetNamespaceAdapterCommand : AdapterNamesCmdlet
{
    [Parameter]
    [ValidateSet("Up", "Down", IgnoreCase = true)]
    public string? State { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewName { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)] // the device decides (lo: 65536 and more; veth: 68..65535)
    public int? Mtu { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MacAddress { get; set; }

    /// <summary>Make the adapter a port of this bridge (same namespace); not with -NoMaster.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Master { get; set; }

    /// <summary>Detach the adapter from its bridge (IFLA_MASTER 0); not with -Master.</summary>
    [Parameter]
    public SwitchParameter NoMaster { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessingLocal()
    {
        // -Master and -NoMaster exclude each other: checked here, not by parameter sets (those name -Name / -LiteralName).
        if (Master is not null && NoMaster)
            ThrowTerminatingError(new ErrorRecord(new ParameterBindingException("-Master and -NoMaster cannot be used together: give one of them."),
                ErrorIds.AmbiguousParameterSet, ErrorCategory.InvalidArgument, Master));
        RequireNetAdmin("Changing an adapter");
    }

    protected override void ProcessRecordLocal()
    {
        NamespaceContext ctx;
        byte[]? mac = null;
        int? masterIndex = NoMaster ? 0 : null;
        try
        {
            ctx = GetContext(Namespace);
            if (MacAddress is not null) mac = AdapterService.ParseMac(MacAddress);
            if (Master is not null) masterIndex = AdapterService.RequireMaster(ctx, Master).Index;
        }
        catch (NetnsException ex) { WriteNetnsError(ex, Namespace ?? MacAddress ?? Master); return; }

        var targets = ResolveLinks(ctx, Names, Literal);
        if (NewName is not null && targets.Count > 1)
        {
            WriteNetnsError(new NetnsException(ErrorIds.AmbiguousNewName, Errno.EINVAL, "-NewName needs exactly one adapter.", NewName));
            return;
        }
        bool? up = State is null ? null : State.Equals("Up", StringComparison.OrdinalIgnoreCase);
        foreach (var link in targets)
        {
            var changes = new List<string>();
            if (up is bool u) changes.Add(u ? "up" : "down");
            if (NewName is not null) changes.Add($"name {NewName}");
            if (Mtu is int m) changes.Add($"mtu {m}");
            if (mac is not null) changes.Add($"address {AdapterService.FormatMac(mac)}");
            if (Master is not null) changes.Add($"master {Master}");
            if (NoMaster) changes.Add("nomaster");
            if (changes.Count == 0 && !PassThru) { WriteVerbose($"Nothing to change on {link.Name}."); continue; }
            if (changes.Count > 0 && !ShouldProcess(ctx.Target(link.Name), "Set " + string.Join(", ", changes))) continue;
            try
            {
                if (changes.Count > 0) AdapterService.Set(ctx, link, up, NewName, Mtu, mac, masterIndex);
                if (PassThru) WriteObject(AdapterService.Describe(Sessions, ctx, AdapterService.Require(ctx, NewName ?? link.Name)));
            }
            catch (NetnsException ex) { WriteNetnsError(ex, link.Name); }
        }
    }
}
