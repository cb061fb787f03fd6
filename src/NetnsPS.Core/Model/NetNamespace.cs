using NetnsPS.Core.Namespaces;

namespace NetnsPS;

/// <summary>A named network namespace (an entry of /run/netns) as the cmdlets emit it.</summary>
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

    /// <summary>Name under /run/netns.</summary>
    public string Name { get; }

    /// <summary>/run/netns/NAME.</summary>
    public string Path { get; }

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

    public override string ToString() => Name;

    public NamespaceIdentity Identity => new(Device, Inode);
}
