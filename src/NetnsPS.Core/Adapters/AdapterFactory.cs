using System.Net;
using System.Net.Sockets;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Adapters;

/// <summary>Kinds of adapters New-NetNamespaceAdapter creates.</summary>
public enum AdapterKind { Bridge, Macvlan, Vxlan, Tun, Tap, Veth }

/// <summary>What to create: the common part and each kind's parameters (the cmdlet checks which belong to the kind).</summary>
public sealed record AdapterSpec
{
    public AdapterKind Kind { get; init; }
    public string Name { get; init; } = string.Empty;
    public int? Mtu { get; init; }
    public byte[]? MacAddress { get; init; }
    /// <summary>macvlan (required), vxlan (optional underlay device): a name in the same namespace.</summary>
    public string? Parent { get; init; }
    public MacvlanMode? MacvlanMode { get; init; }
    public uint? Vni { get; init; }
    public IPAddress? Local { get; init; }
    public IPAddress? Remote { get; init; }
    public IPAddress? Group { get; init; }
    public int? Port { get; init; }
    /// <summary>vxlan: false turns source-address learning off (IFLA_VXLAN_LEARNING 0); null keeps the kernel's default (on).</summary>
    public bool? Learning { get; init; }
    public uint? Owner { get; init; }
}

/// <summary>
/// Creates bridges, macvlans, vxlans (one RTM_NEWLINK each) and persistent tun/tap devices (TUNSETIFF + TUNSETPERSIST on
/// /dev/net/tun, opened by a thread inside the namespace, since a tun device is born in its opener's namespace).
/// </summary>
public static class AdapterFactory
{
    /// <summary>The IANA VXLAN port, used when no port is given (the kernel's own default is 8472).</summary>
    public const int DefaultVxlanPort = 4789;


    /// <param name="parentCtx">
    /// macvlan/vxlan: the namespace the -Parent lives in when it is not <paramref name="ctx"/> (ip -n P link add link X
    /// name N netns T ...): the request goes to P's socket with IFLA_LINK = the parent's index there and IFLA_NET_NS_FD =
    /// the target's fd, so the lower device stays in P (and a vxlan's UDP socket is opened in P) while the device is born in T.
    /// </param>
    public static NetNamespaceAdapter Create(NamespaceSessions sessions, NamespaceContext ctx, AdapterSpec spec, NamespaceContext? parentCtx = null)
    {
        Links.ValidateName(spec.Name);
        if (parentCtx is not null && (parentCtx == ctx || parentCtx.Handle.Identity == ctx.Handle.Identity)) parentCtx = null;
        if (spec.Kind is AdapterKind.Tun or AdapterKind.Tap) CreateTun(ctx, spec);
        else CreateRtnl(ctx, spec, parentCtx);
        return AdapterService.Describe(sessions, ctx, AdapterService.Require(ctx, spec.Name));
    }

    private static LinkInfo RequireParent(NamespaceContext ctx, string parent, string name, NamespaceContext? target = null)
    {
        Links.ValidateName(parent, "parent adapter name");
        return Links.TryGet(ctx.Socket, parent) ?? throw new NetnsException(ErrorIds.ParentAdapterNotFound, Errno.ENODEV, target is null
            ? $"Cannot create '{name}': no parent adapter named '{parent}' in {ctx.Description} (the parent must be in the namespace the new adapter is created in, or name its namespace with -ParentNamespace)."
            : $"Cannot create '{name}' in {target.Description}: no parent adapter named '{parent}' in the parent namespace {ctx.Description}.", parent);
    }

    /// <summary>The ids of a refused RTM_NEWLINK (after the EEXIST cases CreateRtnl names itself).</summary>
    private static readonly ErrnoMap CreateErrors = new(ErrorIds.AdapterCreateFailed)
    {
        { ErrorIds.AdapterAlreadyExists, Errno.EEXIST },
        { ErrorIds.InvalidAdapterArgument, Errno.EINVAL, Errno.ERANGE, Errno.EADDRNOTAVAIL },
        { ErrorIds.InsufficientPrivilege, Errno.EPERM, Errno.EACCES },
        { ErrorIds.AdapterBusy, Errno.EBUSY },
        { ErrorIds.AdapterKindNotSupported, Errno.EOPNOTSUPP, Errno.ENOENT }, // ENOENT: no such rtnl kind (module missing)
    };

    /// <summary>The ids of a refused TUNSETIFF (EBUSY: the name is taken).</summary>
    private static readonly ErrnoMap TunErrors = new(ErrorIds.AdapterCreateFailed)
    {
        { ErrorIds.InsufficientPrivilege, Errno.EPERM, Errno.EACCES },
        { ErrorIds.AdapterAlreadyExists, Errno.EBUSY },
    };

    private static void CreateRtnl(NamespaceContext target, AdapterSpec spec, NamespaceContext? parentCtx)
    {
        // The request is sent in the parent's namespace when it is another one; the device is born in target (IFLA_NET_NS_FD).
        var ctx = parentCtx ?? target;
        NamespaceContext? crossTarget = parentCtx is null ? null : target;
        NetlinkMessageBuilder request;
        switch (spec.Kind)
        {
            case AdapterKind.Bridge:
                request = Links.NewLinkRequest(spec.Name, "bridge", mtu: spec.Mtu, address: spec.MacAddress);
                break;
            case AdapterKind.Macvlan:
            {
                var parent = RequireParent(ctx, spec.Parent ?? throw Missing(spec, "Parent"), spec.Name, crossTarget);
                uint mode = (spec.MacvlanMode ?? NetnsPS.MacvlanMode.Bridge) switch
                {
                    NetnsPS.MacvlanMode.Private => Ifla.MACVLAN_MODE_PRIVATE,
                    NetnsPS.MacvlanMode.Vepa => Ifla.MACVLAN_MODE_VEPA,
                    NetnsPS.MacvlanMode.Passthru => Ifla.MACVLAN_MODE_PASSTHRU,
                    NetnsPS.MacvlanMode.Source => Ifla.MACVLAN_MODE_SOURCE,
                    _ => Ifla.MACVLAN_MODE_BRIDGE,
                };
                request = Links.NewLinkRequest(spec.Name, "macvlan", parent.Index, spec.Mtu, spec.MacAddress,
                    b => b.AddU32(Ifla.MACVLAN_MODE, mode));
                break;
            }
            case AdapterKind.Vxlan:
            {
                uint vni = spec.Vni ?? throw Missing(spec, "VxlanId");
                if (vni > 0xFFFFFF) throw Invalid(spec, $"VNI {vni} is out of range (0 to 16777215).");
                var parent = spec.Parent is null ? null : RequireParent(ctx, spec.Parent, spec.Name, crossTarget);
                var remote = spec.Remote ?? spec.Group;
                if (spec.Remote is not null && spec.Group is not null) throw Invalid(spec, "-VxlanRemote and -VxlanGroup exclude each other.");
                if (spec.Group is IPAddress g && !IsMulticast(g)) throw Invalid(spec, $"-VxlanGroup {g} is not a multicast address (use -VxlanRemote for a unicast peer).");
                if (spec.Remote is IPAddress r && IsMulticast(r)) throw Invalid(spec, $"-VxlanRemote {r} is a multicast address (use -VxlanGroup).");
                if (spec.Group is not null && parent is null) throw Invalid(spec, "A multicast -VxlanGroup needs a -Parent device.");
                if (remote is not null && spec.Local is not null && remote.AddressFamily != spec.Local.AddressFamily)
                    throw Invalid(spec, $"-VxlanLocal {spec.Local} and {remote} are of different address families.");
                int port = spec.Port ?? DefaultVxlanPort;
                request = Links.NewLinkRequest(spec.Name, "vxlan", null, spec.Mtu, spec.MacAddress, b =>
                {
                    b.AddU32(Ifla.VXLAN_ID, vni);
                    if (remote is not null)
                        b.AddAttribute(remote.AddressFamily == AddressFamily.InterNetwork ? Ifla.VXLAN_GROUP : Ifla.VXLAN_GROUP6, remote.GetAddressBytes());
                    if (spec.Local is not null)
                        b.AddAttribute(spec.Local.AddressFamily == AddressFamily.InterNetwork ? Ifla.VXLAN_LOCAL : Ifla.VXLAN_LOCAL6, spec.Local.GetAddressBytes());
                    if (parent is not null) b.AddU32(Ifla.VXLAN_LINK, (uint)parent.Index);
                    b.AddAttribute(Ifla.VXLAN_PORT, new[] { (byte)(port >> 8), (byte)port }); // network byte order
                    if (spec.Learning is bool learn) b.AddAttribute(Ifla.VXLAN_LEARNING, new[] { (byte)(learn ? 1 : 0) });
                });
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "not an rtnetlink kind");
        }
        if (crossTarget is not null)
        {
            if (spec.Parent is null) throw Invalid(spec, "-ParentNamespace needs -Parent.");
            request.AddU32(Ifla.NET_NS_FD, (uint)crossTarget.Handle.Fd);
        }
        try
        {
            ctx.Socket.Execute(request, $"create {spec.Kind} {spec.Name}", CreateErrors, spec.Name);
        }
        catch (NetlinkException ex)
        {
            var where = crossTarget is null ? ctx.Description : $"{crossTarget.Description} (parent '{spec.Parent}' in {ctx.Description})";
            var what = $"Cannot create {spec.Kind.ToString().ToLowerInvariant()} adapter '{spec.Name}' in {where}: {ex.Ack.Describe()}";
            if (ex.Errno == Errno.EEXIST && Links.TryGet(target.Socket, spec.Name) is not null)
                throw new NetnsException(ErrorIds.AdapterAlreadyExists, ex.Errno, what, spec.Name, ex);
            // The kernel looks the new name up in the namespace the request is sent in as well.
            if (ex.Errno == Errno.EEXIST && crossTarget is not null && Links.TryGet(ctx.Socket, spec.Name) is not null)
                throw new NetnsException(ErrorIds.AdapterAlreadyExists, ex.Errno,
                    $"{what} (an adapter named '{spec.Name}' exists in the parent namespace {ctx.Description}; the kernel refuses the name there too)", spec.Name, ex);
            if (ex.Errno == Errno.EEXIST && spec.Kind == AdapterKind.Vxlan)
                throw new NetnsException(ErrorIds.VxlanIdInUse, ex.Errno,
                    $"{what} (another vxlan adapter of {ctx.Description} already uses VNI {spec.Vni} on UDP port {spec.Port ?? DefaultVxlanPort})", spec.Name, ex);
            throw new NetnsException(ex.ErrorCode, ex.Errno, what, spec.Name, ex);
        }
    }

    private static bool IsMulticast(IPAddress a) => a.AddressFamily == AddressFamily.InterNetwork
        ? (a.GetAddressBytes()[0] & 0xF0) == 0xE0
        : a.IsIPv6Multicast;

    private static NetnsException Missing(AdapterSpec spec, string parameter)
        => new(ErrorIds.InvalidAdapterParameter, Errno.EINVAL, $"A {spec.Kind} adapter needs -{parameter}.", spec.Name);

    private static NetnsException Invalid(AdapterSpec spec, string message)
        => new(ErrorIds.InvalidAdapterParameter, Errno.EINVAL, $"Cannot create {spec.Kind} adapter '{spec.Name}': {message}", spec.Name);

    /// <summary>
    /// A persistent tun or tap device: open /dev/net/tun on a thread inside the namespace, TUNSETIFF (IFF_NO_PI),
    /// TUNSETOWNER when asked, TUNSETPERSIST, close. A failure before TUNSETPERSIST leaves nothing: the device dies
    /// with the descriptor. MTU and MAC are set afterwards over rtnetlink (the device is removed again if that fails).
    /// </summary>
    private static void CreateTun(NamespaceContext ctx, AdapterSpec spec)
    {
        // TUNSETIFF on the name of an existing persistent tun device would attach to it, not create: refuse first.
        if (Links.TryGet(ctx.Socket, spec.Name) is not null)
            throw new NetnsException(ErrorIds.AdapterAlreadyExists, Errno.EEXIST, $"Cannot create {spec.Kind.ToString().ToLowerInvariant()} adapter '{spec.Name}': it already exists in {ctx.Description}.", spec.Name);
        short flags = (short)((spec.Kind == AdapterKind.Tap ? Libc.IFF_TAP : Libc.IFF_TUN) | Libc.IFF_NO_PI);
        SharedNamespaceThread.InvokeIn(ctx.Handle, () => { TunSetup(spec, flags); return 0; });
        if (spec.Mtu is null && spec.MacAddress is null) return;
        var link = AdapterService.Require(ctx, spec.Name);
        try { AdapterService.Set(ctx, link, null, null, spec.Mtu, spec.MacAddress); }
        catch (NetnsException ex)
        {
            try { AdapterService.Remove(ctx, link); } catch (NetnsException) { }
            // Named as the create it is (not "Cannot change"), with the kernel's own text.
            var why = ex.InnerException is NetlinkException nl ? nl.Ack.Describe() : ex.Message;
            throw new NetnsException(ex.ErrorCode, ex.Errno,
                $"Cannot create {spec.Kind.ToString().ToLowerInvariant()} adapter '{spec.Name}' in {ctx.Description}: {why} (the new device was removed again).", spec.Name, ex);
        }
        catch
        {
            try { AdapterService.Remove(ctx, link); } catch (NetnsException) { }
            throw;
        }
    }

    private static unsafe void TunSetup(AdapterSpec spec, short flags)
    {
        int fd = Libc.Open("/dev/net/tun", Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw Sys.Error(ErrorIds.TunDeviceUnavailable, "Cannot open /dev/net/tun", spec.Name);
        try
        {
            byte* ifr = stackalloc byte[40]; // struct ifreq: char ifr_name[16]; short ifr_flags
            new Span<byte>(ifr, 40).Clear();
            var nameBytes = System.Text.Encoding.UTF8.GetBytes(spec.Name);
            nameBytes.CopyTo(new Span<byte>(ifr, 15));
            *(short*)(ifr + 16) = flags;
            if (Libc.IoctlPtr(fd, Libc.TUNSETIFF, ifr) != 0)
            {
                var e = Sys.LastErrno();
                throw Sys.Error(TunErrors[e], e, $"Cannot create {spec.Kind.ToString().ToLowerInvariant()} adapter '{spec.Name}' (TUNSETIFF)", spec.Name);
            }
            if (spec.Owner is uint owner && Libc.IoctlValue(fd, Libc.TUNSETOWNER, (nint)owner) != 0)
                throw Sys.Error(ErrorIds.AdapterCreateFailed, $"Cannot set the owner of '{spec.Name}' to uid {owner} (TUNSETOWNER)", spec.Name);
            if (Libc.IoctlValue(fd, Libc.TUNSETPERSIST, 1) != 0)
                throw Sys.Error(ErrorIds.AdapterCreateFailed, $"Cannot make '{spec.Name}' persistent (TUNSETPERSIST)", spec.Name);
        }
        finally { Libc.Close(fd); }
    }
}
