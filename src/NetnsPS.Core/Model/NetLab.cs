namespace NetnsPS;

/// <summary>One end of a lab link as built: full namespace name ("" = host), adapter name, addresses (CIDR), the bridge it is a port of.</summary>
public sealed class NetLabEndpoint
{
    public string Namespace { get; init; } = string.Empty;
    public string Adapter { get; init; } = string.Empty;
    public string[] Addresses { get; init; } = Array.Empty<string>();
    /// <summary>The bridge (in the same namespace) this adapter is a port of, or null.</summary>
    public string? Bridge { get; init; }
    /// <summary>The shaping of what this end sends ("tbf rate 10Mbit", "netem delay 100ms loss 1%"), or null.</summary>
    public string? Shaping { get; init; }
    public override string ToString() => $"{(Namespace.Length == 0 ? "(host)" : Namespace)}/{Adapter}{(Bridge is null ? "" : $" [{Bridge}]")}{(Shaping is null ? "" : $" ({Shaping})")}";
}

/// <summary>A bridge of a lab as built: full namespace name, bridge name, addresses (CIDR), ports (adapter names).</summary>
public sealed class NetLabBridge
{
    public string Namespace { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    public string[] Addresses { get; init; } = Array.Empty<string>();
    public string[] Ports { get; init; } = Array.Empty<string>();
    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>A veth link of a lab.</summary>
public sealed class NetLabLink
{
    public NetLabEndpoint A { get; init; } = new();
    public NetLabEndpoint B { get; init; } = new();
    public override string ToString() => $"{A} <-> {B}";
}

/// <summary>A lab made by New-NetLab, or found by Get-NetLab (from its state file under /run/netnsps/labs).</summary>
public sealed class NetLab
{
    /// <summary>The lab's name (the definition's Name).</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Prefix of every namespace (and host adapter) name the lab made; it identifies the lab.</summary>
    public string Prefix { get; init; } = string.Empty;

    /// <summary>Full names of the lab's namespaces, in definition order.</summary>
    public string[] Namespaces { get; init; } = Array.Empty<string>();

    /// <summary>Short name (as in the definition) → full namespace name.</summary>
    public IReadOnlyDictionary<string, string> NamespaceMap { get; init; } = new Dictionary<string, string>();

    /// <summary>Adapters the lab made in the host namespace (host ends of links).</summary>
    public string[] HostAdapters { get; init; } = Array.Empty<string>();

    public NetLabLink[] Links { get; init; } = Array.Empty<NetLabLink>();

    /// <summary>Bridges in the lab's namespaces, with their ports.</summary>
    public NetLabBridge[] Bridges { get; init; } = Array.Empty<NetLabBridge>();

    /// <summary>Routes per namespace, as text ("ns: default via 10.0.1.1").</summary>
    public string[] Routes { get; init; } = Array.Empty<string>();

    /// <summary>Masquerading adapters per namespace, as text ("router: wan0").</summary>
    public string[] Nat { get; init; } = Array.Empty<string>();

    /// <summary>Port forwards per namespace, as text ("ns: TCP *:8080 -> 10.0.1.2:80").</summary>
    public string[] PortForwards { get; init; } = Array.Empty<string>();

    public DateTime Created { get; init; }

    /// <summary>The state file that marks the lab as present.</summary>
    public string StatePath { get; init; } = string.Empty;

    /// <summary>Namespaces of the lab that exist now (Get-NetLab); all of them right after New-NetLab.</summary>
    public int NamespacesPresent { get; init; }

    /// <summary>The definition the lab was built from (plain data, shown as a summary; see <see cref="NetLabDefinition"/>).</summary>
    public NetLabDefinition? Definition { get; init; }

    /// <summary>The host this part of a lab spanning hosts is on (a key of the definition's Hosts); "" for the local machine.</summary>
    public string Host { get; init; } = string.Empty;

    /// <summary>Every host a spanning lab has parts on (the local machine is ""); empty for a lab on one machine.</summary>
    public string[] Hosts { get; init; } = Array.Empty<string>();

    /// <summary>The full name of a namespace of the lab from its short name.</summary>
    public string NamespaceOf(string shortName) =>
        NamespaceMap.TryGetValue(shortName, out var full) ? full : throw new KeyNotFoundException($"Lab '{Name}' has no namespace '{shortName}'.");

    public override string ToString() => $"{Name} ({Prefix})";
}
