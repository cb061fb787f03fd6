namespace NetnsPS;

/// <summary>A change of /run/netns seen by <see cref="NamespaceWatcher"/>.</summary>
public sealed class NetNamespaceEvent
{
    /// <summary>Added or Removed.</summary>
    public string Event { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    public DateTime Time { get; init; }
    public override string ToString() => $"{Event} {Name}";
}

/// <summary>An adapter added, removed or changed in a watched namespace, seen by <see cref="Core.Namespaces.LinkWatcher"/>.</summary>
public sealed class NetNamespaceAdapterEvent
{
    public DateTime TimeCreated { get; init; }
    /// <summary>The namespace name ('' for the host).</summary>
    public string Namespace { get; init; } = string.Empty;
    /// <summary>Added, Removed or Changed.</summary>
    public string EventType { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    /// <summary>The previous name when a Changed event is a rename.</summary>
    public string? OldName { get; init; }
    public int Index { get; init; }
    public string? Kind { get; init; }
    public bool IsUp { get; init; }
    /// <summary>Operational state (Up, Down, LowerLayerDown, Unknown...).</summary>
    public string State { get; init; } = string.Empty;
    public string? MacAddress { get; init; }
    public int Mtu { get; init; }
    public override string ToString() => $"{EventType} {Name}";
}
