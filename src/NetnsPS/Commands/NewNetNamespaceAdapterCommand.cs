using System.Management.Automation;
using System.Net;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;

namespace NetnsPS.Commands;

/// <summary>
/// New-NetNamespaceAdapter: ip link add NAME type bridge|macvlan|vxlan|veth, ip tuntap add NAME mode tun|tap.
/// Plain parameters, checked against the kind: a parameter that does not belong to the kind is InvalidAdapterParameter.
/// </summary>
[Cmdlet(VerbsCommon.New, "NetNamespaceAdapter", SupportsShouldProcess = true)]
[OutputType(typeof(NetNamespaceAdapter))]
public sealed class NewNetNamespaceAdapterCommand : NamespaceTargetCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public AdapterKind Kind { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Mtu { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MacAddress { get; set; }

    /// <summary>macvlan: the lower adapter (required); vxlan: the underlay device (optional).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Parent { get; set; }

    /// <summary>macvlan/vxlan: the namespace -Parent lives in when it is not -Namespace (the new adapter is still born in -Namespace).</summary>
    [Parameter]
    [NamespaceTransformation]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    public string? ParentNamespace { get; set; }

    [Parameter]
    [ValidateSet("Private", "Vepa", "Bridge", "Passthru", "Source", IgnoreCase = true)]
    public string? MacvlanMode { get; set; }

    // The kind parameters are named as the properties Get-NetNamespaceAdapter shows (VxlanId, VxlanLocal, VxlanPort,
    // TunOwner...): kind-qualified, so a property read off one adapter names the parameter that makes it. The short names
    // of 0.1 (-Vni, -Local, -Remote, -Group, -Port, -Owner) stay as aliases.

    /// <summary>vxlan: the VXLAN network identifier (required).</summary>
    [Parameter]
    [Alias("Vni")]
    [ValidateRange(0, 16777215)]
    public int? VxlanId { get; set; }

    [Parameter]
    [Alias("Local")]
    [ValidateNotNull]
    public IPAddress? VxlanLocal { get; set; }

    [Parameter]
    [Alias("Remote")]
    [ValidateNotNull]
    public IPAddress? VxlanRemote { get; set; }

    [Parameter]
    [Alias("Group")]
    [ValidateNotNull]
    public IPAddress? VxlanGroup { get; set; }

    /// <summary>vxlan UDP destination port (4789 when omitted).</summary>
    [Parameter]
    [Alias("Port")]
    [ValidateRange(1, 65535)]
    public int? VxlanPort { get; set; }

    /// <summary>tun/tap: uid allowed to attach to the device.</summary>
    [Parameter]
    [Alias("Owner")]
    [ValidateRange(0, int.MaxValue)]
    public int? TunOwner { get; set; }

    /// <summary>veth: name of the other end (required).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? PeerName { get; set; }

    /// <summary>veth: namespace of the other end; the same as -Namespace when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [NamespaceTransformation]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    public string? PeerNamespace { get; set; }

    private static readonly Dictionary<AdapterKind, string[]> s_allowed = new()
    {
        [AdapterKind.Bridge] = Array.Empty<string>(),
        [AdapterKind.Macvlan] = new[] { nameof(Parent), nameof(ParentNamespace), nameof(MacvlanMode) },
        [AdapterKind.Vxlan] = new[] { nameof(VxlanId), nameof(VxlanLocal), nameof(VxlanRemote), nameof(VxlanGroup), nameof(VxlanPort), nameof(Parent), nameof(ParentNamespace) },
        [AdapterKind.Tun] = new[] { nameof(TunOwner) },
        [AdapterKind.Tap] = new[] { nameof(TunOwner) },
        [AdapterKind.Veth] = new[] { nameof(PeerName), nameof(PeerNamespace) },
    };

    private static readonly string[] s_kindParameters =
        s_allowed.Values.SelectMany(v => v).Distinct().ToArray();

    protected override void BeginProcessingLocal() => RequireNetAdmin("Creating an adapter");

    protected override void ProcessRecordLocal()
    {
        try
        {
            CheckParameters();
            var ctx = GetContext(Namespace);
            if (Kind == AdapterKind.Veth)
            {
                var peerNs = PeerNamespace is null ? ctx : GetContext(PeerNamespace);
                if (MacAddress is not null) throw Invalid("-MacAddress is not supported for veth (use Set-NetNamespaceAdapter afterwards).");
                if (!ShouldProcess($"{ctx.Target(Name)} <-> {peerNs.Target(PeerName)}", "Create veth pair")) return;
                var (end, peer) = AdapterService.NewVeth(Sessions, ctx, Name, peerNs, PeerName!, Mtu);
                WriteObject(end);
                WriteObject(peer);
                return;
            }
            var spec = new AdapterSpec
            {
                Kind = Kind,
                Name = Name,
                Mtu = Mtu,
                MacAddress = MacAddress is null ? null : AdapterService.ParseMac(MacAddress),
                Parent = Parent,
                MacvlanMode = MacvlanMode is null ? null : Enum.Parse<global::NetnsPS.MacvlanMode>(MacvlanMode, ignoreCase: true),
                Vni = VxlanId is int v ? (uint)v : null,
                Local = VxlanLocal,
                Remote = VxlanRemote,
                Group = VxlanGroup,
                Port = VxlanPort,
                Owner = TunOwner is int o ? (uint)o : null,
            };
            var parentCtx = ParentNamespace is null ? null : GetContext(ParentNamespace);
            var target = parentCtx is null ? ctx.Target(Name) : $"{ctx.Target(Name)} on {parentCtx.Target(Parent)}";
            if (!ShouldProcess(target, $"Create {Kind.ToString().ToLowerInvariant()} adapter")) return;
            WriteObject(AdapterFactory.Create(Sessions, ctx, spec, parentCtx));
        }
        catch (NetnsException ex) { WriteNetnsError(ex, Name); }
    }

    /// <summary>Every kind parameter given must belong to -Kind; the required ones must be there.</summary>
    private void CheckParameters()
    {
        var bound = MyInvocation.BoundParameters;
        var allowed = s_allowed[Kind];
        var wrong = s_kindParameters.Where(p => bound.ContainsKey(p) && !allowed.Contains(p)).ToArray();
        if (wrong.Length > 0)
            throw Invalid($"{string.Join(", ", wrong.Select(w => "-" + w))} {(wrong.Length == 1 ? "does" : "do")} not apply to a {Kind} adapter" +
                (allowed.Length == 0 ? "." : $" (its parameters: {string.Join(", ", allowed.Select(a => "-" + a))})."));
        // The kernel expands a '%d' in a new name (br%d -> br0): the adapter would exist under a name nobody asked for.
        foreach (var n in new[] { Name, PeerName })
            if (n is not null && n.Contains('%'))
                throw new NetnsException(ErrorIds.InvalidAdapterName, Errno.EINVAL, $"Invalid adapter name '{n}': '%' is not accepted (the kernel would pick a name of its own).", n);
        if (Kind == AdapterKind.Veth && PeerName is null) throw Invalid("A veth pair needs -PeerName.");
        if (Kind == AdapterKind.Macvlan && Parent is null) throw Invalid("A macvlan adapter needs -Parent.");
        if (ParentNamespace is not null && Parent is null) throw Invalid("-ParentNamespace needs -Parent (the adapter in that namespace to build on).");
        if (Kind == AdapterKind.Vxlan && VxlanId is null) throw Invalid("A vxlan adapter needs -VxlanId.");
    }

    private NetnsException Invalid(string message)
        => new(ErrorIds.InvalidAdapterParameter, Errno.EINVAL, $"Cannot create {Kind} adapter '{Name}': {message}", Name);
}
