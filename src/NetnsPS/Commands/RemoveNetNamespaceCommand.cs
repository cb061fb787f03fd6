using System.Diagnostics;
using System.Management.Automation;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Remove-NetNamespace: ip netns delete NAME... / ip -all netns delete.</summary>
[Cmdlet(VerbsCommon.Remove, "NetNamespace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = NameSet)]
[OutputType(typeof(void))]
public sealed class RemoveNetNamespaceCommand : NetnsCmdlet
{
    private const string NameSet = "Name";
    private const string InputObjectSet = "InputObject";
    private const string AllSet = "All";
    private const int SIGKILL = 9;

    private bool _yesToAll;
    private bool _noToAll;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [NamespaceTransformation] // a piped NetNamespace names exactly its namespace, wildcard characters and all
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ValidateNotNull]
    public NetNamespace[] InputObject { get; set; } = Array.Empty<NetNamespace>();

    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing() => RequireSysAdmin("Removing a network namespace");

    protected override void ProcessRecord()
    {
        List<NamespaceEntry> targets;
        try
        {
            targets = ParameterSetName switch
            {
                NameSet => ResolveNamespaces(Name),
                InputObjectSet => ResolveNamespaces(InputObject.Select(n => WildcardPattern.Escape(n.Name)).ToArray()),
                _ => NamespaceStore.List(),
            };
        }
        catch (NetnsException ex) { ThrowNetnsError(ex); return; }
        if (targets.Count == 0) return;

        if (ParameterSetName == AllSet && !ConfirmAll(targets)) return;

        // Which processes are still inside: with -Force they are stopped before the name goes, so the scan comes first.
        // Without it they only earn a warning, so one /proc scan runs on a pool thread while the names are removed
        // (removing a name changes no process's namespace) and the warnings follow the removals.
        Dictionary<ulong, SortedSet<int>>? processes = null;
        Task<Dictionary<ulong, SortedSet<int>>>? scan = null;
        List<NamespaceEntry>? removed = null;
        var progress = targets.Count >= 20 ? new ProgressRecord(2, "Removing network namespaces", "Starting") : null;
        var clock = Stopwatch.StartNew();
        int done = 0;
        foreach (var ns in targets)
        {
            if (progress is not null && clock.ElapsedMilliseconds >= 200)
            {
                clock.Restart();
                progress.StatusDescription = $"{done} of {targets.Count}: {ns.Name}";
                progress.PercentComplete = 100 * done / targets.Count;
                WriteProgress(progress);
            }
            done++;
            if (!ShouldProcess(ns.Name, ns.IsStale ? "Remove stale network namespace entry" : "Remove network namespace")) continue;
            try
            {
                if (!ns.IsStale)
                {
                    NetnsExec.Release(ns.Identity.Inode); // our own program launcher must not keep it alive
                    if (Force)
                    {
                        processes ??= ProcScanner.ScanByInode();
                        if (processes.TryGetValue(ns.Identity.Inode, out var pids) && pids.Count > 0)
                            HandleProcesses(ns, pids);
                    }
                    else scan ??= Task.Run(ProcScanner.ScanByInode);
                }
                NamespaceStore.Delete(ns.Name);
                if (!ns.IsStale && !Force) (removed ??= new()).Add(ns);
            }
            catch (NetnsException ex) { WriteNetnsError(ex, ns.Name); }
        }
        if (scan is not null)
        {
            var found = scan.GetAwaiter().GetResult();
            foreach (var ns in removed ?? new())
                if (found.TryGetValue(ns.Identity.Inode, out var pids) && pids.Count > 0)
                    HandleProcesses(ns, pids);
        }
        if (progress is not null)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    /// <summary>-All removes what other tools made too: ask once for the whole batch (ConfirmImpact High in effect).</summary>
    private bool ConfirmAll(List<NamespaceEntry> targets)
    {
        if (Force || MyInvocation.BoundParameters.ContainsKey("Confirm") || MyInvocation.BoundParameters.ContainsKey("WhatIf")) return true;
        var pref = GetVariableValue("ConfirmPreference") is ConfirmImpact c ? c : ConfirmImpact.High;
        if (pref == ConfirmImpact.None) return true;
        var names = string.Join(", ", targets.Take(10).Select(t => t.Name)) + (targets.Count > 10 ? ", ..." : string.Empty);
        return ShouldContinue($"Remove all {targets.Count} named network namespaces ({names})?", "Remove-NetNamespace -All",
            ref _yesToAll, ref _noToAll);
    }

    private void HandleProcesses(NamespaceEntry ns, SortedSet<int> pids)
    {
        int me = Environment.ProcessId;
        if (pids.Contains(me))
        {
            // Threads of this process: say which, and that they keep the namespace alive (nothing here makes them leave).
            var mine = ThreadHygiene.ThreadsIn(ns.Identity.Inode);
            if (mine.Count > 0)
                WriteWarning($"{mine.Count} thread(s) of this PowerShell process are in network namespace '{ns.Name}': " +
                    string.Join(", ", mine.Select(t => $"{t.Tid} ({t.Name})")) + ". Removing the name does not destroy the namespace: " +
                    "it stays alive, unnamed, until they leave it or end" + (Force ? " (-Force does not stop this process)." : "."));
            pids = new SortedSet<int>(pids.Where(p => p != me));
            if (pids.Count == 0) return;
        }
        var list = string.Join(", ", pids.Select(p => $"{p} ({ProcScanner.Comm(p) ?? "?"})"));
        if (!Force)
        {
            WriteWarning($"Network namespace '{ns.Name}' still has {pids.Count} process(es) inside: {list}. " +
                "Removing the name did not destroy the namespace: it stays alive, unnamed, until they exit, and physical " +
                "devices in it do not return to the host until then. Use -Force to stop them first.");
            return;
        }
        int self = Environment.ProcessId;
        foreach (var pid in pids)
        {
            WriteVerbose($"Stopping process {pid} ({ProcScanner.Comm(pid)}) in network namespace '{ns.Name}'.");
            var err = ProcessKiller.Kill(pid, SIGKILL);
            if (err is not Errno.None and not Errno.ESRCH)
                WriteWarning($"Cannot stop process {pid}: errno {err}.");
        }
        // Wait briefly for them to go, so the namespace dies with its name.
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < 3000 && pids.Any(p => p != self && ProcScanner.ThreadNamespaceInodes(p).Contains(ns.Identity.Inode)))
            Thread.Sleep(10);
    }
}
