using NetnsPS.Core.Namespaces;

namespace NetnsPS;

/// <summary>
/// A network namespace as the cmdlets emit it: a named one (an entry of /run/netns), or with Get-NetNamespace -All an
/// unnamed one found through a process or an nsfs mount (Name is then empty and Path opens it).
/// </summary>
public sealed class NetNamespace
{
    public NetNamespace(string name, string path, ulong device, ulong inode, int? id, int processCount, bool isStale)
    {
        Name = name; Path = path; Device = device; Inode = inode; Id = id; _processCount = processCount; IsStale = isStale;
    }

    /// <summary>ProcessCount is counted when first read, by <paramref name="processCounter"/> (inode -> processes): a listing
    /// shares one /proc scan among its objects and skips it when nobody reads the count (Get-NetNamespace | Remove-...).</summary>
    public NetNamespace(string name, string path, ulong device, ulong inode, int? id, Func<ulong, int> processCounter, bool isStale)
        : this(name, path, device, inode, id, 0, isStale)
    {
        _processCount = null;
        _processCounter = processCounter;
    }

    private int? _processCount;
    private readonly Func<ulong, int>? _processCounter;

    /// <summary>Name under /run/netns; empty for an unnamed namespace.</summary>
    public string Name { get; }

    /// <summary>/run/netns/NAME; for an unnamed namespace a bind mount of it, or /proc/PID/ns/net (usable with -Namespace).</summary>
    public string Path { get; }

    /// <summary>True for an entry of /run/netns.</summary>
    public bool IsNamed => Name.Length > 0;

    /// <summary>
    /// The namespace is the initial one (that of PID 1) or the one this PowerShell process runs in (/proc/self/ns/net),
    /// whatever it is called: Remove-NetNamespace -Force never stops its processes.
    /// </summary>
    public bool IsHost { get; init; }

    /// <summary>Mount points of nsfs mounts of the namespace (/run/netns/NAME and bind mounts elsewhere), from /proc/self/mountinfo.</summary>
    public string[] MountPath { get; init; } = Array.Empty<string>();

    /// <summary>The processes in the namespace (id and command). Filled by Get-NetNamespace -All.</summary>
    public NetNamespaceProcessInfo[] Processes { get; init; } = Array.Empty<NetNamespaceProcessInfo>();

    /// <summary>st_dev of the namespace inode (the nsfs device).</summary>
    public ulong Device { get; }

    /// <summary>Namespace inode, as `ls -i /run/netns/NAME` and /proc/PID/ns/net show it.</summary>
    public ulong Inode { get; }

    /// <summary>nsid assigned in the caller's namespace (the "(id: N)" of `ip netns list`), null when none.</summary>
    public int? Id { get; }

    /// <summary>Processes with at least one thread in the namespace.</summary>
    public int ProcessCount => _processCount ??= _processCounter!(Inode);

    /// <summary>The file in /run/netns is not a namespace mount (left over by a crash or a lazy unmount).</summary>
    public bool IsStale { get; }

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
