namespace NetnsPS.Core.Tests.Labs;

/// <summary>Lab definitions as plain data, the shape LabDefinition.Parse takes from a hashtable (for the Labs tests).</summary>
internal static class LabData
{
    public static Dictionary<string, object?> Map(params (string Key, object? Value)[] pairs)
        => pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    public static Dictionary<string, object?> End(string ns, string adapter, string? bridge = null, string? address = null)
    {
        var m = Map(("Namespace", ns), ("Adapter", adapter));
        if (bridge is not null) m["Bridge"] = bridge;
        if (address is not null) m["Address"] = address;
        return m;
    }

    public static Dictionary<string, object?> Link(Dictionary<string, object?> a, Dictionary<string, object?> b, int? mtu = null)
    {
        var m = Map(("Endpoints", new List<object?> { a, b }));
        if (mtu is not null) m["Mtu"] = mtu;
        return m;
    }
}
