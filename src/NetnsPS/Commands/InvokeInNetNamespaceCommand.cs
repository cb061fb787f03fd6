using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>
/// Invoke-InNetNamespace: a scriptblock in-process inside namespaces (the pipeline thread enters, runs, is restored on
/// every path), a native program with ip-netns-exec semantics, or a scriptblock in an isolated session process.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "InNetNamespace", DefaultParameterSetName = ScriptSet)]
[OutputType(typeof(PSObject))]
public sealed class InvokeInNetNamespaceCommand : NetnsCmdlet
{
    private const string ScriptSet = "ScriptBlock";
    private const string ScriptAllSet = "ScriptBlockAll";
    private const string FileSet = "FilePath";
    private const string FileAllSet = "FilePathAll";

    // Every stream of the scriptblock merged into its output, so that nothing reaches the caller (or runs further down
    // the pipeline) while this thread is inside the namespace; they are handed on, in order, after the restore.
    private static readonly ScriptBlock s_merged = ScriptBlock.Create("param($__netnsps_sb, $__netnsps_args) & $__netnsps_sb @__netnsps_args *>&1");
    private static readonly ScriptBlock s_isolated = ScriptBlock.Create(
        "param($__s, $__sb, $__args) Invoke-Command -Session $__s -ScriptBlock $__sb -ArgumentList $__args *>&1");

    private NativeProgram? _running;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ScriptSet)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = FileSet)]
    [Alias("NetNs", "ns")]
    [NamespaceTransformation]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Namespace { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = ScriptAllSet)]
    [Parameter(Mandatory = true, ParameterSetName = FileAllSet)]
    public SwitchParameter All { get; set; }

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ScriptSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ScriptAllSet)]
    [ValidateNotNull]
    public ScriptBlock? ScriptBlock { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [Parameter(Mandatory = true, ParameterSetName = FileAllSet)]
    [ValidateNotNullOrEmpty]
    public string? FilePath { get; set; }

    [Parameter]
    [Alias("Args")]
    public object[] ArgumentList { get; set; } = Array.Empty<object>();

    [Parameter(ParameterSetName = ScriptSet)]
    [Parameter(ParameterSetName = ScriptAllSet)]
    public SwitchParameter Isolated { get; set; }

    protected override void BeginProcessing()
    {
        RequireSysAdmin("Entering a network namespace");
        ThreadHygiene.WarmUp();
    }

    protected override void ProcessRecord()
    {
        List<NamespaceEntry> targets;
        try { targets = All ? NamespaceStore.List().FindAll(e => !e.IsStale) : ResolveNamespaces(Namespace); }
        catch (NetnsException ex) { ThrowNetnsError(ex); return; }
        bool tag = All || targets.Count > 1;
        foreach (var ns in targets)
        {
            if (ns.IsStale)
            {
                WriteNetnsError(new NetnsException("NamespaceStale", Errno.EINVAL, $"'{ns.Path}' is a stale entry, not a namespace.", ns.Name));
                continue;
            }
            try
            {
                if (FilePath is not null) RunProgram(ns, tag);
                else if (Isolated) Emit(RunIsolated(ns), ns.Name, tag);
                else Emit(RunInProcess(ns), ns.Name, tag);
            }
            catch (NetnsException ex) { WriteNetnsError(ex, ns.Name); }
        }
    }

    private Collection<PSObject> RunInProcess(NamespaceEntry ns)
    {
        Collection<PSObject> output;
        var call = InProcessCall.Begin(ns.Path, ns.Name, ns.Identity.Inode);
        List<(int Tid, string Name)> stuck;
        try
        {
            output = InvokeCommand.InvokeScript(false, s_merged, null, ScriptBlock, ArgumentList);
        }
        catch (RuntimeException ex) when (ex is not PipelineStoppedException)
        {
            End(call);
            ThrowTerminatingError(ex.ErrorRecord);
            throw;
        }
        finally
        {
            stuck = End(call);
        }
        if (stuck.Count > 0)
        {
            var msg = $"{stuck.Count} thread(s) started while inside '{ns.Name}' inherited it: " +
                      string.Join(", ", stuck.Select(t => $"{t.Tid} ({t.Name})")) +
                      $". Work they run happens inside '{ns.Name}' until they exit; use -Isolated for code that must not leak.";
            if (stuck.All(t => t.Name.StartsWith(".NET Tiered", StringComparison.Ordinal))) WriteVerbose(msg);
            else WriteWarning(msg);
        }
        return output;
    }

    private bool _ended;

    /// <summary>
    /// Restores the pipeline thread. It cannot be thrown away like our own threads: if it cannot be returned to its
    /// namespace, every later command of this session would run in the wrong one, so the process is stopped instead.
    /// </summary>
    private List<(int Tid, string Name)> End(InProcessCall call)
    {
        if (_ended) return new();
        _ended = true;
        try { return call.End(); }
        catch (NamespaceRestoreException ex)
        {
            Environment.FailFast($"NetnsPS: the PowerShell pipeline thread could not be returned to its network namespace ({ex.Message}); stopping the process.");
            throw;
        }
        finally { _ended = false; }
    }

    private Collection<PSObject> RunIsolated(NamespaceEntry ns)
    {
        var session = NewNetNamespaceSessionCommand.Open(ns, null, this);
        try
        {
            return InvokeCommand.InvokeScript(false, s_isolated, null, session, ScriptBlock, ArgumentList);
        }
        catch (RuntimeException ex) when (ex is not PipelineStoppedException)
        {
            ThrowTerminatingError(ex.ErrorRecord);
            throw;
        }
        finally { session.Runspace.Dispose(); }
    }

    /// <summary>Hands the merged streams on: records to their streams, everything else as output.</summary>
    private void Emit(Collection<PSObject> output, string ns, bool tag)
    {
        foreach (var o in output)
        {
            switch (o?.BaseObject)
            {
                case ErrorRecord e: WriteError(e); break;
                case WarningRecord w: WriteWarning(w.Message); break;
                case VerboseRecord v: WriteVerbose(v.Message); break;
                case DebugRecord d: WriteDebug(d.Message); break;
                case InformationRecord i: WriteInformation(i); break;
                default: WriteObject(tag && o is not null ? Tag(o, ns) : o); break;
            }
        }
    }

    private void RunProgram(NamespaceEntry ns, bool tag)
    {
        var cwd = CurrentDirectory();
        if (string.IsNullOrEmpty(cwd) || !Directory.Exists(cwd)) cwd = null;
        var args = new List<string>(ArgumentList.Length);
        foreach (var a in ArgumentList) args.Add(LanguagePrimitives.ConvertTo<string>(a));
        using var p = NetnsExec.Spawn(ns.Name, ns.Identity.Inode, FilePath!, args, cwd);
        _running = p;
        int code;
        try
        {
            foreach (var line in p.ReadLines())
            {
                if (line.IsError) WriteStandardError(line.Text);
                else WriteObject(tag ? Tag(PSObject.AsPSObject(line.Text), ns.Name) : line.Text);
            }
            code = p.WaitForExit();
            SessionState.PSVariable.Set("global:LASTEXITCODE", code);
        }
        finally { _running = null; } // on any other way out (the pipeline stopped), Dispose kills and reaps the program
        if (code != 0 && UseErrorActionPreference())
            WriteError(new ErrorRecord(
                new NetnsException("ProgramExitedWithNonZeroCode", Errno.None,
                    $"Program \"{Path.GetFileName(FilePath)}\" ended with non-zero exit code: {code} (0x{code:X2}) in network namespace '{ns.Name}'.", p.Path),
                "ProgramExitedWithNonZeroCode", ErrorCategory.NotSpecified, p.Path));
    }

    /// <summary>
    /// A line of standard error, as pwsh 7.4+ writes a native command's when it is redirected: a non-terminating
    /// ErrorRecord (ErrorId NativeCommandError, NotSpecified, a RemoteException with the line as message, the line as
    /// target), so 2>&amp;1 captures it, 2>$null and -ErrorAction SilentlyContinue drop it. Programs write progress
    /// and warnings there, so a line must never stop the pipeline (and kill the program): when -ErrorAction or
    /// $ErrorActionPreference is Stop or Inquire, where WriteError would stop or ask, the line goes to the console's
    /// error output instead, as a native command's unredirected standard error does.
    /// </summary>
    private void WriteStandardError(string line)
    {
        _errorAction ??= EffectiveErrorAction();
        if (_errorAction is ActionPreference.Stop or ActionPreference.Inquire)
        {
            Host.UI.WriteErrorLine(line);
            return;
        }
        WriteError(new ErrorRecord(new RemoteException(line), "NativeCommandError", ErrorCategory.NotSpecified, line));
    }

    private ActionPreference? _errorAction;

    private ActionPreference EffectiveErrorAction()
    {
        object? value = MyInvocation.BoundParameters.TryGetValue("ErrorAction", out var bound) ? bound : GetVariableValue("ErrorActionPreference");
        try { return value is null ? ActionPreference.Continue : LanguagePrimitives.ConvertTo<ActionPreference>(value); }
        catch (PSInvalidCastException) { return ActionPreference.Continue; }
    }

    /// <summary>$PSNativeCommandUseErrorActionPreference (pwsh 7.3+), read where the caller set it.</summary>
    private bool UseErrorActionPreference()
        => LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("PSNativeCommandUseErrorActionPreference", false));

    /// <summary>
    /// The session's file-system location (a program runs there, as with `&amp; prog`). PathInfo.ProviderPath costs
    /// ~90 µs (it resolves the path through the provider), so the answer is kept for the last location (its
    /// PowerShell path and its drive's root); CurrentFileSystemLocation is asked only when the current location is
    /// on another provider (Env:, Function:, ...).
    /// </summary>
    private string? CurrentDirectory()
    {
        var path = SessionState.Path;
        var here = path.CurrentLocation;
        if (here?.Provider?.Name != "FileSystem") return path.CurrentFileSystemLocation?.ProviderPath;
        string psPath = here.Path;
        string? root = here.Drive?.Root;
        var last = s_lastLocation;
        if (last is not null && last.Path == psPath && last.Root == root) return last.ProviderPath;
        var providerPath = here.ProviderPath;
        s_lastLocation = new LocationCache(psPath, root, providerPath);
        return providerPath;
    }

    private sealed record LocationCache(string Path, string? Root, string ProviderPath);

    private static LocationCache? s_lastLocation; // one reference: read and replaced atomically by any runspace

    private static PSObject Tag(PSObject o, string ns)
    {
        var wrapped = o.BaseObject is string or ValueType ? new PSObject(o.BaseObject) : o;
        wrapped.Properties.Remove("NetNamespace");
        wrapped.Properties.Add(new PSNoteProperty("NetNamespace", ns));
        return wrapped;
    }

    protected override void StopProcessing()
    {
        _running?.Kill();
    }
}
