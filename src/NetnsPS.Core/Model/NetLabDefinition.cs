using System.Collections;
using System.Text.Json;

namespace NetnsPS;

/// <summary>
/// The definition a lab was built from (NetLab.Definition), as plain data: Name, Namespaces, Bridges and Links hold the
/// same hashtable-like dictionaries and lists New-NetLab -Definition takes, so `$lab.Definition.Links[0].Endpoints[1]`
/// reads like the definition and `New-NetLab -Definition $lab.Definition` builds the lab again. Not a collection itself,
/// so it shows as a summary ("3 namespaces, 2 links, 1 bridge") instead of .NET type names; ToJson() gives the whole.
/// </summary>
public sealed class NetLabDefinition
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public NetLabDefinition(IDictionary<string, object?> data) => Data = data;

    /// <summary>The definition as one dictionary (keys Name, Namespaces, Bridges, Links).</summary>
    public IDictionary<string, object?> Data { get; }

    public string Name => Data.TryGetValue("Name", out var n) && n is not null ? n.ToString() ?? string.Empty : string.Empty;

    /// <summary>One dictionary per namespace: Name, Forwarding, Routes (Destination, Gateway, Adapter, Metric), Masquerade.</summary>
    public object?[] Namespaces => Items("Namespaces");

    /// <summary>One dictionary per bridge: Namespace, Name, Address.</summary>
    public object?[] Bridges => Items("Bridges");

    /// <summary>One dictionary per link: Mtu, Endpoints (two dictionaries: Namespace, Adapter, Address, Bridge).</summary>
    public object?[] Links => Items("Links");

    private object?[] Items(string key) =>
        Data.TryGetValue(key, out var v) && v is IEnumerable e and not string ? e.Cast<object?>().ToArray() : Array.Empty<object?>();

    /// <summary>The definition as JSON (what the lab's state file holds, and what New-NetLab -Definition FILE.json reads).</summary>
    public string ToJson() => JsonSerializer.Serialize(Data, Indented);

    public override string ToString()
    {
        static string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";
        var parts = $"{Count(Namespaces.Length, "namespace", "namespaces")}, {Count(Links.Length, "link", "links")}";
        if (Bridges.Length > 0) parts += $", {Count(Bridges.Length, "bridge", "bridges")}";
        return Name.Length == 0 ? parts : $"{Name}: {parts}";
    }
}
