using NetnsPS.Core.Discovery;
using NetnsPS.Core.Threading;

namespace NetnsPS;

/// <summary>
/// A network namespace as the cmdlets emit it: a named one (an entry of /run/netns), or with Get-NetNamespace -All an
/// unnamed one found through a process or an nsfs mount (Name is then empty and Path opens it).
/// </summary>
public sealed class NetNamespace
{
    public NetNamespace(string name, string path, ulong device, ulong inode, int? id, int processCount, bool isStale)
    {
        Name = name; _path = path; _device = device; _inode = inode; _id = id; _processCount = processCount; _isStale = isStale;
    }

    /// <summary>ProcessCount and Processes are filled when either is first read, from <paramref name="processLookup"/> (inode ->
    /// ids of processes with a thread in it): a listing shares one /proc scan among its objects and skips it when nobody
    /// reads them (Get-NetNamespace | Remove-...).</summary>
    public NetNamespace(string name, string path, ulong device, ulong inode, int? id, Func<ulong, IReadOnlyCollection<int>> processLookup, bool isStale)
        : this(name, path, device, inode, id, 0, isStale)
    {
        _processCount = null;
        _processLookup = processLookup;
    }

    /// <summary>
    /// An entry of a whole listing, from its name alone: the path, and the stat behind Device, Inode, IsStale and IsHost, are
    /// made when one of them is first read, through <paramref name="stat"/> (path -> device, inode, is-host; null when the name
    /// is gone by then, which reads as a stale entry with device and inode 0). Get-NetNamespace | Remove-... reads none.
    /// </summary>
    public NetNamespace(string name, string directory, Func<string, (ulong Device, ulong Inode, bool IsHost)?> stat,
        Func<ulong, IReadOnlyCollection<int>> processLookup, Func<ulong, int?> idLookup)
    {
        Name = name; _directory = directory; _stat = stat; _processLookup = processLookup; _idLookup = idLookup;
    }

    private string? _path;
    private readonly string? _directory;
    private Func<string, (ulong Device, ulong Inode, bool IsHost)?>? _stat;
    private ulong _device, _inode;
    private bool _isStale, _isHost;

    /// <summary>Stats the path once, for an object made by the lazy constructor.</summary>
    private void Stat()
    {
        if (_stat is not { } stat) return;
        _stat = null;
        var s = stat(Path);
        if (s is { } v) { _device = v.Device; _inode = v.Inode; _isHost = v.IsHost; _isStale = v.Device != NamespaceHandle.NsfsDevice; }
        else _isStale = true;
        if (_isStale) { _idLookup = null; _processLookup = null; _isHost = false; }
    }

    private int? _processCount;
    private NetNamespaceProcessInfo[]? _processes;
    private Func<ulong, IReadOnlyCollection<int>>? _processLookup;

    /// <summary>Name under /run/netns; empty for an unnamed namespace.</summary>
    public string Name { get; }

    /// <summary>/run/netns/NAME; for an unnamed namespace a bind mount of it, or /proc/PID/ns/net (usable with -Namespace).</summary>
    public string Path => _path ??= _directory + "/" + Name;

    /// <summary>True for an entry of /run/netns.</summary>
    public bool IsNamed => Name.Length > 0;

    /// <summary>
    /// The namespace is the initial one (that of PID 1) or the one this PowerShell process runs in (/proc/self/ns/net),
    /// whatever it is called: Remove-NetNamespace -Force never stops its processes.
    /// </summary>
    public bool IsHost
    {
        get { Stat(); return _isHost; }
        init => _isHost = value;
    }

    /// <summary>Mount points of nsfs mounts of the namespace (/run/netns/NAME and bind mounts elsewhere), from /proc/self/mountinfo.</summary>
    public string[] MountPath { get; init; } = Array.Empty<string>();

    /// <summary>The processes in the namespace (id and command): those ProcessCount counts, from the same /proc scan.</summary>
    public NetNamespaceProcessInfo[] Processes
    {
        get
        {
            if (_processes is null) Resolve();
            return _processes!;
        }
        init { _processes = value; _processCount = value.Length; }
    }

    /// <summary>st_dev of the namespace inode (the nsfs device).</summary>
    public ulong Device
    {
        get { Stat(); return _device; }
    }

    /// <summary>Namespace inode, as `ls -i /run/netns/NAME` and /proc/PID/ns/net show it.</summary>
    public ulong Inode
    {
        get { Stat(); return _inode; }
    }

    /// <summary>nsid assigned in the caller's namespace (the "(id: N)" of `ip netns list`), null when none.</summary>
    public int? Id
    {
        get
        {
            Stat();
            if (_idLookup is { } lookup) { _id = lookup(Inode); _idLookup = null; }
            return _id;
        }
    }

    private int? _id;
    private Func<ulong, int?>? _idLookup;

    /// <summary>Id is read when first asked for, from <paramref name="value"/> (inode -> nsid): a listing finds the nsids of all its
    /// objects at once (one query per namespace while any assigned nsid is not accounted for) and skips it when nobody reads one.</summary>
    public Func<ulong, int?> IdLookup { init => _idLookup = value; }

    /// <summary>Processes with at least one thread in the namespace (the length of Processes).</summary>
    public int ProcessCount
    {
        get
        {
            if (_processCount is null) Resolve();
            return _processCount!.Value;
        }
    }

    /// <summary>Reads the processes (and so the count) once; a process that exits before its name is read is left out of both.</summary>
    private void Resolve()
    {
        Stat();
        if (_processLookup is null)
        {
            _processes ??= Array.Empty<NetNamespaceProcessInfo>();
            _processCount ??= _processes.Length;
            return;
        }
        var list = new List<NetNamespaceProcessInfo>();
        foreach (var pid in _processLookup(Inode))
            if (ProcScanner.Comm(pid) is string comm) list.Add(new NetNamespaceProcessInfo(pid, comm));
        _processes = list.ToArray();
        _processCount = _processes.Length;
    }

    /// <summary>The file in /run/netns is not a namespace mount (left over by a crash or a lazy unmount).</summary>
    public bool IsStale
    {
        get { Stat(); return _isStale; }
    }

    public override string ToString() => IsNamed ? Name : Path;

    public NamespaceIdentity Identity => new(Device, Inode);
}

/// <summary>A process in a namespace: its id and command name (/proc/PID/comm).</summary>
public sealed class NetNamespaceProcessInfo
{
    public NetNamespaceProcessInfo(int id, string name) { Id = id; Name = name; }

    public int Id { get; }
    public string Name { get; }

    public override string ToString() => $"{Name}({Id})";
}
