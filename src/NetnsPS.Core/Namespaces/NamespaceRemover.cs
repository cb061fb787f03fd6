using System.Diagnostics;
using NetnsPS.Core.Discovery;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Namespaces;

/// <summary>A process found in a namespace: its id and command name (/proc/PID/comm).</summary>
public readonly record struct ProcessRef(int Id, string Name)
{
    public override string ToString() => $"{Id} ({Name})";
}

/// <summary>
/// The namespaces whose processes are never stopped: the initial one (that of PID 1, as /proc/1/ns/net shows it
/// from here: inside a PID namespace, the PID 1 of that namespace) and this process's own (/proc/self/ns/net, the
/// namespace of its main thread: a thread that has entered another namespace does not change it).
/// </summary>
public readonly struct HostNamespaces
{
    private HostNamespaces(ulong? init, ulong? self) { Init = init; Self = self; }

    public ulong? Init { get; }
    public ulong? Self { get; }

    public static HostNamespaces Read()
        => new(NamespaceScan.InitNamespaceInode(), ProcNs.TryReadNetInode("/proc/self/ns/net", out var ino) ? ino : null);

    public bool Contains(ulong inode) => inode != 0 && (inode == Init || inode == Self);

    /// <summary>Why <paramref name="inode"/> is a host namespace (for messages), or null when it is not one.</summary>
    public string? Reason(ulong inode)
    {
        if (inode == 0) return null;
        if (inode == Self && inode == Init) return "the initial network namespace (that of PID 1), where this PowerShell runs";
        if (inode == Self) return "the network namespace this PowerShell process runs in";
        if (inode == Init) return "the initial network namespace (that of PID 1)";
        return null;
    }
}

/// <summary>What removing one name would do to the processes in its namespace (Remove-NetNamespace, Remove-NetLab).</summary>
public sealed class RemovalPlan
{
    internal RemovalPlan(NamespaceEntry entry, string? hostReason, List<ProcessRef> inside, List<ProcessRef> toStop,
        List<(ProcessRef Process, string Why)> spared, List<string> ownThreads)
    {
        Entry = entry; HostReason = hostReason; Inside = inside; ToStop = toStop; Spared = spared; OwnThreads = ownThreads;
    }

    public NamespaceEntry Entry { get; }

    /// <summary>Why the name refers to a host namespace (see <see cref="HostNamespaces"/>); null when it does not.</summary>
    public string? HostReason { get; }

    public bool IsHost => HostReason is not null;

    /// <summary>Processes with a thread in the namespace, other than this process (its threads are <see cref="OwnThreads"/>).</summary>
    public IReadOnlyList<ProcessRef> Inside { get; }

    /// <summary>What a forced removal stops (SIGKILL): never anything of a host namespace.</summary>
    public IReadOnlyList<ProcessRef> ToStop { get; }

    /// <summary>Processes inside that a forced removal leaves alone, and why (this process; a process that lives in a host namespace and only has a thread inside).</summary>
    public IReadOnlyList<(ProcessRef Process, string Why)> Spared { get; }

    /// <summary>This process's threads still inside ("TID (name)"): they keep the namespace alive until they leave or end; -Force never stops this process.</summary>
    public IReadOnlyList<string> OwnThreads { get; }

    /// <summary>"3 process(es): 812 (sleep), 813 (sleep), 900 (bash)", the first <paramref name="max"/> named.</summary>
    public static string Describe(IReadOnlyList<ProcessRef> processes, int max = 5)
        => $"{processes.Count} process(es): " + string.Join(", ", processes.Take(max)) + (processes.Count > max ? $", and {processes.Count - max} more" : string.Empty);
}

/// <summary>
/// The process policy of removing named namespaces. A name may refer to any namespace, also the host's (ip netns
/// attach NAME 1, New-NetNamespace NAME -ProcessId $PID): a forced removal stops (SIGKILL) the processes inside a
/// namespace only when it is not a host namespace (<see cref="HostNamespaces"/>), and never stops this process, PID 1,
/// or a process that lives in a host namespace and only has a thread inside. One /proc scan serves every plan.
/// </summary>
public sealed class NamespaceRemover
{
    public const int SIGKILL = 9;

    private Dictionary<ulong, SortedSet<int>>? _scan;

    public NamespaceRemover() => Host = HostNamespaces.Read();

    public HostNamespaces Host { get; }

    /// <summary>The processes in <paramref name="entry"/>'s namespace, from <paramref name="scan"/> or one shared scan made now.</summary>
    public RemovalPlan Plan(NamespaceEntry entry, Dictionary<ulong, SortedSet<int>>? scan = null)
    {
        var inside = new List<ProcessRef>();
        var toStop = new List<ProcessRef>();
        var spared = new List<(ProcessRef, string)>();
        var runtime = new List<string>();
        var reason = entry.IsStale ? null : Host.Reason(entry.Identity.Inode);
        if (entry.IsStale) return new RemovalPlan(entry, null, inside, toStop, spared, runtime);
        scan ??= _scan ??= ProcScanner.ScanByInode();
        if (!scan.TryGetValue(entry.Identity.Inode, out var pids)) return new RemovalPlan(entry, reason, inside, toStop, spared, runtime);
        int self = Environment.ProcessId;
        foreach (var pid in pids)
        {
            if (ProcScanner.Comm(pid) is not string comm) continue; // gone meanwhile
            var p = new ProcessRef(pid, comm);
            if (pid == self)
            {
                // Threads of this process (launchers were released before the scan): named, never stopped. Nothing here
                // makes them leave; they keep the namespace alive until they do.
                runtime.AddRange(ThreadHygiene.ThreadsIn(entry.Identity.Inode).Select(t => $"{t.Tid} ({t.Name})"));
                continue;
            }
            inside.Add(p);
            if (reason is not null) continue;
            if (pid == 1) { spared.Add((p, "it is PID 1")); continue; }
            if (ProcNs.TryReadNetInode($"/proc/{pid}/ns/net", out var home) && Host.Contains(home))
            {
                spared.Add((p, "it lives in " + Host.Reason(home) + "; only a thread of it is inside"));
                continue;
            }
            toStop.Add(p);
        }
        return new RemovalPlan(entry, reason, inside, toStop, spared, runtime);
    }

    /// <summary>
    /// Stops <see cref="RemovalPlan.ToStop"/> with SIGKILL (each checked again just before: still inside, still not
    /// living in a host namespace) and waits up to 3 s for them to leave. Returns what could not be done.
    /// </summary>
    public List<string> Stop(RemovalPlan plan, Action<string>? verbose = null)
    {
        var problems = new List<string>();
        if (plan.IsHost) return problems; // never: the caller reports the refusal
        ulong ino = plan.Entry.Identity.Inode;
        var signalled = new List<int>();
        foreach (var p in plan.ToStop)
        {
            // The plan may be old (a -Confirm prompt): the pid may be another process by now.
            if (ProcScanner.Comm(p.Id) != p.Name || !ProcScanner.ThreadNamespaceInodes(p.Id).Contains(ino)) continue;
            if (p.Id == 1 || p.Id == Environment.ProcessId ||
                (ProcNs.TryReadNetInode($"/proc/{p.Id}/ns/net", out var home) && Host.Contains(home))) continue;
            verbose?.Invoke($"Stopping process {p} in network namespace '{plan.Entry.Name}'.");
            var err = ProcessKiller.Kill(p.Id, SIGKILL);
            if (err is not Errno.None and not Errno.ESRCH) problems.Add($"Cannot stop process {p}: errno {err}.");
            else signalled.Add(p.Id);
        }
        // Wait briefly for them to go, so the namespace dies with its name.
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < 3000 && signalled.Any(pid => ProcScanner.ThreadNamespaceInodes(pid).Contains(ino)))
            Thread.Sleep(10);
        return problems;
    }

    /// <summary>The refusal a forced removal of a name of a host namespace reports (the name itself is removed).</summary>
    public static NetnsException HostRefusal(RemovalPlan plan)
    {
        var e = plan.Entry;
        var what = plan.Inside.Count == 0 ? "no process" : RemovalPlan.Describe(plan.Inside, 3);
        return new NetnsException(ErrorIds.NamespaceIsHost, Errno.EPERM,
            $"Removed the name '{e.Name}' but stopped no process: it refers to {plan.HostReason} (net:[{e.Identity.Inode}]), " +
            $"whose processes -Force never stops ({what} inside). The namespace itself is not affected.", e.Name)
        {
            Recommendation = "Nothing to undo: removing a name never changes the namespace. To stop processes, stop them by id (Stop-Process).",
        };
    }
}
