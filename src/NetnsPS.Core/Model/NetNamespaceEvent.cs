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
