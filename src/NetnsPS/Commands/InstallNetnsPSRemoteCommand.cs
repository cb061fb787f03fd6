using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NetnsPS.Core.Errors;

namespace NetnsPS.Commands;

/// <summary>
/// Install-NetnsPSRemote: copies the loaded module's folder (this version) to each session's host, into the first
/// user-writable entry of its PSModulePath (Copy-Item -ToSession), imports it there and says where it went. -Force copies
/// again over the same version. Afterwards -Session calls to that host find the version they need.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "NetnsPSRemote", SupportsShouldProcess = true)]
[OutputType(typeof(PSObject))]
public sealed class InstallNetnsPSRemoteCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public PSSession[] Session { get; set; } = Array.Empty<PSSession>();

    /// <summary>Copy even when the host has this version already (its folder is replaced).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    // The target folder on the host: the first PSModulePath entry this user can write (made when missing).
    private static readonly ScriptBlock s_target = ScriptBlock.Create(@"
param($Version)
foreach ($entry in $env:PSModulePath -split [IO.Path]::PathSeparator) {
    if (-not $entry) { continue }
    try {
        if (-not (Test-Path -LiteralPath $entry)) { $null = New-Item -ItemType Directory -Path $entry -Force -ErrorAction Stop }
        $probe = Join-Path $entry ('.netnsps-probe-' + [guid]::NewGuid().ToString('N'))
        [IO.File]::WriteAllText($probe, '')
        Remove-Item -LiteralPath $probe -Force
    }
    catch { continue }
    $path = Join-Path $entry ""NetnsPS/$Version""
    return [pscustomobject]@{ Path = $path; Present = (Test-Path -LiteralPath (Join-Path $path 'NetnsPS.psd1')); Loaded = ""$((Get-Module NetnsPS).Version)"" }
}
throw ""No entry of PSModulePath ($env:PSModulePath) is writable by $([Environment]::UserName).""");

    private static readonly ScriptBlock s_prepare = ScriptBlock.Create(@"
param($Path)
if (Test-Path -LiteralPath $Path) { Remove-Item -LiteralPath $Path -Recurse -Force -ErrorAction Stop }
$null = New-Item -ItemType Directory -Path $Path -Force -ErrorAction Stop");

    private static readonly ScriptBlock s_verify = ScriptBlock.Create(@"
param($Version)
$m = Import-Module NetnsPS -RequiredVersion $Version -PassThru -ErrorAction Stop
[pscustomobject]@{ Version = ""$($m.Version)""; ModuleBase = $m.ModuleBase }");

    protected override void ProcessRecord()
    {
        var module = MyInvocation.MyCommand.Module;
        var version = (module?.Version ?? typeof(NetnsCmdlet).Assembly.GetName().Version!).ToString();
        var source = module?.ModuleBase ?? Path.GetDirectoryName(typeof(NetnsCmdlet).Assembly.Location)!;
        foreach (var s in Session)
        {
            try { Install(s, version, source); }
            catch (RuntimeException ex)
            {
                var message = $"Installing NetnsPS {version} on {s.ComputerName} failed: {ex.Message}";
                var record = new ErrorRecord(new InvalidOperationException(message, ex), ErrorIds.RemoteInstallFailed,
                    ErrorCategory.InvalidOperation, s);
                PSObject.AsPSObject(record).Properties.Add(new PSNoteProperty("PSComputerName", s.ComputerName));
                WriteError(record);
            }
        }
    }

    private void Install(PSSession s, string version, string source)
    {
        var target = Run(s, s_target, version).FirstOrDefault()
            ?? throw new RuntimeException("the host did not answer where to install");
        var path = (string)target.Properties["Path"].Value;
        var loaded = target.Properties["Loaded"].Value as string;
        if (!string.IsNullOrEmpty(loaded) && loaded != version)
            throw new RuntimeException($"the session has NetnsPS {loaded} loaded; a module cannot be unloaded: open a new session and run Install-NetnsPSRemote in it");
        if (!(bool)target.Properties["Present"].Value || Force)
        {
            if (!ShouldProcess($"{s.ComputerName}: {path}", $"Copy NetnsPS {version} from {source}")) return;
            Run(s, s_prepare, path);
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            ps.AddCommand("Microsoft.PowerShell.Management\\Copy-Item")
                .AddParameter("Path", Path.Combine(source, "*"))
                .AddParameter("Destination", path)
                .AddParameter("ToSession", s)
                .AddParameter("Recurse")
                .AddParameter("Force")
                .AddParameter("ErrorAction", ActionPreference.Stop);
            ps.Invoke();
            if (ps.HadErrors && ps.Streams.Error.Count > 0) throw new RuntimeException(ps.Streams.Error[0].ToString());
        }
        else WriteVerbose($"{s.ComputerName} has NetnsPS {version} in {path} already (-Force copies it again).");
        NetnsCmdlet.ForgetRemoteCheck(s);
        var m = Run(s, s_verify, version).FirstOrDefault()
            ?? throw new RuntimeException("Import-Module NetnsPS gave nothing back");
        var result = new PSObject();
        result.Properties.Add(new PSNoteProperty("PSComputerName", s.ComputerName));
        result.Properties.Add(new PSNoteProperty("Version", m.Properties["Version"].Value));
        result.Properties.Add(new PSNoteProperty("Path", m.Properties["ModuleBase"].Value));
        WriteObject(result);
    }

    private static List<PSObject> Run(PSSession s, ScriptBlock script, params object[] args)
    {
        using var ps = NetnsCmdlet.NewInvokeCommand(new[] { s }, script, args, ActionPreference.Stop);
        var output = ps.Invoke().ToList();
        if (ps.Streams.Error.Count > 0) throw new RuntimeException(ps.Streams.Error[0].ToString());
        return output;
    }
}
