using NetnsPS.Core.Interop;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Core.Namespaces;

/// <summary>
/// One namespace to work in: its handle and an rtnetlink socket created inside it (on a dedicated thread).
/// Name is "" for the caller's own namespace (the host, as people say).
/// </summary>
public sealed class NamespaceContext : IDisposable
{
    private NetlinkSocket? _socket;
    private Dictionary<int, NamespaceContext?>? _byNsid;

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

    /// <summary>Display form: the name, or "(host)".</summary>
    public string DisplayName => IsHost ? "(host)" : Name;

    public NetlinkSocket Socket => _socket ??= NetlinkSocket.Open(Handle);

    internal Dictionary<int, NamespaceContext?> NsidMap(NamespaceSessions sessions)
    {
        if (_byNsid is not null) return _byNsid;
        _byNsid = new Dictionary<int, NamespaceContext?>();
        foreach (var other in sessions.AllKnown())
        {
            int? id = NsIds.Get(Socket, other.Handle);
            if (id is int v) _byNsid.TryAdd(v, other);
        }
        return _byNsid;
    }

    public void Dispose()
    {
        _socket?.Dispose();
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

    /// <summary>The context of a named namespace, or of the host for "" / null.</summary>
    public NamespaceContext Get(string? name)
    {
        name ??= string.Empty;
        if (_open.TryGetValue(name, out var ctx)) return ctx;
        NamespaceHandle h;
        if (name.Length == 0) h = NamespaceHandle.OpenCurrentThread();
        else
        {
            NamespaceStore.ValidateName(name);
            try { h = NamespaceHandle.Open(NamespaceStore.PathOf(name), name); }
            catch (NetnsException ex) when (ex.ErrorCode == "NamespaceNotFound")
            {
                throw new NetnsException("NamespaceNotFound", Errno.ENOENT, $"No network namespace named '{name}' ({NamespaceStore.PathOf(name)} does not exist).", name);
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

    /// <summary>The namespace a link's IFLA_LINK lives in: its own when no nsid is given, else looked up by nsid.</summary>
    public NamespaceContext? ResolvePeerNamespace(NamespaceContext of, LinkInfo link)
    {
        if (link.LinkNetnsId is not int nsid) return of;
        return of.NsidMap(this).TryGetValue(nsid, out var ctx) ? ctx : null;
    }

    public void Dispose()
    {
        foreach (var c in _open.Values) c.Dispose();
        _open.Clear();
    }
}
