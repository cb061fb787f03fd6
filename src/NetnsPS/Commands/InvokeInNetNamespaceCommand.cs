using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Exec;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Threading;

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

    // Every stream of the scriptblock merged into its output and handed, one object at a time, to Deliver, which leaves
    // the namespace around each write: commands further down the pipeline see each object as it comes and never run
    // inside the namespace.
    // The end of that pipeline is a small cmdlet rather than a scriptblock calling a method: ~25 µs less per object.
    private static readonly ScriptBlock s_streamed = ScriptBlock.Create(
        "param($__netnsps_sb, $__netnsps_args, $__netnsps_sink, $__netnsps_owner) & $__netnsps_sb @__netnsps_args *>&1 | & $__netnsps_sink -Owner $__netnsps_owner");
    private static readonly CmdletInfo s_sink = new("Send-NetnsPSOutput", typeof(SendOutputCommand));

    /// <summary>Not exported: the last command of the scriptblock's pipeline, handing each object to its owner.</summary>
    [Cmdlet("Send", "NetnsPSOutput")]
    internal sealed class SendOutputCommand : PSCmdlet
    {
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        [Parameter(Mandatory = true)]
        public InvokeInNetNamespaceCommand? Owner { get; set; }

        protected override void ProcessRecord() => Owner!.Deliver(InputObject);
    }
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

    protected override void BeginProcessingLocal()
    {
        RequireSysAdmin("Entering a network namespace");
        ThreadHygiene.WarmUp();
    }

    protected override void ProcessRecordLocal()
    {
        // Resolved first (whether outputs are tagged depends on how many namespaces there are), run in input order: the
        // error for an unknown name comes after the output of the names before it.
        List<ResolvedName> resolved;
        try
        {
            resolved = All ? new() { new ResolvedName(string.Empty, NamespaceStore.List().FindAll(e => !e.IsStale), null, null) }
                : ResolveEach(Namespace).ToList();
        }
        catch (NetnsException ex) { ThrowNetnsError(ex); return; }
        bool tag = All || resolved.Sum(r => r.Entries.Count) > 1;
        foreach (var ns in InInputOrder(Namespace, resolved))
        {
            if (ns.IsStale)
            {
                WriteNetnsError(ns.StaleError());
                continue;
            }
            try
            {
                if (FilePath is not null) RunProgram(ns, tag);
                else if (Isolated) Emit(RunIsolated(ns), ns.Name, tag);
                else RunInProcess(ns, tag);
            }
            catch (NetnsException ex) { WriteNetnsError(ex, ns.Name); }
        }
    }

    private InProcessCall? _call;
    private string _callNamespace = string.Empty;
    private bool _callTag;
    private Exception? _delivery; // what handing an object on met (a stopped pipeline, an error with -ErrorAction Stop)

    private void RunInProcess(NamespaceEntry ns, bool tag)
    {
        var call = InProcessCall.Begin(ns.Path, ns.Name, ns.Identity.Inode);
        (_call, _callNamespace, _callTag, _delivery) = (call, ns.Name, tag, null);
        Exception? failure = null;
        List<(int Tid, string Name)> stuck;
        try
        {
            InvokeCommand.InvokeScript(false, s_streamed, null, ScriptBlock, ArgumentList, s_sink, this);
        }
        catch (Exception ex) { failure = ex; }
        finally
        {
            _call = null;
            stuck = End(call);
        }
        if (stuck.Count > 0)
        {
            var msg = $"{stuck.Count} thread(s) started while inside '{ns.Name}' inherited it: " +
                      string.Join(", ", stuck.Select(t => $"{t.Tid} ({t.Name})")) +
                      $". Work they run happens inside '{ns.Name}' until they exit, and they keep it alive; use -Isolated for code that must not leak.";
            WriteWarning(msg);
        }
        // Downstream's own exception first: a StopUpstreamCommandsException (Select-Object -First) must reach the
        // pipeline as it was thrown, so that it stops this command quietly.
        var delivery = _delivery;
        _delivery = null;
        if (delivery is NetnsException reenter) ThrowNetnsError(reenter, ns.Name);
        if (delivery is not null) ExceptionDispatchInfo.Capture(delivery).Throw();
        if (failure is RuntimeException re and not PipelineStoppedException) ThrowTerminatingError(re.ErrorRecord);
        if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
    }

    /// <summary>
    /// One object the scriptblock wrote, on the pipeline thread inside the namespace: leave it, hand the object on (the
    /// rest of the pipeline runs now, at home), enter again. When handing on fails (downstream stopped, or an error
    /// record met -ErrorAction Stop), the scriptblock is unwound with a PipelineStoppedException, which a try/catch in
    /// it cannot stop, and RunInProcess rethrows the original after the thread is restored.
    /// </summary>
    private void Deliver(PSObject? o)
    {
        var call = _call;
        if (call is null || _delivery is not null) throw new PipelineStoppedException();
        Leave(call);
        try { Dispatch(o, _callNamespace, _callTag); }
        catch (Exception ex) { _delivery = ex; }
        try { call.Reenter(); }
        catch (NetnsException ex) { _delivery ??= ex; } // at home: the scriptblock must not go on (it would run here)
        if (_delivery is not null) throw new PipelineStoppedException();
    }

    /// <summary>
    /// Restores the pipeline thread. It cannot be thrown away like our own threads: if it cannot be returned to its
    /// namespace, every later command of this session would run in the wrong one, so the process is stopped instead.
    /// </summary>
    private static List<(int Tid, string Name)> End(InProcessCall call)
    {
        try { return call.End(); }
        catch (NamespaceRestoreException ex) { throw FailFast(ex); }
    }

    private static void Leave(InProcessCall call)
    {
        try { call.Leave(); }
        catch (NamespaceRestoreException ex) { throw FailFast(ex); }
    }

    private static Exception FailFast(NamespaceRestoreException ex)
    {
        Environment.FailFast($"NetnsPS: the PowerShell pipeline thread could not be returned to its network namespace ({ex.Message}); stopping the process.");
        return ex;
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
        foreach (var o in output) Dispatch(o, ns, tag);
    }

    private void Dispatch(PSObject? o, string ns, bool tag)
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
                new NetnsException(ErrorIds.ProgramExitedWithNonZeroCode, Errno.None,
                    $"Program \"{Path.GetFileName(FilePath)}\" ended with non-zero exit code: {code} (0x{code:X2}) in network namespace '{ns.Name}'.", p.Path),
                ErrorIds.ProgramExitedWithNonZeroCode, ErrorCategory.NotSpecified, p.Path));
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
        WriteError(new ErrorRecord(new RemoteException(line), ErrorIds.NativeCommandError, ErrorCategory.NotSpecified, line));
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

    /// <summary>
    /// The object as output of namespace <paramref name="ns"/>: a new wrapper with its own NetNamespace note; the
    /// object the scriptblock wrote is never changed. PowerShell keeps the notes of a wrapper in a table keyed by the
    /// wrapped object, so two wrappers of one object (a cached box such as $true or 1000, an object the caller passed
    /// in, one object written in several namespaces) would share one note, and the last namespace would win. So: a
    /// custom object is copied (shallow, as Select-Object does); a value gets a box of its own; any other object gets a
    /// wrapper that keeps its notes to itself (what PowerShell's deserializer does for PSComputerName), with the
    /// notes and type names the object had.
    /// </summary>
    private static PSObject Tag(PSObject o, string ns)
    {
        PSObject tagged;
        if (o.BaseObject is PSCustomObject) tagged = o.Copy();
        else
        {
            var value = o.BaseObject is ValueType ? s_cloneBox(o.BaseObject) : o.BaseObject;
            tagged = new PSObject(value);
            bool own = !ReferenceEquals(value, o.BaseObject) || value is string;
            if (s_keepMembersLocally is not null) { s_keepMembersLocally(tagged, true); own = true; }
            if (own)
            {
                foreach (var m in o.Members.Match("*", s_extended))
                    if (m.IsInstance && m.Name != "NetNamespace") tagged.Members.Add(m.Copy());
                if (!o.TypeNames.SequenceEqual(tagged.TypeNames))
                {
                    tagged.TypeNames.Clear();
                    foreach (var t in o.TypeNames) tagged.TypeNames.Add(t);
                }
            }
        }
        tagged.Properties.Remove("NetNamespace");
        tagged.Properties.Add(new PSNoteProperty("NetNamespace", ns));
        return tagged;
    }

    /// <summary>Members that can be added to an object (the object's own properties and methods are adapted, not added).</summary>
    private const PSMemberTypes s_extended = PSMemberTypes.NoteProperty | PSMemberTypes.AliasProperty | PSMemberTypes.ScriptProperty |
        PSMemberTypes.CodeProperty | PSMemberTypes.ScriptMethod | PSMemberTypes.CodeMethod | PSMemberTypes.PropertySet | PSMemberTypes.MemberSet;

    private static readonly Func<object, object> s_cloneBox = (Func<object, object>)Delegate.CreateDelegate(typeof(Func<object, object>),
        typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!);

    /// <summary>PSObject.StoreTypeNameAndInstanceMembersLocally (internal, in every pwsh 7): null if it is gone.</summary>
    private static readonly Action<PSObject, bool>? s_keepMembersLocally =
        typeof(PSObject).GetProperty("StoreTypeNameAndInstanceMembersLocally", BindingFlags.Instance | BindingFlags.NonPublic)?.GetSetMethod(true) is { } set
            ? (Action<PSObject, bool>)Delegate.CreateDelegate(typeof(Action<PSObject, bool>), set)
            : null;

    protected override void StopProcessingLocal()
    {
        _running?.Kill();
    }
}
