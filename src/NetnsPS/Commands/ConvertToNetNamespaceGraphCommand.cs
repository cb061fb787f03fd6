using System.Management.Automation;
using System.Text;

namespace NetnsPS.Commands;

/// <summary>ConvertTo-NetNamespaceGraph: adapters (Get-NetNamespaceAdapter output) → a Mermaid flowchart or a Graphviz graph.</summary>
[Cmdlet(VerbsData.ConvertTo, "NetNamespaceGraph")]
[OutputType(typeof(string))]
public sealed class ConvertToNetNamespaceGraphCommand : PSCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public NetNamespaceAdapter[] InputObject { get; set; } = Array.Empty<NetNamespaceAdapter>();

    [Parameter(Position = 0)]
    [ValidateSet("Mermaid", "Dot")]
    public string Format { get; set; } = "Mermaid";

    private readonly List<NetNamespaceAdapter> _all = new();

    protected override void ProcessRecord() => _all.AddRange(InputObject);

    protected override void EndProcessing() => WriteObject(Render(_all, Format));

    /// <summary>
    /// Deterministic text: namespaces in ordinal order (host first), adapters by name, one edge per veth pair whose both
    /// ends are in the input, then a dashed edge from each port to its master (bridge) when both are in the input.
    /// </summary>
    public static string Render(IEnumerable<NetNamespaceAdapter> adapters, string format)
    {
        bool dot = format.Equals("Dot", StringComparison.OrdinalIgnoreCase);
        var byNs = adapters
            .GroupBy(a => a.Namespace, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.GroupBy(a => a.Name, StringComparer.Ordinal).Select(x => x.First()).OrderBy(a => a.Name, StringComparer.Ordinal).ToList())
            .ToList();
        var ids = new Dictionary<(string, string), string>();
        var sb = new StringBuilder();
        sb.Append(dot ? "graph netns {\n  rankdir=LR;\n" : "flowchart LR\n");
        for (int i = 0; i < byNs.Count; i++)
        {
            string ns = byNs[i][0].Namespace;
            string label = ns.Length == 0 ? "(host)" : ns;
            if (dot) sb.Append($"  subgraph cluster_{i} {{\n    label=\"{DotEscape(label)}\";\n");
            else sb.Append($"  subgraph ns{i}[\"{MermaidEscape(label)}\"]\n");
            for (int j = 0; j < byNs[i].Count; j++)
            {
                var a = byNs[i][j];
                string id = $"n{i}_{j}";
                ids[(a.Namespace, a.Name)] = id;
                var lines = new[] { a.Name }.Concat(a.IPAddress);
                if (dot) sb.Append($"    {id} [label=\"{string.Join("\\n", lines.Select(DotEscape))}\"];\n");
                else sb.Append($"    {id}[\"{string.Join("<br/>", lines.Select(MermaidEscape))}\"]\n");
            }
            sb.Append(dot ? "  }\n" : "  end\n");
        }
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in byNs)
            foreach (var a in list)
            {
                if (a.PeerName is null || a.PeerNamespace is null) continue;
                if (!ids.TryGetValue((a.PeerNamespace, a.PeerName), out var peerId)) continue;
                string id = ids[(a.Namespace, a.Name)];
                if (!done.Add(id) || !done.Add(peerId)) continue;
                sb.Append(dot ? $"  {id} -- {peerId};\n" : $"  {id} --- {peerId}\n");
            }
        // A bridge port and its bridge (same namespace): a dashed edge.
        foreach (var list in byNs)
            foreach (var a in list)
            {
                if (a.Master is null || !ids.TryGetValue((a.Namespace, a.Master), out var masterId)) continue;
                string id = ids[(a.Namespace, a.Name)];
                sb.Append(dot ? $"  {id} -- {masterId} [style=dashed];\n" : $"  {id} -.- {masterId}\n");
            }
        if (dot) sb.Append("}\n");
        return sb.ToString();
    }

    private static string MermaidEscape(string s) => s.Replace("\"", "#quot;");
    private static string DotEscape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
