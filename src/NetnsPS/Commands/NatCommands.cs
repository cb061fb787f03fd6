using System.Management.Automation;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Nat;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceNat: the masquerade and SNAT rules of the namespace's netnsps nf_tables table (Windows: Get-NetNat).</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceNat", DefaultParameterSetName = "Name")]
[OutputType(typeof(NetNamespaceNat))]
public sealed class GetNetNamespaceNatCommand : NamespaceQueryCmdlet
{
    [Parameter(Position = 0, ParameterSetName = "Name")]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Names taken exactly as typed: no character is a wildcard.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralName")]
    [ValidateNotNull]
    public string[] LiteralName { get; set; } = Array.Empty<string>();

    protected override void Query(NamespaceContext ctx)
    {
        bool literal = ParameterSetName == "LiteralName";
        var names = literal ? LiteralName : Name;
        var filter = NameFilter(names, literal);
        var all = NatService.ListNat(ctx);
        foreach (var n in all)
            if (filter is null || filter(n.Name)) WriteObject(n);
        foreach (var exact in names.Where(n => literal || !WildcardPattern.ContainsWildcardCharacters(n)).Select(n => literal ? n : WildcardPattern.Unescape(n)))
            if (!all.Any(n => n.Name == exact))
                WriteNetnsError(new NetnsException(ErrorIds.NatNotFound, Errno.ENOENT, $"{ctx.Description} has no NAT named '{exact}'.", exact));
    }
}

/// <summary>
/// New-NetNamespaceNat: nft add rule inet netnsps postrouting oifname IF [ip saddr PREFIX] masquerade | snat to ADDRESS
/// (Windows: New-NetNat).
/// </summary>
[Cmdlet(VerbsCommon.New, "NetNamespaceNat", SupportsShouldProcess = true)]
[OutputType(typeof(NetNamespaceNat))]
public sealed class NewNetNamespaceNatCommand : NamespaceTargetCmdlet
{
    /// <summary>The NAT's name (the rule's comment); the adapter's name when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>The adapter the translated traffic leaves through.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias", "OutputInterface")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string InterfaceAlias { get; set; } = string.Empty;

    /// <summary>Only traffic from this prefix (10.0.1.0/24, fd00:1::/64); all traffic when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("SourcePrefix")]
    [ValidateNotNullOrEmpty]
    public string? InternalIPInterfaceAddressPrefix { get; set; }

    /// <summary>SNAT to this fixed address instead of masquerading (the address of the outgoing adapter).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ExternalIPAddress { get; set; }

    protected override void BeginProcessingLocal() => RequireNetAdmin("Adding a NAT");

    protected override void ProcessRecordLocal()
    {
        var name = string.IsNullOrEmpty(Name) ? InterfaceAlias : Name!;
        try
        {
            System.Net.IPAddress? prefix = null; int length = 0;
            if (InternalIPInterfaceAddressPrefix is not null)
            {
                if (!InternalIPInterfaceAddressPrefix.Contains('/'))
                    throw new NetnsException(ErrorIds.InvalidPrefixLength, Errno.EINVAL, $"'{InternalIPInterfaceAddressPrefix}' has no prefix length (for example 10.0.1.0/24).", InternalIPInterfaceAddressPrefix);
                (prefix, length) = IpPrefix.ParsePrefix(InternalIPInterfaceAddressPrefix);
            }
            var snat = ExternalIPAddress is null ? null : IpPrefix.ParseAddress(ExternalIPAddress, "external address");
            var spec = new NatSpec(name, InterfaceAlias, prefix, length, snat);
            NatService.Validate(spec);
            var ctx = GetContext(Namespace);
            AdapterService.Require(ctx, InterfaceAlias);
            var what = snat is null ? "masquerade" : $"SNAT to {snat}";
            if (!ShouldProcess($"{ctx.DisplayName} (nf_tables table inet {NatService.TableName})",
                    $"Add NAT '{name}': {what} of traffic leaving through {InterfaceAlias}{(prefix is null ? "" : $" from {IpPrefix.Format(prefix, length)}")}")) return;
            WriteObject(NatService.AddNat(ctx, spec));
        }
        catch (NetnsException ex) { WriteNetnsError(ex, name); }
    }
}

/// <summary>Remove-NetNamespaceNat: nft delete rule inet netnsps postrouting handle H (the table goes with its last rule).</summary>
[Cmdlet(VerbsCommon.Remove, "NetNamespaceNat", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(void))]
public sealed class RemoveNetNamespaceNatCommand : NamespaceTargetCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Names taken exactly as typed: no character is a wildcard.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralName { get; set; } = Array.Empty<string>();

    protected override void BeginProcessingLocal() => RequireNetAdmin("Removing a NAT");

    protected override void ProcessRecordLocal()
    {
        NamespaceContext ctx;
        List<NetNamespaceNat> all;
        try
        {
            ctx = GetContext(Namespace);
            all = NatService.ListNat(ctx);
        }
        catch (NetnsException ex) { WriteNetnsError(ex, Namespace); return; }
        bool literal = ParameterSetName == "LiteralName";
        foreach (var n in literal ? LiteralName : Name)
        {
            try
            {
                var filter = NameFilter(new[] { n }, literal)!;
                var matches = all.Where(x => filter(x.Name)).ToList();
                var exact = literal ? n : WildcardPattern.Unescape(n);
                if (matches.Count == 0 && (literal || !WildcardPattern.ContainsWildcardCharacters(n)))
                    throw new NetnsException(ErrorIds.NatNotFound, Errno.ENOENT, $"{ctx.Description} has no NAT named '{exact}'.", exact);
                foreach (var m in matches)
                {
                    if (!ShouldProcess($"{ctx.DisplayName} (nf_tables table inet {NatService.TableName})", $"Remove NAT '{m.Name}' (rule handle {m.Handle})")) continue;
                    NatService.RemoveNat(ctx, m);
                    all.Remove(m);
                }
            }
            catch (NetnsException ex) { WriteNetnsError(ex, n); }
        }
    }
}

/// <summary>Get-NetNamespaceNatStaticMapping: the port forwards of the namespace (Windows: Get-NetNatStaticMapping).</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceNatStaticMapping")]
[OutputType(typeof(NetNamespaceNatStaticMapping))]
public sealed class GetNetNamespaceNatStaticMappingCommand : NamespaceQueryCmdlet
{
    [Parameter]
    [ValidateSet("TCP", "UDP", IgnoreCase = true)]
    public string? Protocol { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int? ExternalPort { get; set; }

    protected override void Query(NamespaceContext ctx)
    {
        foreach (var m in NatService.ListMappings(ctx))
            if ((Protocol is null || m.Protocol.Equals(Protocol, StringComparison.OrdinalIgnoreCase)) && (ExternalPort is null || m.ExternalPort == ExternalPort))
                WriteObject(m);
    }
}

/// <summary>
/// Add-NetNamespaceNatStaticMapping: a port forward, nft add rule inet netnsps prerouting|output tcp dport P dnat to A:P
/// (Windows: Add-NetNatStaticMapping).
/// </summary>
[Cmdlet(VerbsCommon.Add, "NetNamespaceNatStaticMapping", SupportsShouldProcess = true)]
[OutputType(typeof(NetNamespaceNatStaticMapping))]
public sealed class AddNetNamespaceNatStaticMappingCommand : NamespaceTargetCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateSet("TCP", "UDP", IgnoreCase = true)]
    public string Protocol { get; set; } = "TCP";

    /// <summary>Only connections to this address of the namespace; any of its addresses when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ExternalIPAddress { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    public int ExternalPort { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string InternalIPAddress { get; set; } = string.Empty;

    /// <summary>The port behind; ExternalPort when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    public int InternalPort { get; set; }

    protected override void BeginProcessingLocal() => RequireNetAdmin("Adding a port forward");

    protected override void ProcessRecordLocal()
    {
        var target = $"{Protocol} {ExternalIPAddress ?? "*"}:{ExternalPort}";
        try
        {
            var external = string.IsNullOrEmpty(ExternalIPAddress) ? null : IpPrefix.ParseAddress(ExternalIPAddress, "external address");
            var inside = IpPrefix.ParseAddress(InternalIPAddress, "internal address");
            var spec = new PortForwardSpec(PortForwardSpec.ParseProtocol(Protocol), external, ExternalPort, inside, InternalPort == 0 ? ExternalPort : InternalPort);
            NatService.Validate(spec);
            var ctx = GetContext(Namespace);
            if (!ShouldProcess($"{ctx.DisplayName} (nf_tables table inet {NatService.TableName})", $"Add port forward {spec}")) return;
            WriteObject(NatService.AddMapping(ctx, spec));
        }
        catch (NetnsException ex) { WriteNetnsError(ex, target); }
    }
}

/// <summary>Remove-NetNamespaceNatStaticMapping: removes port forwards (both rules of each) by id, or by protocol and port.</summary>
[Cmdlet(VerbsCommon.Remove, "NetNamespaceNatStaticMapping", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveNetNamespaceNatStaticMappingCommand : NamespaceTargetCmdlet
{
    /// <summary>The mapping's id (the handle of its prerouting rule), as Get-NetNamespaceNatStaticMapping shows it.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Handle")]
    public ulong StaticMappingID { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("TCP", "UDP", IgnoreCase = true)]
    public string? Protocol { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 65535)]
    public int ExternalPort { get; set; }

    protected override void BeginProcessingLocal() => RequireNetAdmin("Removing a port forward");

    protected override void ProcessRecordLocal()
    {
        object target = StaticMappingID != 0 ? StaticMappingID : $"{Protocol} {ExternalPort}";
        try
        {
            if (StaticMappingID == 0 && (Protocol is null || ExternalPort == 0))
                throw new NetnsException(ErrorIds.InvalidNatArgument, Errno.EINVAL, "Name the port forward: -StaticMappingID, or -Protocol and -ExternalPort (or pipe Get-NetNamespaceNatStaticMapping).", target);
            var ctx = GetContext(Namespace);
            var matches = NatService.ListMappings(ctx).Where(m => StaticMappingID != 0
                ? m.Handle == StaticMappingID
                : m.Protocol.Equals(Protocol, StringComparison.OrdinalIgnoreCase) && m.ExternalPort == ExternalPort).ToList();
            if (matches.Count == 0)
                throw new NetnsException(ErrorIds.NatStaticMappingNotFound, Errno.ENOENT,
                    $"{ctx.Description} has no port forward {(StaticMappingID != 0 ? $"with id {StaticMappingID}" : $"for {Protocol!.ToUpperInvariant()} port {ExternalPort}")}.", target);
            foreach (var m in matches)
            {
                if (!ShouldProcess($"{ctx.DisplayName} (nf_tables table inet {NatService.TableName})", $"Remove port forward {m} (id {m.Handle})")) continue;
                NatService.RemoveMapping(ctx, m);
            }
        }
        catch (NetnsException ex) { WriteNetnsError(ex, target); }
    }
}
