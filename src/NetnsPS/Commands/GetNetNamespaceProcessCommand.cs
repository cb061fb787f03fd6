using System.Diagnostics;
using System.Management.Automation;
using NetnsPS.Core.Discovery;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceProcess: ip netns pids NAME, counting every thread.</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceProcess", DefaultParameterSetName = NameSet)]
[OutputType(typeof(Process))]
public sealed class GetNetNamespaceProcessCommand : NamespaceNamesCmdlet
{
    protected override void ProcessRecordLocal()
    {
        List<ResolvedName> resolved;
        try
        {
            resolved = ResolveNames().ToList();
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
