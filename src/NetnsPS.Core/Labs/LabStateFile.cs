using System.Text.Json;
using NetnsPS.Core.Addressing;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink.Rtnl;
using NetnsPS.Core.Routing;
using NetnsPS.Core.Sysctl;

namespace NetnsPS.Core.Labs;

/// <summary>
/// A lab's state file under /run/netnsps/labs: written before the first build step, it marks the lab and lists what
/// it is made of (and its definition), so Get-NetLab finds it and Remove-NetLab can remove a half-built lab.
/// </summary>
public static class LabStateFile
{
    public const string StateDir = "/run/netnsps/labs";

    public static string PathOf(string prefix) => Path.Combine(StateDir, Uri.EscapeDataString(prefix) + ".json");


    internal static void Write(NetLab lab)
    {
        try
        {
            Directory.CreateDirectory(StateDir);
            var tmp = lab.StatePath + ".tmp";
            File.WriteAllText(tmp, JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["Name"] = lab.Name,
                ["Prefix"] = lab.Prefix,
                ["Created"] = lab.Created.ToString("o"),
                ["Namespaces"] = lab.Namespaces,
                ["NamespaceMap"] = lab.NamespaceMap,
                ["HostAdapters"] = lab.HostAdapters,
                ["Links"] = lab.Links.Select(l => new[] { l.A, l.B }.Select(e => new Dictionary<string, object?>
                {
                    ["Namespace"] = e.Namespace, ["Adapter"] = e.Adapter, ["Addresses"] = e.Addresses, ["Bridge"] = e.Bridge,
                    ["Shaping"] = e.Shaping,
                })).ToList(),
                ["Bridges"] = lab.Bridges.Select(b => new Dictionary<string, object?>
                {
                    ["Namespace"] = b.Namespace, ["Name"] = b.Name, ["Addresses"] = b.Addresses, ["Ports"] = b.Ports,
                }).ToList(),
                ["Routes"] = lab.Routes,
                ["Nat"] = lab.Nat,
                ["PortForwards"] = lab.PortForwards,
                ["Definition"] = lab.Definition?.Data,
                ["Host"] = lab.Host,
                ["Hosts"] = lab.Hosts,
            }, new JsonSerializerOptions { WriteIndented = true }));
            File.Move(tmp, lab.StatePath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NetnsException(ErrorIds.NetLabStateFailed, ex is UnauthorizedAccessException ? Errno.EACCES : Errno.EIO,
                $"Cannot write the lab state file {lab.StatePath}: {ex.Message}", lab.StatePath, ex);
        }
    }

    /// <summary>Every lab with a state file, in prefix order. Unreadable files are reported through <paramref name="onError"/>.</summary>
    public static List<NetLab> ReadAll(Action<NetnsException>? onError = null)
    {
        var result = new List<NetLab>();
        if (!Directory.Exists(StateDir)) return result;
        foreach (var f in Directory.EnumerateFiles(StateDir, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            try { result.Add(Read(f)); }
            catch (Exception ex) when (ex is IOException or JsonException or InvalidOperationException or KeyNotFoundException)
            {
                onError?.Invoke(new NetnsException(ErrorIds.NetLabStateInvalid, Errno.EINVAL, $"Cannot read lab state file {f}: {ex.Message}", f, ex));
            }
        }
        return result;
    }

    private static NetLab Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var r = doc.RootElement;
        string[] Strings(string key) => r.TryGetProperty(key, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(x => x.GetString() ?? "").ToArray() : Array.Empty<string>();
        var namespaces = Strings("Namespaces");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (r.TryGetProperty("NamespaceMap", out var m) && m.ValueKind == JsonValueKind.Object)
            foreach (var p in m.EnumerateObject()) map[p.Name] = p.Value.GetString() ?? "";
        var links = new List<NetLabLink>();
        if (r.TryGetProperty("Links", out var ls) && ls.ValueKind == JsonValueKind.Array)
            foreach (var l in ls.EnumerateArray())
            {
                var ends = l.EnumerateArray().Select(e => new NetLabEndpoint
                {
                    Namespace = e.GetProperty("Namespace").GetString() ?? "",
                    Adapter = e.GetProperty("Adapter").GetString() ?? "",
                    Addresses = e.GetProperty("Addresses").EnumerateArray().Select(x => x.GetString() ?? "").ToArray(),
                    Bridge = e.TryGetProperty("Bridge", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null,
                    Shaping = e.TryGetProperty("Shaping", out var sh) && sh.ValueKind == JsonValueKind.String ? sh.GetString() : null,
                }).ToArray();
                if (ends.Length == 2) links.Add(new NetLabLink { A = ends[0], B = ends[1] });
            }
        var bridges = new List<NetLabBridge>();
        if (r.TryGetProperty("Bridges", out var bs) && bs.ValueKind == JsonValueKind.Array)
            foreach (var b in bs.EnumerateArray())
                bridges.Add(new NetLabBridge
                {
                    Namespace = b.GetProperty("Namespace").GetString() ?? "",
                    Name = b.GetProperty("Name").GetString() ?? "",
                    Addresses = b.GetProperty("Addresses").EnumerateArray().Select(x => x.GetString() ?? "").ToArray(),
                    Ports = b.GetProperty("Ports").EnumerateArray().Select(x => x.GetString() ?? "").ToArray(),
                });
        return new NetLab
        {
            Name = r.GetProperty("Name").GetString() ?? "",
            Prefix = r.GetProperty("Prefix").GetString() ?? "",
            Namespaces = namespaces,
            NamespaceMap = map,
            HostAdapters = Strings("HostAdapters"),
            Links = links.ToArray(),
            Bridges = bridges.ToArray(),
            Routes = Strings("Routes"),
            Nat = Strings("Nat"),
            PortForwards = Strings("PortForwards"),
            Created = DateTime.TryParse(r.TryGetProperty("Created", out var c) ? c.GetString() : null, null,
                System.Globalization.DateTimeStyles.RoundtripKind, out var d) ? d : File.GetCreationTime(path),
            StatePath = path,
            NamespacesPresent = namespaces.Count(n => NamespaceStore.Find(n) is { IsStale: false }),
            Host = r.TryGetProperty("Host", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() ?? "" : "",
            Hosts = Strings("Hosts"),
            Definition = r.TryGetProperty("Definition", out var def) && LabDefinition.FromJson(def.GetRawText(), path) is IDictionary<string, object?> data
                ? new NetLabDefinition(data) : null,
        };
    }
}
