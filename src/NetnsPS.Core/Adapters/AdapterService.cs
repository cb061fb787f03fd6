using System.Net;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Core.Adapters;

/// <summary>Adapters of namespaces: list (with addresses and veth peers), create veth pairs, move, change, remove.</summary>
public static class AdapterService
{
    /// <summary>Adapters of one namespace, optionally filtered by name.</summary>
    public static List<NetNamespaceAdapter> List(NamespaceSessions sessions, NamespaceContext ctx, Func<string, bool>? filter = null)
    {
        var links = Links.Dump(ctx.Socket, ctx.DisplayName);
        sessions.IndexVeths(ctx, links);
        var wanted = filter is null ? links : links.FindAll(l => filter(l.Name));
        if (wanted.Count == 0) return new List<NetNamespaceAdapter>();
        var addrs = Addresses.Dump(ctx.Socket, target: ctx.DisplayName).ToLookup(a => a.InterfaceIndex);
        var byIndex = links.ToDictionary(l => l.Index);
        var result = new List<NetNamespaceAdapter>(wanted.Count);
        foreach (var l in wanted) result.Add(Describe(sessions, ctx, l, addrs[l.Index], byIndex));
        return result;
    }

    public static NetNamespaceAdapter Describe(NamespaceSessions sessions, NamespaceContext ctx, LinkInfo l,
        IEnumerable<AddressInfo>? addresses = null, IReadOnlyDictionary<int, LinkInfo>? sameNamespaceLinks = null)
    {
        addresses ??= Addresses.Dump(ctx.Socket, index: l.Index, target: ctx.DisplayName);
        string? peerName = null, peerNs = null;
        int? peerIndex = null;
        if (l.Kind == "veth" && l.LinkIndex is int pi && pi > 0)
        {
            peerIndex = pi;
            // A peer in another namespace is read through its nsid from this namespace's socket (its name, and its MAC
            // address to find which namespace it is), so that namespace is not opened for it.
            var peer = l.LinkNetnsId is int nsid ? PeerThroughNsid(ctx, pi, nsid) : null;
            var peerCtx = sessions.ResolvePeerNamespace(ctx, l, peer?.Address);
            if (peerCtx is not null)
            {
                peerNs = peerCtx.Name;
                peerName = peer?.Name ?? (peerCtx == ctx && sameNamespaceLinks is not null && sameNamespaceLinks.TryGetValue(pi, out var p)
                    ? p.Name
                    : Links.TryGet(peerCtx.Socket, pi)?.Name);
            }
        }
        string? NameIn(int? index)
        {
            if (index is not int i || i <= 0) return null;
            if (sameNamespaceLinks is not null && sameNamespaceLinks.TryGetValue(i, out var x)) return x.Name;
            return Links.TryGet(ctx.Socket, i)?.Name;
        }
        string? parent = l.Kind switch
        {
            "macvlan" when l.LinkNetnsId is null => NameIn(l.LinkIndex),
            "vxlan" => NameIn(l.VxlanLinkIndex),
            _ => null,
        };
        var st = l.Statistics;
        uint? tunOwner = l.TunOwner is uint o && o != uint.MaxValue ? o : null;
        return new NetNamespaceAdapter
        {
            Namespace = ctx.Name,
            Name = l.Name,
            InterfaceIndex = l.Index,
            Kind = Links.DescribeKind(l),
            State = l.IsUp ? NetAdapterState.Up : NetAdapterState.Down,
            OperationalStatus = (NetAdapterOperationalStatus)l.OperState,
            Mtu = l.Mtu,
            MacAddress = Links.FormatMac(l.Address),
            IPAddress = addresses.Select(a => $"{a.Address}/{a.PrefixLength}").ToArray(),
            PeerName = peerName,
            PeerNamespace = peerNs,
            PeerIndex = peerIndex,
            PeerNamespaceId = l.LinkNetnsId,
            MasterIndex = l.MasterIndex,
            Alias = l.Alias,
            Flags = (NetAdapterFlags)l.Flags,
            Master = NameIn(l.MasterIndex),
            PortKind = l.SlaveKind,
            TxQueueLength = l.TxQueueLength,
            Carrier = l.Carrier,
            LinkNetnsId = l.LinkNetnsId,
            Parent = parent,
            VxlanId = l.VxlanId,
            VxlanPort = l.VxlanPort,
            VxlanLocal = l.VxlanLocal?.ToString(),
            VxlanRemote = l.VxlanGroup?.ToString(),
            MacvlanMode = Links.MacvlanModeName(l.MacvlanMode),
            TunOwner = l.Kind == "tun" ? tunOwner : null,
            TunPersist = l.TunPersist,
            RxBytes = st?.RxBytes, TxBytes = st?.TxBytes, RxPackets = st?.RxPackets, TxPackets = st?.TxPackets,
            RxErrors = st?.RxErrors, TxErrors = st?.TxErrors, RxDropped = st?.RxDropped, TxDropped = st?.TxDropped,
        };
    }

    /// <summary>The link <paramref name="index"/> of the namespace with <paramref name="nsid"/> in <paramref name="ctx"/>; null when the kernel cannot say (no IFLA_TARGET_NETNSID).</summary>
    private static LinkInfo? PeerThroughNsid(NamespaceContext ctx, int index, int nsid)
    {
        try { return Links.TryGet(ctx.Socket, index, nsid); }
        catch (NetlinkException) { return null; }
    }

    /// <summary>Every link of <paramref name="ctx"/> (RTM_GETLINK dump).</summary>
    public static List<LinkInfo> AllLinks(NamespaceContext ctx) => Links.Dump(ctx.Socket, ctx.DisplayName);

    /// <summary>The link with index <paramref name="index"/> in <paramref name="ctx"/>, or null.</summary>
    public static LinkInfo? Find(NamespaceContext ctx, int index) => Links.TryGet(ctx.Socket, index);

    /// <summary>The adapter <paramref name="name"/> of <paramref name="ctx"/> to be a master (bridge): MasterNotFound when missing.</summary>
    public static LinkInfo RequireMaster(NamespaceContext ctx, string name)
    {
        Links.ValidateName(name, "master name");
        return Links.TryGet(ctx.Socket, name) ?? throw new NetnsException(ErrorIds.MasterNotFound, Errno.ENODEV,
            $"No adapter named '{name}' in {ctx.DisplayName} to be the master (a bridge must be in its ports' namespace).", name);
    }

    /// <summary>"veth", "bridge", "physical"...: the kind as the completer and confirmations name it.</summary>
    public static string KindText(LinkInfo link) => Links.DescribeKind(link);

    /// <summary>A MAC address as text (aa:bb:...) into bytes: InvalidMacAddress when it is not one.</summary>
    public static byte[] ParseMac(string text) => Links.ParseMac(text);

    /// <summary>MAC address bytes as aa:bb:cc:dd:ee:ff (null for none).</summary>
    public static string? FormatMac(byte[]? address) => Links.FormatMac(address);

    /// <summary>The link named <paramref name="name"/> in <paramref name="ctx"/>, or AdapterNotFound.</summary>
    public static LinkInfo Require(NamespaceContext ctx, string name)
    {
        Links.ValidateName(name);
        return Links.TryGet(ctx.Socket, name) ?? throw new NetnsException(ErrorIds.AdapterNotFound, Errno.ENODEV,
            $"No adapter named '{name}' in {ctx.Description}.", name);
    }

    /// <summary>The ids of a refused change of a link (create veth, move, set, remove).</summary>
    private static readonly ErrnoMap Errors = new(ErrorIds.AdapterOperationFailed)
    {
        { ErrorIds.AdapterAlreadyExists, Errno.EEXIST },
        { ErrorIds.AdapterNotFound, Errno.ENODEV },
        { ErrorIds.InvalidAdapterArgument, Errno.EINVAL, Errno.EADDRNOTAVAIL, Errno.ERANGE },
        { ErrorIds.InsufficientPrivilege, Errno.EPERM, Errno.EACCES },
        { ErrorIds.AdapterBusy, Errno.EBUSY },
        { ErrorIds.AdapterOperationNotSupported, Errno.EOPNOTSUPP },
    };

    private static NetnsException Map(NetlinkException ex, string name, string verb, string where)
        => new(ex.ErrorCode, ex.Errno, $"Cannot {verb} adapter '{name}' in {where}: {ex.Ack.Describe()}", name, ex);

    /// <summary>One RTM_NEWLINK creating a veth pair with each end directly in its namespace.</summary>
    public static (NetNamespaceAdapter End, NetNamespaceAdapter Peer) NewVeth(NamespaceSessions sessions, NamespaceContext ns, string name,
        NamespaceContext peerNs, string peerName, int? mtu)
    {
        Links.ValidateName(name);
        Links.ValidateName(peerName, "peer name");
        if (ns == peerNs && name == peerName)
            throw new NetnsException(ErrorIds.InvalidAdapterName, Errno.EINVAL, $"A veth pair needs two different names in one namespace ('{name}').", name);
        try
        {
            // The request goes to ns's socket: the first end is created there; the peer goes straight into peerNs.
            ns.Socket.Execute(Links.NewVethRequest(name, peerName, null, peerNs == ns ? null : peerNs.Handle.Fd, mtu),
                $"create veth {name}/{peerName}", Errors, name);
        }
        catch (NetlinkException ex)
        {
            var e = Map(ex, name, "create veth", ns.Description);
            if (ex.Errno == Errno.EEXIST)
            {
                var which = Links.TryGet(ns.Socket, name) is not null ? $"'{name}' already exists in {ns.Description}" : $"'{peerName}' already exists in {peerNs.Description}";
                e = new NetnsException(ErrorIds.AdapterAlreadyExists, ex.Errno, $"Cannot create veth pair {name}/{peerName}: {which}.", name, ex);
            }
            throw e;
        }
        // Each end's peer namespace is known here: learned (after reading the ends, which makes the kernel assign the
        // nsids), so describing the ends searches for neither.
        var endLink = Require(ns, name);
        var peerLink = Require(peerNs, peerName);
        ns.Learn(sessions, peerNs);
        peerNs.Learn(sessions, ns);
        var end = Describe(sessions, ns, endLink);
        var peer = Describe(sessions, peerNs, peerLink);
        return (end, peer);
    }

    /// <summary>
    /// Moves a link to another namespace (by namespace fd or by process id), optionally renaming it, in one RTM_NEWLINK.
    /// <paramref name="to"/> is the target (opened from /proc/PID/ns/net when <paramref name="pid"/> is given; the request
    /// then names the process). The name the link would have there is checked first (AdapterAlreadyExists, nothing moved):
    /// the kernel moves a link whose own name is free in the target before it renames it, so a taken -NewName would
    /// otherwise leave the link moved under its old name. Should the kernel still do half (a name taken meanwhile), the
    /// link is moved back, or the error says exactly where it is.
    /// </summary>
    public static void Move(NamespaceContext from, LinkInfo link, NamespaceContext? to, int? pid, string? newName)
    {
        if (newName is not null) Links.ValidateName(newName);
        var target = pid is not null ? $"the namespace of process {pid}" : to?.Description ?? "the target namespace";
        var finalName = newName ?? link.Name;
        bool sameNamespace = to is not null && to.Identity.Equals(from.Identity);
        // lo and bridges never change namespace (netns-local): the kernel's AdapterNetnsLocal is the first reason, as with ip.
        bool netnsLocal = link.IsLoopback || link.Kind == "bridge";
        if (to is not null && !sameNamespace && !netnsLocal && Links.TryGet(to.Socket, finalName) is LinkInfo taken)
            throw new NetnsException(ErrorIds.AdapterAlreadyExists, Errno.EEXIST,
                $"Cannot move adapter '{link.Name}' to {target}{(newName is null ? "" : $" as '{newName}'")}: an adapter named '{finalName}' (index {taken.Index}) already exists there. Nothing was moved{(newName is null ? "; give -NewName to rename it while moving" : "")}.",
                link.Name);
        MoveUnchecked(from, link, to, pid, newName);
    }

    /// <summary>The move request itself, without the name check (tests use it to make the kernel do half).</summary>
    internal static void MoveUnchecked(NamespaceContext from, LinkInfo link, NamespaceContext? to, int? pid, string? newName)
    {
        var target = pid is not null ? $"the namespace of process {pid}" : to?.Description ?? "the target namespace";
        var finalName = newName ?? link.Name;
        bool sameNamespace = to is not null && to.Identity.Equals(from.Identity);
        try
        {
            from.Socket.Execute(Links.SetRequest(link.Index, newName: newName, nsFd: pid is null ? to?.Handle.Fd : null, nsPid: pid),
                $"move {link.Name}", Errors, link.Name);
        }
        catch (NetlinkException ex)
        {
            if (to is not null && !sameNamespace) RollBackHalfMove(from, link, to, target, newName, ex);
            if (ex.Errno == Errno.EINVAL && (link.IsLoopback || link.Kind == "bridge" || (ex.Ack.Message?.Contains("netns", StringComparison.OrdinalIgnoreCase) ?? false)))
                throw new NetnsException(ErrorIds.AdapterNetnsLocal, ex.Errno,
                    $"Adapter '{link.Name}' cannot change namespace (netns-local device{(link.Kind is null ? "" : ", kind " + link.Kind)}): {ex.Ack.Describe()}", link.Name, ex);
            if (ex.Errno == Errno.ESRCH)
                throw new NetnsException(ErrorIds.ProcessNotFound, ex.Errno, $"Cannot move adapter '{link.Name}': no process with id {pid}.", pid, ex);
            if (ex.Errno == Errno.EEXIST)
                throw new NetnsException(ErrorIds.AdapterAlreadyExists, ex.Errno,
                    $"Cannot move adapter '{link.Name}' to {target}: an adapter named '{finalName}' already exists there. Nothing was moved.", link.Name, ex);
            throw Map(ex, link.Name, "move", from.Description);
        }
    }

    /// <summary>
    /// After a refused move: when the link left <paramref name="from"/> and sits in <paramref name="to"/> under its old
    /// name (the kernel moved it, then could not rename it), moves it back and throws the refusal saying so; when it
    /// cannot be moved back, throws AdapterMoveIncomplete saying where the link is. Returns when nothing moved.
    /// </summary>
    private static void RollBackHalfMove(NamespaceContext from, LinkInfo link, NamespaceContext to, string target, string? newName, NetlinkException ex)
    {
        LinkInfo? still, moved;
        try
        {
            still = Links.TryGet(from.Socket, link.Index);
            moved = Links.TryGet(to.Socket, link.Name);
        }
        catch (NetlinkException) { return; }
        // Still in the source (under any name), or no link of the same kind and MAC address in the target: nothing moved.
        if (still is not null || moved is null || moved.Kind != link.Kind || Links.FormatMac(moved.Address) != Links.FormatMac(link.Address)) return;
        var what = $"Cannot move adapter '{link.Name}' to {target}{(newName is null ? "" : $" as '{newName}'")}: {ex.Ack.Describe()}. The kernel moved it but did not rename it";
        try
        {
            to.Socket.Execute(Links.SetRequest(moved.Index, nsFd: from.Handle.Fd), $"move {link.Name} back", Errors, link.Name);
        }
        catch (NetlinkException back)
        {
            throw new NetnsException(ErrorIds.AdapterMoveIncomplete, ex.Errno,
                $"{what}, and moving it back to {from.Description} failed ({back.Ack.Describe()}): it is now in {to.Description} as '{moved.Name}' (index {moved.Index}), down, without the addresses and routes it had.",
                link.Name, ex);
        }
        throw new NetnsException(ex.ErrorCode, ex.Errno,
            $"{what}; it was moved back to {from.Description} (down, without the addresses and routes it had: a move drops them).", link.Name, ex);
    }

    public static void Set(NamespaceContext ctx, LinkInfo link, bool? up, string? newName, int? mtu, byte[]? mac, int? master = null)
    {
        if (newName is not null) Links.ValidateName(newName);
        if (master is int nm && nm > 0 && (up is not null || newName is not null || mtu is not null || mac is not null))
        {
            // A new master with other changes: the master first, on its own, so a refusal is named by its cause (InvalidMaster
            // only for the master); when the other changes then fail, the port goes back to its old master (or none).
            Set(ctx, link, null, null, null, null, nm);
            try { Set(ctx, link, up, newName, mtu, mac); }
            catch (NetnsException)
            {
                try { ctx.Socket.Execute(Links.SetRequest(link.Index, master: link.MasterIndex ?? 0), $"set {link.Name} master back", Errors, link.Name); }
                catch (NetlinkException) { }
                throw;
            }
            return;
        }
        try
        {
            ctx.Socket.Execute(Links.SetRequest(link.Index, up, newName, mtu, mac, master: master), $"set {link.Name}", Errors, link.Name);
        }
        catch (NetlinkException ex) when (master is int m && m > 0 && ex.Errno is Errno.EOPNOTSUPP or Errno.EINVAL or Errno.ELOOP or Errno.EBUSY)
        {
            // The kernel leaves the old master before it tries the new one: put the port back where it was.
            if (link.MasterIndex is int old && old > 0 && old != m)
                try { ctx.Socket.Execute(Links.SetRequest(link.Index, master: old), $"set {link.Name} master back", Errors, link.Name); }
                catch (NetlinkException) { }
            var masterName = Links.TryGet(ctx.Socket, m)?.Name ?? $"index {m}";
            var hint = ex.Errno == Errno.EOPNOTSUPP ? $" ('{masterName}' cannot have ports: the master must be a bridge, bond, team or vrf adapter)" : "";
            throw new NetnsException(ErrorIds.InvalidMaster, ex.Errno, $"Cannot make '{link.Name}' a port of '{masterName}' in {ctx.Description}: {ex.Ack.Describe()}{hint}", link.Name, ex);
        }
        catch (NetlinkException ex) { throw Map(ex, link.Name, "change", ctx.Description); }
    }

    public static void Remove(NamespaceContext ctx, LinkInfo link)
    {
        try
        {
            ctx.Socket.Execute(Links.DeleteRequest(link.Index), $"delete {link.Name}", Errors, link.Name);
        }
        catch (NetlinkException ex) { throw Map(ex, link.Name, "remove", ctx.Description); }
    }
}
