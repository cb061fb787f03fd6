using NetnsPS.Core.Discovery;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Namespaces;

/// <summary>
/// One namespace to work in: its handle and an rtnetlink socket created inside it (on a dedicated thread).
/// Name is "" for the caller's own namespace (the host, as people say). The descriptors are open only while the
/// namespace is among the few its <see cref="NamespaceSessions"/> used last: when evicted, the context closes them and
/// opens its file again on next use, checking that the file still is the same namespace (identity), so one invocation
/// over any number of namespaces holds a bounded number of descriptors.
/// </summary>
public sealed class NamespaceContext : IDisposable
{
    private readonly NamespaceSessions? _owner;
    private NamespaceHandle? _handle;
    private NetlinkSocket? _socket;
    private NetlinkSocket? _netfilter;
    private Dictionary<int, NamespaceContext?>? _byNsid;
    private HashSet<NamespaceIdentity>? _asked;
    internal LinkedListNode<NamespaceContext>? LruNode;

    internal NamespaceContext(string name, NamespaceHandle handle, NamespaceSessions? owner = null)
    {
        Name = name;
        Path = handle.Path;
        _handle = handle;
        Identity = handle.Identity;
        _owner = owner;
    }

    /// <summary>A context not opened yet: a namespace known by its path and identity (a listing), opened on first use.</summary>
    internal NamespaceContext(string name, string path, NamespaceIdentity identity, NamespaceSessions owner)
    {
        Name = name;
        Path = path;
        Identity = identity;
        _owner = owner;
    }

    public string Name { get; }
    public bool IsHost => Name.Length == 0;

    /// <summary>The file the namespace is opened from (opened again after an eviction).</summary>
    internal string Path { get; }

    /// <summary>True while the descriptors are open.</summary>
    internal bool IsOpen => _handle is not null;

    /// <summary>The namespace's descriptor (opened again, and checked to be the same namespace, after an eviction).</summary>
    public NamespaceHandle Handle
    {
        get
        {
            if (_handle is not null) { _owner?.Touch(this); return _handle; }
            _owner?.Opening(this);
            var h = NamespaceHandle.Open(Path, IsHost ? null : Name);
            NamespaceIdentity id;
            try { id = h.Identity; }
            catch { h.Dispose(); throw; }
            if (id != Identity)
            {
                h.Dispose();
                throw new NetnsException(ErrorIds.NamespaceNotFound, Errno.ENOENT,
                    $"{Description} was removed or replaced while this command ran ({Path} is now {id}, was {Identity}).", IsHost ? string.Empty : Name);
            }
            _handle = h;
            _owner?.Opened(this);
            return h;
        }
    }

    public NamespaceIdentity Identity { get; }

    /// <summary>For messages: "the host namespace" or "network namespace 'NAME'".</summary>
    public string Description => IsHost ? "the host namespace" : $"network namespace '{Name}'";

    /// <summary>A -WhatIf/-Confirm target: "ITEM in the host namespace" or "ITEM in network namespace 'NAME'".</summary>
    public string Target(string? item) => $"{item} in {Description}";

    /// <summary>Display form: the name, or "(host)".</summary>
    public string DisplayName => IsHost ? "(host)" : Name;

    public NetlinkSocket Socket
    {
        get
        {
            var h = Handle;
            return _socket ??= NetlinkSocket.Open(h);
        }
    }

    /// <summary>A NETLINK_NETFILTER socket made inside the namespace (nf_tables), opened on first use.</summary>
    public NetlinkSocket NetfilterSocket
    {
        get
        {
            var h = Handle;
            return _netfilter ??= NetlinkSocket.Open(h, NetlinkSocket.NETLINK_NETFILTER);
        }
    }

    /// <summary>
    /// The namespace that has <paramref name="nsid"/> as seen from this one. With the MAC address of a link known to live
    /// there (a veth's peer, read through IFLA_TARGET_NETNSID), the namespaces holding a veth with that address are asked
    /// (the invocation's index of veths, filled as namespaces are read, and read ahead when the address is not in it
    /// yet; before that, while few namespaces were read, the ones open now): each namespace is read at most once for the
    /// index, so resolving every peer of N namespaces costs O(N), not O(N²). Otherwise (or when the address is found nowhere) candidates (namespaces open now, the last peers
    /// found, the host and named namespaces, then unnamed ones found through processes and nsfs mounts) are asked one
    /// by one (RTM_GETNSID, each opened only for the question) until the id is found. Answers are cached.
    /// </summary>
    internal NamespaceContext? FindByNsid(NamespaceSessions sessions, int nsid, byte[]? peerAddress = null)
    {
        _byNsid ??= new Dictionary<int, NamespaceContext?>();
        if (_byNsid.TryGetValue(nsid, out var known)) return known;
        _asked ??= new HashSet<NamespaceIdentity>();
        if (peerAddress is { Length: > 0 })
        {
            // While the invocation has read few namespaces (a command about one or two), the ones open now are the likely
            // peers and reading ahead would read every namespace: those are asked first.
            if (!sessions.ReadsMany)
                foreach (var other in sessions.OpenNow())
                    if (Ask(sessions, other, nsid)) return other;
            foreach (var other in sessions.WithVeth(peerAddress))
                if (Ask(sessions, other, nsid)) return other;
        }
        foreach (var other in sessions.Candidates())
            if (Ask(sessions, other, nsid)) return other;
        _byNsid[nsid] = null;
        return null;
    }

    /// <summary>
    /// Learns the nsid <paramref name="other"/> has here (one question, cached), when the caller knows it is the
    /// namespace of a peer (a veth pair just made between the two), so the peer is not searched for.
    /// </summary>
    internal void Learn(NamespaceSessions sessions, NamespaceContext other)
    {
        _byNsid ??= new Dictionary<int, NamespaceContext?>();
        _asked ??= new HashSet<NamespaceIdentity>();
        if (other.Identity != Identity) Ask(sessions, other, -1);
    }

    /// <summary>Asks (once) which nsid <paramref name="other"/> has here; true when it is <paramref name="nsid"/>.</summary>
    private bool Ask(NamespaceSessions sessions, NamespaceContext other, int nsid)
    {
        if (!_asked!.Add(other.Identity)) return false;
        sessions.NsidQueries++;
        int? id;
        try { id = NsIds.Get(Socket, other.Handle); }
        catch (NetnsException ex) when (ex.ErrorCode is ErrorIds.NamespaceNotFound or ErrorIds.NamespaceOpenFailed or ErrorIds.NamespaceStale) { return false; }
        // No id (yet): the kernel assigns one when it first reports a link across the two, so ask again next time.
        if (id is not int found) { _asked.Remove(other.Identity); return false; }
        _byNsid!.TryAdd(found, other);
        if (found != nsid) return false;
        sessions.FoundPeer(other);
        return true;
    }

    /// <summary>Closes the descriptors; the context opens them again on next use.</summary>
    internal void Close()
    {
        _socket?.Dispose();
        _netfilter?.Dispose();
        _handle?.Dispose();
        _socket = _netfilter = null;
        _handle = null;
    }

    public void Dispose() => Close();
}

/// <summary>
/// The namespaces one cmdlet invocation touches. Resolves names ("" = host) and peers of veths (IFLA_LINK_NETNSID →
/// a namespace by nsid). Descriptors are bounded by <see cref="MaxOpen"/>, not by how many namespaces the invocation
/// reads: the least recently used context is closed when another one opens (it reopens by itself if used again).
/// </summary>
public sealed class NamespaceSessions : IDisposable
{
    /// <summary>How many namespaces keep their descriptors (a handle and up to two sockets each) at once.</summary>
    public const int MaxOpen = 16;

    /// <summary>How many namespaces found as veth peers are asked first on the next lookup.</summary>
    private const int RecentPeers = 8;

    private readonly Dictionary<string, NamespaceContext> _known = new(StringComparer.Ordinal);
    private readonly LinkedList<NamespaceContext> _lru = new();
    private readonly LinkedList<NamespaceContext> _peers = new();
    private List<NamespaceEntry>? _named;
    private List<(string Path, NamespaceIdentity Identity)>? _unnamed;
    private readonly Dictionary<string, List<NamespaceContext>> _vethsByAddress = new(StringComparer.Ordinal);
    private readonly HashSet<NamespaceIdentity> _indexed = new();
    private IEnumerator<NamespaceContext>? _ahead;

    /// <summary>How many contexts hold descriptors now (for tests).</summary>
    public int OpenCount => _lru.Count;

    /// <summary>How many RTM_GETNSID questions peer lookups asked (for tests: about one per veth, not one per namespace).</summary>
    internal int NsidQueries { get; set; }

    /// <summary>The context of a named namespace, or of the host for "" / null (opened now: a missing one is an error here).</summary>
    public NamespaceContext Get(string? name)
    {
        name ??= string.Empty;
        if (_known.TryGetValue(name, out var ctx)) return ctx;
        NamespaceHandle h;
        if (name.Length == 0) h = NamespaceHandle.OpenCurrentThread();
        else if (NamespaceStore.IsPath(name))
        {
            NamespaceStore.OpenPath(name); // the clear errors (missing / not a network namespace)
            h = NamespaceHandle.Open(name, name);
        }
        else
        {
            NamespaceStore.ValidateName(name);
            try { h = NamespaceHandle.Open(NamespaceStore.PathOf(name), name); }
            catch (NetnsException ex) when (ex.ErrorCode == ErrorIds.NamespaceNotFound)
            {
                throw new NetnsException(ErrorIds.NamespaceNotFound, Errno.ENOENT, $"No network namespace named '{name}' ({NamespaceStore.PathOf(name)} does not exist).", name);
            }
        }
        // The host's context is never evicted (its file, /proc/thread-self/ns/net, names whichever thread opens it).
        if (name.Length == 0) ctx = new NamespaceContext(name, h);
        else
        {
            Opening(null);
            ctx = new NamespaceContext(name, h, this);
            Opened(ctx);
        }
        _known[name] = ctx;
        return ctx;
    }

    /// <summary>Called before a context opens its descriptors: closes the least recently used ones beyond the bound.</summary>
    internal void Opening(NamespaceContext? ctx)
    {
        while (_lru.Count >= MaxOpen)
        {
            var victim = _lru.Last!.Value;
            _lru.RemoveLast();
            victim.LruNode = null;
            victim.Close();
            if (_known.TryGetValue(victim.Name, out var k) && ReferenceEquals(k, victim)) _known.Remove(victim.Name);
        }
    }

    internal void Opened(NamespaceContext ctx)
    {
        if (ctx.LruNode is not null) _lru.Remove(ctx.LruNode);
        ctx.LruNode = _lru.AddFirst(ctx);
    }

    internal void Touch(NamespaceContext ctx)
    {
        if (ctx.LruNode is { } node && node != _lru.First)
        {
            _lru.Remove(node);
            _lru.AddFirst(node);
        }
    }

    /// <summary>A context for a listed namespace: the one already known by that name (same identity), else a new one, not opened yet.</summary>
    private NamespaceContext Lazy(string name, string path, NamespaceIdentity identity)
    {
        if (_known.TryGetValue(name, out var k) && k.Identity == identity) return k;
        return new NamespaceContext(name, path, identity, this);
    }

    /// <summary>The named entries of /run/netns, listed once per invocation (an index: names, paths, identities).</summary>
    private List<NamespaceEntry> Named() => _named ??= NamespaceStore.List().FindAll(e => !e.IsStale);

    /// <summary>The unnamed namespaces (NamespaceScan): a path that opens each (a bind mount, or /proc/PID/ns/net), scanned once.</summary>
    private List<(string Path, NamespaceIdentity Identity)> Unnamed()
    {
        if (_unnamed is not null) return _unnamed;
        var have = new HashSet<ulong>(Named().Select(e => e.Identity.Inode)) { Get("").Identity.Inode };
        var dev = NamespaceHandle.NsfsDevice;
        _unnamed = new List<(string, NamespaceIdentity)>();
        foreach (var s in NamespaceScan.Scan().Values.OrderBy(s => s.Inode))
            if (!have.Contains(s.Inode) && s.Path.Length > 0) _unnamed.Add((s.Path, new NamespaceIdentity(dev, s.Inode)));
        return _unnamed;
    }

    /// <summary>The host and every named namespace, as contexts opened only when used.</summary>
    public IEnumerable<NamespaceContext> AllKnown() => AllKnown(false);

    /// <summary>
    /// With <paramref name="includeUnnamed"/>: also every unnamed namespace (NamespaceScan), each opened by its path
    /// (a bind mount, or /proc/PID/ns/net), so that its Name is that path. Lazy: each context opens its namespace
    /// when used (those that vanish meanwhile fail then with NamespaceNotFound); at most <see cref="MaxOpen"/> stay open.
    /// </summary>
    public IEnumerable<NamespaceContext> AllKnown(bool includeUnnamed)
    {
        yield return Get("");
        foreach (var e in Named()) yield return Lazy(e.Name, e.Path, e.Identity);
        if (!includeUnnamed) yield break;
        foreach (var (path, id) in Unnamed()) yield return Lazy(path, path, id);
    }

    /// <summary>Who to ask about an nsid: the namespaces open now and the last peers found first, then everything.</summary>
    internal IEnumerable<NamespaceContext> Candidates() => OpenNow().Concat(AllKnown(true));

    /// <summary>The namespaces open now (most recently used first) and the last peers found.</summary>
    internal IEnumerable<NamespaceContext> OpenNow() => _lru.ToList().Concat(_peers.ToList());

    /// <summary>True once the invocation has read the links of more namespaces than stay open (a many-namespace read).</summary>
    internal bool ReadsMany => _indexed.Count > MaxOpen;

    internal void FoundPeer(NamespaceContext ctx)
    {
        var node = _peers.Find(ctx);
        if (node is not null) _peers.Remove(node);
        _peers.AddFirst(ctx);
        while (_peers.Count > RecentPeers) _peers.RemoveLast();
    }

    /// <summary>
    /// Every namespace once (by identity): the host, the named ones (by name), then the unnamed ones (by inode); none
    /// of them is opened here.
    /// </summary>
    public List<NamespaceContext> Everything()
    {
        var seen = new HashSet<NamespaceIdentity>();
        var result = new List<NamespaceContext>();
        foreach (var c in AllKnown(true))
            if (seen.Add(c.Identity)) result.Add(c);
        return result;
    }

    /// <summary>
    /// The namespace a link's IFLA_LINK lives in: its own when no nsid is given, else looked up by nsid (with
    /// <paramref name="peerAddress"/>, the MAC address of the peer, through the index of veths).
    /// </summary>
    public NamespaceContext? ResolvePeerNamespace(NamespaceContext of, LinkInfo link, byte[]? peerAddress = null)
    {
        if (link.LinkNetnsId is not int nsid) return of;
        return of.FindByNsid(this, nsid, peerAddress);
    }

    /// <summary>
    /// Records the veths of <paramref name="ctx"/> by MAC address (once per namespace), so that a peer is found by its
    /// address instead of by asking every namespace. Holds names and identities only, never descriptors.
    /// </summary>
    public void IndexVeths(NamespaceContext ctx, IEnumerable<LinkInfo> links)
    {
        if (!_indexed.Add(ctx.Identity)) return;
        foreach (var l in links)
        {
            if (l.Kind != "veth" || l.Address is not { Length: > 0 } a) continue;
            var key = Convert.ToHexString(a);
            if (!_vethsByAddress.TryGetValue(key, out var list)) _vethsByAddress[key] = list = new List<NamespaceContext>(1);
            list.Add(ctx);
        }
    }

    /// <summary>
    /// The namespaces known to hold a veth with MAC address <paramref name="address"/>: those indexed so far, then, while
    /// the caller asks for more, those found by reading ahead (the next namespaces not indexed yet, in listing order,
    /// each opened only to dump its links).
    /// </summary>
    internal IEnumerable<NamespaceContext> WithVeth(byte[] address)
    {
        var key = Convert.ToHexString(address);
        int seen = 0;
        while (true)
        {
            if (_vethsByAddress.TryGetValue(key, out var list))
                while (seen < list.Count) yield return list[seen++];
            if (!IndexNext()) yield break;
        }
    }

    /// <summary>Indexes the next namespace not indexed yet (false when every one is).</summary>
    private bool IndexNext()
    {
        _ahead ??= AllKnown(true).GetEnumerator();
        while (_ahead.MoveNext())
        {
            var c = _ahead.Current;
            if (_indexed.Contains(c.Identity)) continue;
            List<LinkInfo> links;
            try { links = Links.Dump(c.Socket, c.DisplayName); }
            // gone since it was listed: nothing to index
            catch (NetnsException ex) when (ex.ErrorCode is ErrorIds.NamespaceNotFound or ErrorIds.NamespaceOpenFailed or ErrorIds.NamespaceStale) { _indexed.Add(c.Identity); continue; }
            IndexVeths(c, links);
            return true;
        }
        return false;
    }

    public void Dispose()
    {
        foreach (var c in _lru) { c.LruNode = null; c.Close(); }
        _lru.Clear();
        foreach (var c in _known.Values) c.Close();
        _known.Clear();
        _peers.Clear();
        _ahead?.Dispose();
        _ahead = null;
    }
}
