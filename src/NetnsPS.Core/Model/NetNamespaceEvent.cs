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

/// <summary>An adapter added, removed or changed in a watched namespace, seen by <see cref="Core.Watch.LinkWatcher"/>.</summary>
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
    /// <summary>
    /// For a Changed event, what changed against the adapter's previous state, one "Property old->new" each: Name, IsUp,
    /// State, MacAddress, Mtu, Master (e.g. "Mtu 1500->1400", "IsUp False->True", "Master none->br0"). Empty for Added
    /// and Removed.
    /// </summary>
    public string[] Changes { get; init; } = Array.Empty<string>();
    public override string ToString() => Changes.Length == 0 ? $"{EventType} {Name}" : $"{EventType} {Name}: {string.Join(", ", Changes)}";
}
