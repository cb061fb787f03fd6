namespace NetnsPS;

/// <summary>An nsid: the number a namespace has in the nsid table of another one (ip netns list-id).</summary>
public sealed class NetNamespaceId
{
    /// <summary>The namespace whose table holds the id: '' for the caller's own (host), else a name or an nsfs path.</summary>
    public string SeenFrom { get; init; } = string.Empty;

    /// <summary>The nsid; null when the target has none (only with -TargetNamespace).</summary>
    public int? Id { get; init; }

    /// <summary>The namespace with that id: a name, an nsfs path for an unnamed one, '' for the host; null when it was not found.</summary>
    public string? Namespace { get; init; }

    /// <summary>Inode of the namespace with that id, when found.</summary>
    public ulong? Inode { get; init; }

    public override string ToString() => $"{Id}";
}
