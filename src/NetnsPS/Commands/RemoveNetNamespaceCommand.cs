using System.Diagnostics;
using System.Management.Automation;
using NetnsPS.Core.Discovery;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Exec;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Remove-NetNamespace: ip netns delete NAME... / ip -all netns delete.</summary>
[Cmdlet(VerbsCommon.Remove, "NetNamespace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = NameSet)]
[OutputType(typeof(void))]
public sealed class RemoveNetNamespaceCommand : NamespaceNamesCmdlet
{
    private const string AllSet = "All";

    private bool _yesToAll;
    private bool _noToAll;

    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessingLocal() => RequireSysAdmin("Removing a network namespace");

    protected override void ProcessRecordLocal()
    {
        // Each name's error is written in input order, after the names before it are removed (pending: errors by the
        // number of targets that come before them).
        var targets = new List<NamespaceEntry>();
        var pending = new List<(int Before, NetnsException Error, object? Target)>();
        try
        {
            foreach (var r in ResolveNames())
            {
                if (r.Error is not null) pending.Add((targets.Count, r.Error, r.Target));
                targets.AddRange(r.Entries);
            }
        }
        catch (NetnsException ex) { ThrowNetnsError(ex); return; }
        void WritePending(int upTo)
        {
            while (pending.Count > 0 && pending[0].Before <= upTo)
            {
                var (_, error, target) = pending[0];
                pending.RemoveAt(0);
                WriteNetnsError(error, target);
            }
        }
        if (targets.Count == 0) { WritePending(int.MaxValue); return; }

        if (ParameterSetName == AllSet && !ConfirmAll(targets)) return;

        // Our own program launchers must keep none of them alive (nor be counted as processes inside): end them first.
        NetnsExec.ReleaseLaunchers(targets);
        var remover = new NamespaceRemover();
        // With -Force (or when -WhatIf/-Confirm will tell) the processes inside are looked at first: one /proc scan
        // for all. Otherwise they only earn a warning, so one scan runs on a pool thread while the names are removed
        // (removing a name changes no process's namespace) and the warnings follow the removals.
        bool planFirst = Force || WillAsk();
        Task<Dictionary<ulong, SortedSet<int>>>? scan = null;
        List<NamespaceEntry>? removed = null;
        var progress = targets.Count >= 20 ? new ProgressRecord(2, "Removing network namespaces", "Starting") : null;
        var clock = Stopwatch.StartNew();
        int done = 0;
        // Without a plan per name the unmounts run on a few threads (NamespaceDeleter), up to 1024 names queued ahead
        // of the results written (this thread then rarely waits for a wake-up); the errors still come in input order,
        // and a stop drops the names not started yet.
        using var deleter = planFirst ? null : new NamespaceDeleter(NamespaceDeleter.DefaultThreads);
        const int ahead = 1024;
        // Writes the results in input order: those ready (wait false), or waiting until at most keep are outstanding.
        void Collect(bool wait, int keep)
        {
            foreach (var r in deleter!.TakeResults(wait))
            {
                WritePending(r.Index);
                if (r.Error is not null) WriteNetnsError(r.Error, r.Name);
                else if (!targets[r.Index].IsStale) (removed ??= new()).Add(targets[r.Index]);
                if (deleter.Outstanding <= keep) break;
            }
        }
        for (int i = 0; i < targets.Count; i++)
        {
            var ns = targets[i];
            if (deleter is not null && (pending.Count == 0 || pending[0].Before > i)) Collect(false, -1);
            else
            {
                // An unknown name comes before this one: the names before it are removed first and its error written,
                // so that with -ErrorAction Stop nothing after it is touched.
                if (deleter is not null) Collect(true, -1);
                WritePending(i);
            }
            if (progress is not null && clock.ElapsedMilliseconds >= 200)
            {
                clock.Restart();
                progress.StatusDescription = $"{done} of {targets.Count}: {ns.Name}";
                progress.PercentComplete = 100 * done / targets.Count;
                WriteProgress(progress);
            }
            done++;
            var plan = planFirst && !ns.IsStale ? remover.Plan(ns) : null;
            if (!ShouldProcess(ns.Name, Action(ns, plan))) continue;
            if (!ns.IsStale && !Force) scan ??= Task.Run(ProcScanner.ScanByInode);
            if (deleter is not null)
            {
                if (deleter.Outstanding >= ahead) Collect(true, ahead - 1);
                deleter.Submit(i, ns.Name);
                continue;
            }
            try
            {
                if (Force && plan is not null)
                {
                    if (plan.IsHost)
                    {
                        // Never signal the host's processes: the name goes (as ip netns delete does), nothing else.
                        NamespaceStore.Delete(ns.Name);
                        WriteNetnsError(NamespaceRemover.HostRefusal(plan), ns.Name);
                        continue;
                    }
                    foreach (var problem in remover.Stop(plan, WriteVerbose)) WriteWarning(problem);
                    foreach (var (p, why) in plan.Spared) WriteWarning($"Not stopping process {p}: {why} (in '{ns.Name}').");
                    if (plan.OwnThreads.Count > 0) WriteWarning(OwnThreadsNote(ns, plan));
                }
                NamespaceStore.Delete(ns.Name);
                if (!ns.IsStale && !Force) (removed ??= new()).Add(ns);
            }
            catch (NetnsException ex) { WriteNetnsError(ex, ns.Name); }
        }
        if (deleter is not null) Collect(true, -1);
        WritePending(int.MaxValue);
        if (scan is not null)
        {
            var found = scan.GetAwaiter().GetResult();
            foreach (var ns in removed ?? new()) Warn(remover.Plan(ns, found));
        }
        if (progress is not null)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    /// <summary>The ShouldProcess action: with a plan, what happens to the processes inside.</summary>
    private string Action(NamespaceEntry ns, RemovalPlan? plan)
    {
        if (ns.IsStale) return "Remove stale network namespace entry";
        if (plan is null) return "Remove network namespace";
        if (plan.IsHost)
            return $"Remove the name only: it refers to {plan.HostReason}, whose {plan.Inside.Count} process(es) are never stopped";
        if (!Force)
            return plan.Inside.Count == 0 ? "Remove network namespace (no process inside)"
                : $"Remove network namespace; {RemovalPlan.Describe(plan.Inside)} inside keep it alive (-Force stops {plan.ToStop.Count} of them)";
        return plan.ToStop.Count == 0 ? "Remove network namespace (no process inside to stop)"
            : $"Stop {RemovalPlan.Describe(plan.ToStop)} inside (SIGKILL), then remove network namespace";
    }

    /// <summary>True when ShouldProcess will show its action (-WhatIf, or a -Confirm prompt for this Medium-impact cmdlet).</summary>
    private bool WillAsk()
    {
        var bound = MyInvocation.BoundParameters;
        if (bound.TryGetValue("WhatIf", out var w)) return ((SwitchParameter)w).IsPresent;
        if (GetVariableValue("WhatIfPreference") is bool wp && wp || GetVariableValue("WhatIfPreference") is SwitchParameter { IsPresent: true }) return true;
        if (bound.TryGetValue("Confirm", out var c)) return ((SwitchParameter)c).IsPresent;
        return GetVariableValue("ConfirmPreference") is ConfirmImpact pref && pref != ConfirmImpact.None && pref <= ConfirmImpact.Medium;
    }

    private string OwnThreadsNote(NamespaceEntry ns, RemovalPlan plan)
        => $"{plan.OwnThreads.Count} thread(s) of this PowerShell process are in network namespace '{ns.Name}': " +
           string.Join(", ", plan.OwnThreads) + ". Removing the name does not destroy the namespace: it stays alive, unnamed, " +
           "until they leave it or end" + (Force ? " (-Force does not stop this process)." : ".");

    /// <summary>After a removal without -Force: a warning, only when processes really keep the namespace alive.</summary>
    private void Warn(RemovalPlan plan)
    {
        var ns = plan.Entry;
        if (plan.OwnThreads.Count > 0) WriteWarning(OwnThreadsNote(ns, plan));
        if (plan.Inside.Count == 0) return;
        if (plan.IsHost)
        {
            WriteVerbose($"'{ns.Name}' referred to {plan.HostReason}: removing its name leaves it and its {plan.Inside.Count} process(es) as they are.");
            return;
        }
        var spared = plan.Spared.Count == 0 ? string.Empty
            : $" (-Force does not stop {string.Join(", ", plan.Spared.Select(s => $"{s.Process}: {s.Why}"))})";
        WriteWarning($"Network namespace '{ns.Name}' still has {RemovalPlan.Describe(plan.Inside, 20)} inside. " +
            "Removing the name did not destroy the namespace: it stays alive, unnamed, until they exit, and physical " +
            $"devices in it do not return to the host until then. Use -Force to stop them first{spared}.");
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
}
