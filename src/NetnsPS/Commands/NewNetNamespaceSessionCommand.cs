using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Exec;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Threading;

namespace NetnsPS.Commands;

/// <summary>
/// New-NetNamespaceSession: a PowerShell child process started inside the namespace (with ip-netns-exec semantics),
/// as a PSSession for Invoke-Command, Enter-PSSession and Remove-PSSession. Everything in that process, thread pool
/// and async code included, runs inside the namespace.
/// </summary>
[Cmdlet(VerbsCommon.New, "NetNamespaceSession", SupportsShouldProcess = true)]
[OutputType(typeof(PSSession))]
public sealed class NewNetNamespaceSessionCommand : NamespaceEachCmdlet
{
    protected override string? RemoteUnsupportedReason =>
        "the session it opens is a process on the host, which cannot be handed back over a session: run Invoke-InNetNamespace -Session, or Enter-PSSession to the host and call it there.";

    /// <summary>Session name; default "netns:NAME".</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void BeginProcessingLocal()
    {
        RequireSysAdmin("Starting a session in a network namespace");
        ThreadHygiene.WarmUp();
    }

    protected override string Action => "Start a PowerShell session process inside the namespace";

    protected override void ProcessNamespace(NamespaceEntry ns) => WriteObject(Open(ns, Name, this));

    /// <summary>
    /// new PowerShellProcessInstance() + RunspaceFactory.CreateOutOfProcessRunspace(TypeTable, instance): both exist in
    /// every PowerShell 7 but not in the PowerShellStandard reference the module compiles against, hence reflection.
    /// </summary>
    private static Runspace CreateOutOfProcessRunspace(object instance)
    {
        var instanceType = instance.GetType();
        var factory = typeof(RunspaceFactory).GetMethod("CreateOutOfProcessRunspace", BindingFlags.Public | BindingFlags.Static,
            new[] { typeof(TypeTable), instanceType })
            ?? throw new NetnsException(ErrorIds.SessionStartFailed, Errno.EOPNOTSUPP, "RunspaceFactory.CreateOutOfProcessRunspace is not available.", null);
        return (Runspace)factory.Invoke(null, new[] { TypeTable.LoadDefaultTypeFiles(), instance })!;
    }

    internal static PSSession Open(NamespaceEntry ns, string? name, PSCmdlet cmdlet)
    {
        ns.ThrowIfStale();
        using var handle = NamespaceHandle.Open(ns.Path, ns.Name);
        var instanceType = typeof(PSObject).Assembly.GetType("System.Management.Automation.Runspaces.PowerShellProcessInstance", throwOnError: true)!;
        var instance = Activator.CreateInstance(instanceType)!;
        var start = instanceType.GetMethod("Start", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, Type.EmptyTypes)
            ?? throw new NetnsException(ErrorIds.SessionStartFailed, Errno.EOPNOTSUPP, "PowerShellProcessInstance.Start is not available.", ns.Name);
        // Only the fork happens on the prepared thread (namespace + private mount namespace), which then ends; the
        // session's own threads (pipe readers, waits) are created later from this thread, in the caller's namespace.
        var failure = NetnsExec.RunOnPreparedThread(ns.Name, handle, () => start.Invoke(instance, null),
            $"NetnsPS session {ns.Name}", $"a session in network namespace '{ns.Name}'");
        if (failure is TargetInvocationException { InnerException: not null } tie) failure = tie.InnerException;
        if (failure is NetnsException ne) throw ne;
        Runspace? runspace = null;
        try
        {
            if (failure is not null) throw failure;
            runspace = CreateOutOfProcessRunspace(instance);
            // We started the child ourselves, so make sure it ends with the session (Remove-PSSession, Exit).
            var child = (System.Diagnostics.Process?)instanceType.GetProperty("Process")?.GetValue(instance);
            runspace.StateChanged += (_, e) =>
            {
                if (e.RunspaceStateInfo.State is RunspaceState.Closed or RunspaceState.Broken)
                    try { if (child is { HasExited: false }) child.Kill(); } catch (InvalidOperationException) { }
            };
            runspace.Open();
        }
        catch (Exception ex) when (ex is not NetnsException)
        {
            runspace?.Dispose();
            throw new NetnsException(ErrorIds.SessionStartFailed, Errno.EIO, $"Cannot start a PowerShell session in '{ns.Name}': {ex.Message}", ns.Name, ex);
        }
        var create = typeof(PSSession).GetMethod("Create", BindingFlags.Public | BindingFlags.Static,
            new[] { typeof(Runspace), typeof(string), typeof(PSCmdlet) })
            ?? throw new NetnsException(ErrorIds.SessionStartFailed, Errno.EOPNOTSUPP, "PSSession.Create is not available in this PowerShell (7.x needed).", ns.Name);
        var session = (PSSession)create.Invoke(null, new object[] { runspace!, "NetNamespace", cmdlet })!;
        typeof(PSSession).GetProperty("Name")?.SetValue(session, name ?? $"netns:{ns.Name}");
        return session;
    }
}
