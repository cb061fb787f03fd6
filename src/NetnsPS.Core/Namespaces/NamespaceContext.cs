using NetnsPS.Core.Discovery;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Namespaces;

/// <summary>
/// One namespace to work in: its handle and an rtnetlink socket created inside it (on a dedicated thread).
/// Name is "" for the caller's own namespace (the host, as people say).
/// </summary>
public sealed class NamespaceContext : IDisposable
{
    private NetlinkSocket? _socket;
    private NetlinkSocket? _netfilter;
    private Dictionary<int, NamespaceContext?>? _byNsid;
    private HashSet<NamespaceIdentity>? _asked;

    internal NamespaceContext(string name, NamespaceHandle handle)
    {
        Name = name;
        Handle = handle;
        Identity = handle.Identity;
    }

    public string Name { get; }
    public bool IsHost => Name.Length == 0;
    public NamespaceHandle Handle { get; }
    public NamespaceIdentity Identity { get; }

    /// <summary>For messages: "the host namespace" or "network namespace 'NAME'".</summary>
    public string Description => IsHost ? "the host namespace" : $"network namespace '{Name}'";

    /// <summary>A -WhatIf/-Confirm target: "ITEM in the host namespace" or "ITEM in network namespace 'NAME'".</summary>
    public string Target(string? item) => $"{item} in {Description}";

    /// <summary>Display form: the name, or "(host)".</summary>
    public string DisplayName => IsHost ? "(host)" : Name;

    public NetlinkSocket Socket => _socket ??= NetlinkSocket.Open(Handle);

    /// <summary>A NETLINK_NETFILTER socket made inside the namespace (nf_tables), opened on first use.</summary>
    public NetlinkSocket NetfilterSocket => _netfilter ??= NetlinkSocket.Open(Handle, NetlinkSocket.NETLINK_NETFILTER);

    /// <summary>
    /// The namespace that has <paramref name="nsid"/> as seen from this one. Candidates (host and named namespaces,
    /// then unnamed ones found through processes and nsfs mounts) are asked one by one (RTM_GETNSID) only until the
    /// id is found; answers are cached for later lookups.
    /// </summary>
    internal NamespaceContext? FindByNsid(NamespaceSessions sessions, int nsid)
    {
        _byNsid ??= new Dictionary<int, NamespaceContext?>();
        if (_byNsid.TryGetValue(nsid, out var known)) return known;
        _asked ??= new HashSet<NamespaceIdentity>();
        foreach (var unnamed in new[] { false, true })
            foreach (var other in sessions.AllKnown(unnamed))
            {
                if (!_asked.Add(other.Identity)) continue;
                if (NsIds.Get(Socket, other.Handle) is int id)
                {
                    _byNsid.TryAdd(id, other);
                    if (id == nsid) return other;
                }
            }
        return null;
    }

    public void Dispose()
    {
        _socket?.Dispose();
        _netfilter?.Dispose();
        Handle.Dispose();
    }
}

/// <summary>
/// The namespaces one cmdlet invocation touches, each opened once (handle + socket) and closed at the end.
/// Resolves names ("" = host) and peers of veths (IFLA_LINK_NETNSID → a namespace by nsid).
/// </summary>
public sealed class NamespaceSessions : IDisposable
{
    private readonly Dictionary<string, NamespaceContext> _open = new(StringComparer.Ordinal);
    private bool _allOpened;
    private bool _unnamedOpened;

    /// <summary>The context of a named namespace, or of the host for "" / null.</summary>
    public NamespaceContext Get(string? name)
    {
        name ??= string.Empty;
        if (_open.TryGetValue(name, out var ctx)) return ctx;
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
        ctx = new NamespaceContext(name, h);
        _open[name] = ctx;
        return ctx;
    }

    /// <summary>The host and every named namespace (opened on first use).</summary>
    public IEnumerable<NamespaceContext> AllKnown()
    {
        if (!_allOpened)
        {
            Get("");
            foreach (var e in NamespaceStore.List())
            {
                if (e.IsStale || _open.ContainsKey(e.Name)) continue;
                try { Get(e.Name); } catch (NetnsException) { /* removed meanwhile */ }
            }
            _allOpened = true;
        }
        return _open.Values.ToList();
    }

    /// <summary>
    /// With <paramref name="includeUnnamed"/>: also every unnamed namespace (NamespaceScan), each opened by its path
    /// (a bind mount, or /proc/PID/ns/net), so that its Name is that path. Namespaces that vanish meanwhile are skipped.
    /// </summary>
    public IEnumerable<NamespaceContext> AllKnown(bool includeUnnamed)
    {
        var known = AllKnown();
        if (!includeUnnamed) return known;
        if (!_unnamedOpened)
        {
            var have = new HashSet<ulong>(known.Select(c => c.Identity.Inode));
            foreach (var s in NamespaceScan.Scan().Values.OrderBy(s => s.Inode))
            {
                if (have.Contains(s.Inode) || s.Path.Length == 0) continue;
                try { if (Get(s.Path).Identity.Inode == s.Inode) have.Add(s.Inode); }
                catch (NetnsException) { /* the process or mount went away */ }
            }
            _unnamedOpened = true;
        }
        return _open.Values.ToList();
    }

    /// <summary>Every namespace once (by identity): the host, the named ones (by name), then the unnamed ones (by inode).</summary>
    public List<NamespaceContext> Everything()
    {
        var all = AllKnown(true).ToList();
        var seen = new HashSet<NamespaceIdentity>();
        var result = new List<NamespaceContext>(all.Count);
        foreach (var c in all.OrderBy(c => c.IsHost ? 0 : NamespaceStore.IsPath(c.Name) ? 2 : 1)
                     .ThenBy(c => NamespaceStore.IsPath(c.Name) ? string.Empty : c.Name, StringComparer.Ordinal)
                     .ThenBy(c => c.Identity.Inode))
            if (seen.Add(c.Identity)) result.Add(c);
        return result;
    }

    /// <summary>The namespace a link's IFLA_LINK lives in: its own when no nsid is given, else looked up by nsid.</summary>
    public NamespaceContext? ResolvePeerNamespace(NamespaceContext of, LinkInfo link)
    {
        if (link.LinkNetnsId is not int nsid) return of;
        return of.FindByNsid(this, nsid);
    }

    public void Dispose()
    {
        foreach (var c in _open.Values) c.Dispose();
        _open.Clear();
    }
}
