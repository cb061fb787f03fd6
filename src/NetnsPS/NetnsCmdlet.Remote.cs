using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using NetnsPS.Core.Errors;

namespace NetnsPS.Commands;

/// <summary>
/// -Session and -ThrottleLimit on every NetnsPS cmdlet, the way Windows networking cmdlets take -CimSession: with
/// -Session the cmdlet runs on those hosts instead (PowerShell remoting, usually over SSH; no daemon, no RPC of our own).
/// The base class owns BeginProcessing/ProcessRecord/EndProcessing/StopProcessing and hands them to the cmdlet's
/// *Local overrides when there is no -Session. With sessions: once per session (cached) a preflight checks that the
/// remote host has the same NetnsPS version (RemoteModuleMissing, RemoteModuleVersionMismatch) and imports it; each
/// input record's bound parameters are collected (ShouldProcess asked here, naming the host; the remote call gets
/// -Confirm:$false); a piped object that came from a host (RunspaceId/PSComputerName) goes to that host's session
/// only; at the end one Invoke-Command over all sessions (-ThrottleLimit) runs each host's records there, streaming
/// back the objects and errors, which carry PSComputerName.
/// </summary>
public abstract partial class NetnsCmdlet
{
    /// <summary>Runs the command on these hosts (PSSessions, e.g. New-PSSession -HostName h1,h2) instead of here.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public PSSession[]? Session { get; set; }

    /// <summary>With -Session: how many hosts at once (0: Invoke-Command's default, 32).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public virtual int ThrottleLimit { get; set; }

    /// <summary>Why this cmdlet cannot run with -Session (its output cannot cross a session), or null when it can.</summary>
    protected virtual string? RemoteUnsupportedReason => null;

    protected virtual void BeginProcessingLocal() { }

    protected virtual void ProcessRecordLocal() { }

    protected virtual void EndProcessingLocal() { }

    protected virtual void StopProcessingLocal() { }

    protected sealed override void BeginProcessing()
    {
        if (Session is null) BeginProcessingLocal();
        else RemoteBegin();
    }

    protected sealed override void ProcessRecord()
    {
        if (Session is null) ProcessRecordLocal();
        else RemoteProcess();
    }

    protected sealed override void EndProcessing()
    {
        if (Session is null) EndProcessingLocal();
        else RemoteEnd();
    }

    protected sealed override void StopProcessing()
    {
        if (Session is null) StopProcessingLocal();
        else _remoteCall?.BeginStop(null, null);
    }

    /// <summary>Session instance id → the key its remote side answers to, for sessions whose preflight passed.</summary>
    private static readonly ConcurrentDictionary<Guid, string> s_checked = new();

    /// <summary>Forgets what the preflight found for a session (Install-NetnsPSRemote changed the remote module).</summary>
    internal static void ForgetRemoteCheck(PSSession session) => s_checked.TryRemove(session.InstanceId, out _);

    private static readonly string[] s_notForwarded =
    {
        "Session", "ThrottleLimit", "WhatIf", "Confirm", "ErrorAction", "ErrorVariable", "WarningVariable", "InformationVariable",
        "OutVariable", "OutBuffer", "PipelineVariable", "ProgressAction", "Debug",
    };

    private static readonly PropertyInfo? s_currentPipelineObject =
        typeof(Cmdlet).BaseType?.GetProperty("CurrentPipelineObject", BindingFlags.Instance | BindingFlags.NonPublic);

    // The remote side: one preflight per session, then the records of each host.
    private static readonly ScriptBlock s_preflight = ScriptBlock.Create(@"
param($Version)
$found = @()
$status = 'Ok'
$loaded = Get-Module NetnsPS
if ($loaded) {
    $found = @(""$($loaded.Version)"")
    if (""$($loaded.Version)"" -ne $Version) { $status = 'Loaded' }
}
else {
    $found = @(Get-Module -ListAvailable NetnsPS | ForEach-Object { ""$($_.Version)"" })
    if ($found.Count -eq 0) { $status = 'Missing' }
    elseif ($found -notcontains $Version) { $status = 'Mismatch' }
    else { Import-Module NetnsPS -RequiredVersion $Version -ErrorAction Stop }
}
if ($status -eq 'Ok') { $global:NetnsPSRemoteKey = [guid]::NewGuid().ToString() }
[pscustomobject]@{ Status = $status; Found = ($found -join ', '); Key = $global:NetnsPSRemoteKey }");

    private static readonly ScriptBlock s_batch = ScriptBlock.Create(@"
param($Command, $Batches, $ScriptBlockNames)
if (-not $global:NetnsPSRemoteKey -or -not $Batches.ContainsKey($global:NetnsPSRemoteKey)) {
    throw 'This session lost its NetnsPS preflight ($NetnsPSRemoteKey): open a new session.'
}
foreach ($p in $Batches[$global:NetnsPSRemoteKey]) {
    foreach ($n in $ScriptBlockNames) {
        if ($p.ContainsKey($n) -and $p[$n] -isnot [scriptblock]) { $p[$n] = [scriptblock]::Create([string]$p[$n]) }
    }
    & $Command @p
}");

    private PowerShell? _remoteCall;
    private List<(PSSession Session, string Key)>? _ready;
    private Dictionary<Guid, List<Hashtable>>? _records;
    private HashSet<string>? _scriptBlockNames;

    private void RemoteBegin()
    {
        if (RemoteUnsupportedReason is string why)
        {
            ThrowTerminatingError(new ErrorRecord(new NotSupportedException($"{MyInvocation.MyCommand.Name} cannot run with -Session: {why}"),
                ErrorIds.RemoteNotSupported, ErrorCategory.NotImplemented, MyInvocation.MyCommand.Name));
        }
        _ready = new();
        _records = new();
        _scriptBlockNames = new(StringComparer.OrdinalIgnoreCase);
        var version = LocalModuleVersion;
        var unchecked_ = new List<PSSession>();
        foreach (var s in Session!.Distinct())
        {
            if (s_checked.TryGetValue(s.InstanceId, out var key)) _ready.Add((s, key));
            else unchecked_.Add(s);
        }
        if (unchecked_.Count == 0) return;
        var byRunspace = unchecked_.ToDictionary(s => s.InstanceId);
        var answered = new HashSet<Guid>();
        foreach (var o in RunRemote(unchecked_.ToArray(), s_preflight, new object[] { version }, forward: false))
        {
            if (o.Properties["RunspaceId"]?.Value is not Guid id || !byRunspace.TryGetValue(id, out var s)) continue;
            answered.Add(id);
            var status = o.Properties["Status"]?.Value as string;
            var found = o.Properties["Found"]?.Value as string;
            if (status == "Ok")
            {
                var key = (string)o.Properties["Key"]!.Value;
                s_checked[s.InstanceId] = key;
                _ready.Add((s, key));
                continue;
            }
            var (id_, message) = status switch
            {
                "Missing" => (ErrorIds.RemoteModuleMissing,
                    $"NetnsPS is not installed on {s.ComputerName}: run Install-NetnsPSRemote -Session <session> to copy this version ({version}) there."),
                "Loaded" => (ErrorIds.RemoteModuleVersionMismatch,
                    $"The session to {s.ComputerName} has NetnsPS {found} loaded, this one is {version}: run Install-NetnsPSRemote -Session <session>, then open a new session."),
                _ => (ErrorIds.RemoteModuleVersionMismatch,
                    $"{s.ComputerName} has NetnsPS {found}, this one is {version}: run Install-NetnsPSRemote -Session <session> to copy this version there."),
            };
            var record = new ErrorRecord(new InvalidOperationException(message), id_,
                status == "Missing" ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidOperation, s)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Install-NetnsPSRemote -Session $session" },
            };
            WriteErrorFrom(record, s.ComputerName);
        }
    }

    private string LocalModuleVersion =>
        (MyInvocation.MyCommand.Module?.Version ?? typeof(NetnsCmdlet).Assembly.GetName().Version ?? new Version(0, 0)).ToString();

    private void RemoteProcess()
    {
        if (_ready!.Count == 0) return;
        // This record's parameters, in a form that crosses the session and binds there.
        var args = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var kv in MyInvocation.BoundParameters)
        {
            if (Array.IndexOf(s_notForwarded, kv.Key) >= 0) continue;
            args[kv.Key] = Portable(kv.Value, kv.Key);
        }
        var targets = TargetSessions();
        if (targets is null) return;
        bool shouldProcess = GetType().GetCustomAttribute<CmdletAttribute>()?.SupportsShouldProcess == true;
        if (shouldProcess) args["Confirm"] = false;
        var what = Describe(args);
        foreach (var (s, _) in targets)
        {
            if (shouldProcess && !ShouldProcess($"{what} on {s.ComputerName}", MyInvocation.MyCommand.Name)) continue;
            if (!_records!.TryGetValue(s.InstanceId, out var list)) _records[s.InstanceId] = list = new();
            list.Add(shouldProcess ? (Hashtable)args.Clone() : args);
        }
    }

    /// <summary>The sessions this record goes to: a piped object from a host goes to that host's session only.</summary>
    private List<(PSSession Session, string Key)>? TargetSessions()
    {
        var current = s_currentPipelineObject?.GetValue(this) as PSObject;
        if (current is null || current.BaseObject is null) return _ready;
        if (current.Properties["RunspaceId"]?.Value is Guid rid)
        {
            var same = _ready!.Where(r => r.Session.InstanceId == rid).ToList();
            if (same.Count > 0) return same;
        }
        if (current.Properties["PSComputerName"]?.Value is not string computer || computer.Length == 0) return _ready;
        var byName = _ready!.Where(r => string.Equals(r.Session.ComputerName, computer, StringComparison.OrdinalIgnoreCase)).ToList();
        if (byName.Count > 0) return byName;
        var message = $"The input object came from {computer}, and no session given with -Session is to that host.";
        WriteError(new ErrorRecord(new InvalidOperationException(message), ErrorIds.RemoteHostNotInSession, ErrorCategory.InvalidArgument, current));
        return null;
    }

    private object? Portable(object? value, string name)
    {
        var v = value is PSObject p && p.BaseObject is not PSCustomObject ? p.BaseObject : value;
        switch (v)
        {
            case null: return null;
            case ScriptBlock sb: _scriptBlockNames!.Add(name); return sb.ToString();
            case SwitchParameter sw: return sw.IsPresent;
            case Enum e: return e.ToString();
            case string or bool or char or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal
                or Guid or DateTime or TimeSpan or Hashtable or PSObject:
                return v;
            case IDictionary d:
                var h = new Hashtable();
                foreach (DictionaryEntry de in d) h[de.Key] = de.Value;
                return h;
            case IEnumerable list:
                return list.Cast<object?>().Select(i => Portable(i, name)).ToArray();
            default: return v.ToString(); // IPAddress, version... bind again from their text
        }
    }

    private static string Describe(Hashtable args)
    {
        var parts = new List<string>();
        foreach (DictionaryEntry kv in args)
        {
            if (kv.Key is "Confirm") continue;
            var text = kv.Value is object?[] a ? string.Join(", ", a) : kv.Value?.ToString();
            parts.Add(kv.Value is true ? $"-{kv.Key}" : $"-{kv.Key} {text}");
        }
        parts.Sort(StringComparer.OrdinalIgnoreCase);
        return string.Join(" ", parts);
    }

    private void RemoteEnd()
    {
        if (_records is null || _records.Count == 0) return;
        var sessions = _ready!.Where(r => _records.ContainsKey(r.Session.InstanceId)).ToList();
        var batches = new Hashtable();
        foreach (var (s, key) in sessions) batches[key] = _records[s.InstanceId].ToArray();
        var command = $"NetnsPS\\{MyInvocation.MyCommand.Name}";
        foreach (var o in RunRemote(sessions.Select(r => r.Session).ToArray(), s_batch,
            new object[] { command, batches, _scriptBlockNames!.ToArray() }, forward: true))
            WriteObject(o);
    }

    /// <summary>
    /// Invoke-Command over <paramref name="sessions"/> in this runspace (a nested pipeline on this thread): with
    /// <paramref name="forward"/> each object is written as it arrives; without, they are returned.
    /// Errors, warnings, verbose and information records are written as they come, errors tagged with PSComputerName.
    /// </summary>
    private IEnumerable<PSObject> RunRemote(PSSession[] sessions, ScriptBlock script, object[] arguments, bool forward)
    {
        // Every host's errors come through (the caller's $ErrorActionPreference applies when they are written here).
        using var ps = NewInvokeCommand(sessions, script, arguments, ActionPreference.Continue);
        if (ThrottleLimit > 0 && MyInvocation.BoundParameters.ContainsKey("ThrottleLimit")) ps.AddParameter("ThrottleLimit", ThrottleLimit);
        // Records may be added on the pipeline thread (then written at once: Watch-NetNamespace streams) or on a
        // remoting thread (then queued and written from this thread: WriteObject/WriteError refuse other threads).
        var collected = new List<PSObject>();
        var queue = new ConcurrentQueue<Action>();
        var thread = Thread.CurrentThread;
        void Post(Action write)
        {
            queue.Enqueue(write);
            if (Thread.CurrentThread == thread) Drain();
        }
        void Drain()
        {
            while (queue.TryDequeue(out var write)) write();
        }
        using var output = new PSDataCollection<PSObject>();
        output.DataAdded += (_, e) =>
        {
            var o = output[e.Index];
            Post(() => { if (forward) WriteObject(o); else collected.Add(o); });
        };
        ps.Streams.Error.DataAdded += (_, e) =>
        {
            var r = ps.Streams.Error[e.Index];
            Post(() => WriteErrorFrom(r, (r as RemotingErrorRecord)?.OriginInfo?.PSComputerName));
        };
        ps.Streams.Warning.DataAdded += (_, e) => { var w = ps.Streams.Warning[e.Index].Message; Post(() => WriteWarning(w)); };
        ps.Streams.Verbose.DataAdded += (_, e) => { var v = ps.Streams.Verbose[e.Index].Message; Post(() => WriteVerbose(v)); };
        ps.Streams.Information.DataAdded += (_, e) => { var i = ps.Streams.Information[e.Index]; Post(() => WriteInformation(i)); };
        _remoteCall = ps;
        try { ps.Invoke<PSObject, PSObject>(null, output, null); }
        catch (PipelineStoppedException) { throw; }
        catch (RuntimeException ex) { queue.Enqueue(() => WriteError(new ErrorRecord(ex.ErrorRecord, ex))); }
        finally { _remoteCall = null; }
        Drain();
        return forward ? Array.Empty<PSObject>() : collected;
    }

    /// <summary>Invoke-Command -Session -ScriptBlock -ArgumentList -ErrorAction as a nested pipeline of this runspace.</summary>
    internal static PowerShell NewInvokeCommand(PSSession[] sessions, ScriptBlock script, object[] arguments, ActionPreference errorAction)
    {
        var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddCommand("Microsoft.PowerShell.Core\\Invoke-Command")
            .AddParameter("Session", sessions)
            .AddParameter("ScriptBlock", script)
            .AddParameter("ArgumentList", arguments)
            .AddParameter("ErrorAction", errorAction);
        return ps;
    }

    /// <summary>Writes an error that happened on a host, with PSComputerName on the record (as objects have).</summary>
    private void WriteErrorFrom(ErrorRecord record, string? computer)
    {
        if (computer is not null)
        {
            var pso = PSObject.AsPSObject(record);
            if (pso.Properties["PSComputerName"] is null) pso.Properties.Add(new PSNoteProperty("PSComputerName", computer));
        }
        WriteError(record);
    }
}
