using System.Management.Automation;
using NetnsPS.Core.Discovery;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Threading;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespace: ip netns list / ip netns identify PID; -All: lsns -t net (named and unnamed namespaces).</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespace", DefaultParameterSetName = NameSet)]
[OutputType(typeof(NetNamespace))]
public sealed class GetNetNamespaceCommand : NetnsCmdlet
{
    private const string NameSet = "Name";
    private const string LiteralNameSet = "LiteralName";
    private const string ProcessSet = "Process";
    private const string AllSet = "All";

    [Parameter(Position = 0, ValueFromPipeline = true, ParameterSetName = NameSet)]
    [NamespaceTransformation]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    [ValidateNotNull]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Names taken exactly as typed: no character is a wildcard ('ux[1]' is the namespace ux[1]).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralNameSet)]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] LiteralName { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ProcessSet)]
    [Alias("Id")]
    [ValidateNotNull]
    public int[] ProcessId { get; set; } = Array.Empty<int>();

    /// <summary>Also the unnamed namespaces (found through processes and nsfs mounts), with processes, mounts and IsHost.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    protected override void ProcessRecordLocal()
    {
        try
        {
            if (ParameterSetName == AllSet)
            {
                WriteObject(NamespaceQuery.DescribeAll(), enumerateCollection: true);
                return;
            }
            if (ParameterSetName == NameSet && Name.Length == 0)
            {
                // The whole directory: one readdir, each entry stat-ed when a property asks (see DescribeListing).
                WriteObject(NamespaceQuery.DescribeListing(), enumerateCollection: true);
                return;
            }
            if (ParameterSetName is NameSet or LiteralNameSet)
            {
                // One description pass (one /proc scan) for all names, then each name's objects or error in input order:
                // with -ErrorAction Stop the namespaces before an unknown name are written before it throws.
                var resolved = ResolveEach(ParameterSetName == NameSet ? Name : LiteralName, ParameterSetName == LiteralNameSet).ToList();
                var described = NamespaceQuery.Describe(resolved.SelectMany(r => r.Entries).ToList()).ToDictionary(n => n.Name, StringComparer.Ordinal);
                foreach (var r in resolved)
                {
                    foreach (var e in r.Entries)
                        if (described.TryGetValue(e.Name, out var n)) WriteObject(n);
                    if (r.Error is not null) WriteNetnsError(r.Error, r.Target);
                }
                return;
            }
            var all = NamespaceStore.List();
            foreach (var pid in ProcessId)
            {
                var inodes = new HashSet<ulong>(ProcScanner.ThreadNamespaceInodes(pid));
                if (NamespaceHandle.TryStat($"/proc/{pid}/ns/net", out var id, out _)) inodes.Add(id.Inode);
                else if (inodes.Count == 0)
                {
                    WriteNetnsError(new NetnsException(ErrorIds.ProcessNotFound, Errno.ESRCH, $"No process with id {pid}.", pid), pid);
                    continue;
                }
                var matches = all.FindAll(e => !e.IsStale && inodes.Contains(e.Identity.Inode));
                if (matches.Count == 0)
                    WriteVerbose($"Process {pid} is in no named network namespace ({string.Join(", ", inodes.Select(i => $"net:[{i}]"))}).");
                WriteObject(NamespaceQuery.Describe(matches), enumerateCollection: true);
            }
        }
        catch (NetnsException ex) { ThrowNetnsError(ex); }
    }
}
