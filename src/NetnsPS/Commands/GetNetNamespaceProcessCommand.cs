using System.Diagnostics;
using System.Management.Automation;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceProcess: ip netns pids NAME, counting every thread.</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceProcess", DefaultParameterSetName = NameSet)]
[OutputType(typeof(Process))]
public sealed class GetNetNamespaceProcessCommand : NetnsCmdlet
{
    private const string NameSet = "Name";
    private const string InputObjectSet = "InputObject";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [NamespaceTransformation] // a piped NetNamespace names exactly its namespace, wildcard characters and all
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ValidateNotNull]
    public NetNamespace[] InputObject { get; set; } = Array.Empty<NetNamespace>();

    protected override void ProcessRecord()
    {
        List<NamespaceEntry> targets;
        try
        {
            targets = ParameterSetName == NameSet
                ? ResolveNamespaces(Name)
                : ResolveNamespaces(InputObject.Select(n => WildcardPattern.Escape(n.Name)).ToArray());
        }
        catch (NetnsException ex) { ThrowNetnsError(ex); return; }

        var map = ProcScanner.ScanByInode();
        foreach (var ns in targets)
        {
            if (ns.IsStale || !map.TryGetValue(ns.Identity.Inode, out var pids)) continue;
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
}
