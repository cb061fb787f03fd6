using System.Diagnostics;
using System.Management.Automation;
using NetnsPS.Core.Discovery;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceProcess: ip netns pids NAME, counting every thread.</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceProcess", DefaultParameterSetName = NameSet)]
[OutputType(typeof(Process))]
public sealed class GetNetNamespaceProcessCommand : NetnsCmdlet
{
    private const string NameSet = "Name";
    private const string LiteralNameSet = "LiteralName";
    private const string InputObjectSet = "InputObject";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [NamespaceTransformation] // a piped NetNamespace names exactly its namespace, wildcard characters and all
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Names taken exactly as typed: no character is a wildcard.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralNameSet)]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] LiteralName { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ValidateNotNull]
    public NetNamespace[] InputObject { get; set; } = Array.Empty<NetNamespace>();

    protected override void ProcessRecordLocal()
    {
        List<ResolvedName> resolved;
        try
        {
            resolved = (ParameterSetName switch
            {
                NameSet => ResolveEach(Name),
                LiteralNameSet => ResolveEach(LiteralName, literal: true),
                _ => ResolveEach(InputObject.Select(n => n.Name).ToArray(), literal: true),
            }).ToList();
        }
        catch (NetnsException ex) { ThrowNetnsError(ex); return; }

        var map = ProcScanner.ScanByInode();
        // In input order: the processes of each name, then its error (so -ErrorAction Stop keeps what came before).
        foreach (var r in resolved)
        {
            foreach (var ns in r.Entries) WriteProcesses(ns, map);
            if (r.Error is not null) WriteNetnsError(r.Error, r.Target);
        }
    }

    private void WriteProcesses(NamespaceEntry ns, Dictionary<ulong, SortedSet<int>> map)
    {
        if (ns.IsStale || !map.TryGetValue(ns.Identity.Inode, out var pids)) return;
        foreach (var pid in pids)
        {
            Process p;
            try { p = Process.GetProcessById(pid); }
            catch (ArgumentException) { continue; } // exited meanwhile
            var o = PSObject.AsPSObject(p);
            o.Properties.Add(new PSNoteProperty("NetNamespace", ns.Name));
            WriteObject(o);
        }
    }
}
