using System.Collections;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Reflection;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Labs;

namespace NetnsPS.Labs;

/// <summary>
/// A lab spanning hosts, driven from here over PowerShell remoting: sessions (given, or opened from the Hosts entries),
/// a preflight on every host that changes nothing, the central plan (<see cref="LabSpanPlanner"/>), each host's part built
/// at once (remote parts as jobs, the local part in this process), and on any failure every host's part removed again.
/// Each part is an ordinary lab on its host (Remove-NetLab there removes it); the local part also lists every host with
/// how to reach it, so Remove-NetLab here removes the whole lab, even when the pwsh that built it is gone.
/// </summary>
internal sealed class SpanningLab : IDisposable
{
    private readonly PSCmdlet _cmdlet;
    private readonly Dictionary<string, PSSession> _sessions = new(StringComparer.Ordinal);
    private readonly List<PSSession> _opened = new();
    private readonly Action<string> _verbose;

    /// <summary>Where the time went (session set-up, preflight, building, rollback), for -Verbose and the benchmark.</summary>
    public Dictionary<string, double> Timings { get; } = new(StringComparer.Ordinal);

    public SpanningLab(PSCmdlet cmdlet, Action<string> verbose)
    {
        _cmdlet = cmdlet;
        _verbose = verbose;
    }

    // The module check -Session uses (NetnsCmdlet.RemoteModuleCheck, passed as text), then the host's own checks.
    private const string PreflightScript = @"
param($Check, $Version, $Prefix, $Namespaces, $Underlay, $UnderlayNamespace, $Peers, $Port)
$m = & ([scriptblock]::Create($Check)) $Version
if ($m.Status -ne 'Ok') {
    $why = switch ($m.Status) {
        'Missing' { ""NetnsPS is not installed (Install-NetnsPSRemote -Session <session> copies this version, $Version, there)"" }
        'Loaded' { ""the session has NetnsPS $($m.Found) loaded, this one is $Version (Install-NetnsPSRemote, then a new session)"" }
        default { ""NetnsPS $($m.Found) is installed, not $Version (Install-NetnsPSRemote -Session <session> copies this version there)"" }
    }
    return [pscustomobject]@{ Problems = @($why); UnderlayMtu = 0; UsedVnis = @() }
}
[NetnsPS.Core.Labs.LabPreflight]::Check($Prefix, [string[]]@($Namespaces), $Underlay, $UnderlayNamespace, [string[]]@($Peers), $Port, 3)
";

    private const string BuildScript = @"
param($Version, $Definition, $Prefix)
Import-Module NetnsPS -RequiredVersion $Version -ErrorAction Stop
$null = New-NetLab -Definition $Definition -Prefix $Prefix -ErrorAction Stop
";

    private const string RemoveScript = @"
param($Version, $Prefix)
Import-Module NetnsPS -RequiredVersion $Version -ErrorAction Stop
Get-NetLab -Prefix $Prefix -ErrorAction SilentlyContinue | Remove-NetLab -Force -Confirm:$false -ErrorAction Stop
";

    /// <summary>Builds the lab; returns the local part (the lab's record here, listing every host).</summary>
    public NetLab Build(LabDefinition def, string prefix, PSSession[] given, Version version)
    {
        var hosts = def.Namespaces.Select(n => n.Host).Where(h => h.Length > 0).Distinct().ToList();
        var resolved = Time("sessions", () => OpenSessions(def, hosts, given));
        var facts = Time("preflight", () => Preflight(def, resolved, prefix, version));
        var plan = LabSpanPlanner.Plan(def.WithHosts(resolved), facts);
        foreach (var s in plan.Stitches) _verbose($"Lab '{def.Name}': {s}");
        NetLab? local = null;
        var jobs = new Dictionary<string, PSObject>(StringComparer.Ordinal);
        try
        {
            Time("build", () =>
            {
                // The local part first (its state file lists every host, so Remove-NetLab here finds them all), then the
                // remote parts start while the local one is built.
                void StartRemote()
                {
                    if (jobs.Count > 0 || hosts.Count == 0) return;
                    foreach (var h in hosts)
                        jobs[h] = StartJob(h, BuildScript, version.ToString(), plan.Parts[h].ToData(), prefix);
                }
                local = LabBuilder.Build(plan.Parts[""], prefix, (k, total, step) =>
                {
                    StartRemote();
                    _verbose($"Lab '{def.Name}' (local) step {k}/{total}: {step}");
                });
                StartRemote();
                var failures = new List<string>();
                foreach (var (h, job) in jobs)
                {
                    var (_, errors) = Receive(job);
                    failures.AddRange(errors.Select(e => $"host '{h}': {e.Exception?.Message ?? e.ToString()}"));
                }
                if (failures.Count > 0)
                    throw new NetnsException(ErrorIds.NetLabBuildFailed, Errno.EIO,
                        $"Building lab '{def.Name}' failed: {string.Join(" ", failures)}", def.Name);
            });
            return local!;
        }
        catch (Exception ex)
        {
            var left = Time("rollback", () => Rollback(local, hosts, jobs.Keys.ToList(), prefix, version));
            if (ex is NetnsException nex && left.Count == 0) throw new NetnsException(nex.ErrorCode, nex.Errno, nex.Message + " Every host's part was removed.", nex.Target, ex);
            if (left.Count > 0) throw new NetnsException(ErrorIds.NetLabBuildFailed, Errno.EIO, $"{ex.Message} Rollback left: {string.Join("; ", left)}", def.Name, ex);
            throw;
        }
    }

    /// <summary>Removes the parts on the other hosts of a lab whose local part lists them (its Span); returns what could not be removed.</summary>
    public List<string> RemoveRemoteParts(NetLab lab, Version version)
    {
        var problems = new List<string>();
        if (lab.Definition is null || !lab.Definition.Data.TryGetValue("Span", out var span) || span is null) return problems;
        LabDefinition part;
        try { part = LabDefinition.Parse(lab.Definition.Data); }
        catch (NetnsException ex) { problems.Add(ex.Message); return problems; }
        var jobs = new Dictionary<string, PSObject>(StringComparer.Ordinal);
        foreach (var (name, host) in part.Span!.Hosts)
        {
            if (host.HostName is null) { problems.Add($"host '{name}': no HostName to reach it; remove its part there (Remove-NetLab -Prefix '{lab.Prefix}')"); continue; }
        }
        problems.AddRange(Open(part.Span.Hosts.Values.Where(h => h.HostName is not null)));
        foreach (var name in part.Span.Hosts.Keys.Where(_sessions.ContainsKey))
            jobs[name] = StartJob(name, RemoveScript, version.ToString(), lab.Prefix);
        foreach (var (h, job) in jobs)
            problems.AddRange(Receive(job).Errors.Select(e => $"host '{h}': {e.Exception?.Message ?? e.ToString()}"));
        return problems;
    }

    private Dictionary<string, LabHost> OpenSessions(LabDefinition def, List<string> hosts, PSSession[] given)
    {
        var resolved = new Dictionary<string, LabHost>(StringComparer.Ordinal);
        var failures = new List<string>();
        var toOpen = new List<LabHost>();
        foreach (var h in hosts)
        {
            var host = def.Hosts[h];
            var session = given.FirstOrDefault(s => s.Name == h) ?? given.FirstOrDefault(s => host.HostName is not null && SameHost(s.ComputerName, host.HostName))
                ?? (host.HostName is null ? given.FirstOrDefault(s => s.ComputerName == h) : null);
            if (session is not null) _sessions[h] = session;
            else if (host.HostName is null) failures.Add($"host '{h}' has no HostName and no -Session is named '{h}' or connects to it.");
            else toOpen.Add(host);
        }
        failures.AddRange(Open(toOpen));
        foreach (var h in hosts.Where(_sessions.ContainsKey))
        {
            var state = _sessions[h].Runspace.RunspaceStateInfo.State;
            if (state != RunspaceState.Opened) failures.Add($"host '{h}': session {_sessions[h].Name} is {state}.");
            else resolved[h] = FromSession(def.Hosts[h], _sessions[h]);
        }
        if (failures.Count > 0)
            throw new NetnsException(ErrorIds.LabHostUnavailable, Errno.EHOSTUNREACH,
                $"Cannot build lab '{def.Name}': {string.Join(" ", failures)} Nothing was changed on any host.", def.Name);
        return resolved;
    }

    private static bool SameHost(string a, string b) => string.Equals(a.Trim('[', ']'), b.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);

    /// <summary>The host's entry completed from its session: HostName, UserName, KeyFilePath, Port (so Remove-NetLab can reach it again), Underlay.</summary>
    private static LabHost FromSession(LabHost host, PSSession s)
    {
        var ci = PSObject.AsPSObject(s.Runspace.ConnectionInfo);
        string? Prop(string n) => ci.Properties[n]?.Value?.ToString() is { Length: > 0 } v ? v : null;
        var hostName = host.HostName ?? Prop("ComputerName") ?? s.ComputerName;
        int? port = host.Port ?? (int.TryParse(Prop("Port"), out var p) && p > 0 ? p : null);
        var underlay = host.Underlay ?? (IPAddress.TryParse(hostName.Trim('[', ']'), out var a) ? a : null);
        var options = host.Options;
        // SSHConnectionInfo keeps New-PSSession -Options in a non-public property.
        var raw = s.Runspace.ConnectionInfo;
        if (options.Count == 0 && raw.GetType().GetProperty("Options", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(raw) is IDictionary o)
            options = o.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString() ?? "", e => e.Value?.ToString() ?? "", StringComparer.OrdinalIgnoreCase);
        return host with
        {
            HostName = hostName, UserName = host.UserName ?? Prop("UserName"), KeyFilePath = host.KeyFilePath ?? Prop("KeyFilePath"), Port = port,
            Options = options, Underlay = underlay,
        };
    }

    /// <summary>
    /// Opens sessions to <paramref name="hosts"/> into <see cref="_sessions"/>: one New-PSSession per set of hosts with the
    /// same user, key, port and options (it opens its hosts at once). Returns why a host could not be reached.
    /// </summary>
    private List<string> Open(IEnumerable<LabHost> hosts)
    {
        var failures = new List<string>();
        foreach (var group in hosts.GroupBy(h => $"{h.UserName}|{h.KeyFilePath}|{h.Port}|{string.Join(";", h.Options.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}"))}"))
        {
            var list = group.ToList();
            var first = list[0];
            var names = list.Select(h => $"netlab-{Guid.NewGuid():N}"[..20]).ToArray();
            var args = new Hashtable { ["HostName"] = list.Select(h => h.HostName).ToArray(), ["Name"] = names, ["ErrorAction"] = "SilentlyContinue" };
            if (first.UserName is not null) args["UserName"] = first.UserName;
            if (first.KeyFilePath is not null) args["KeyFilePath"] = first.KeyFilePath;
            if (first.Port is int port) args["Port"] = port;
            if (first.Options.Count > 0) args["Options"] = new Hashtable(first.Options.ToDictionary(o => o.Key, o => (object)o.Value));
            var result = Invoke(@"param($a)
$e = $null
$s = New-PSSession @a -ErrorVariable e
[pscustomobject]@{ Sessions = @($s); Errors = @($e | ForEach-Object { ""$_"" }) }", args).Single();
            var opened = ((IEnumerable)result.Properties["Sessions"].Value).Cast<object>().Select(o => PSObject.AsPSObject(o).BaseObject).OfType<PSSession>().ToList();
            _opened.AddRange(opened);
            var errors = ((IEnumerable)result.Properties["Errors"].Value).Cast<object>().Select(o => o.ToString()).ToList();
            for (int k = 0; k < list.Count; k++)
            {
                if (opened.FirstOrDefault(s => s.Name == names[k]) is PSSession s) _sessions[list[k].Name] = s;
                else failures.Add($"host '{list[k].Name}' ({list[k].HostName}): cannot open a session{(errors.Count == 0 ? "." : $": {string.Join(" ", errors)}")}");
            }
        }
        return failures;
    }

    private Dictionary<string, LabHostFacts> Preflight(LabDefinition def, Dictionary<string, LabHost> hosts, string prefix, Version version)
    {
        var ends = new Dictionary<string, (IPAddress? Underlay, string? UnderlayNs, int? SshPort)>(StringComparer.Ordinal)
        {
            [""] = (def.Underlay, def.UnderlayNamespace, null),
        };
        foreach (var (h, host) in hosts) ends[h] = (host.Underlay, host.UnderlayNamespace, host.Port);
        // A host's peers: the hosts it shares a link with, reached on their ssh port (the local machine's: 22).
        var hostOf = def.Namespaces.ToDictionary(n => n.Name, n => n.Host);
        var peers = ends.Keys.ToDictionary(h => h, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (var l in def.Links.Where(l => !l.A.IsHost && !l.B.IsHost && hostOf[l.A.Namespace] != hostOf[l.B.Namespace]))
        {
            peers[hostOf[l.A.Namespace]].Add(hostOf[l.B.Namespace]);
            peers[hostOf[l.B.Namespace]].Add(hostOf[l.A.Namespace]);
        }
        var problems = new List<string>();
        string[] PeerList(string h) => peers[h].Where(p => ends[p].Underlay is not null)
            .Select(p => LabDefinition.FormatEndpoint(ends[p].Underlay!, ends[p].SshPort ?? 22)).ToArray();
        string[] Names(string h) => def.Namespaces.Where(n => n.Host == h).Select(n => n.Name).ToArray();
        foreach (var h in ends.Keys.Where(h => peers[h].Count > 0 && ends[h].Underlay is null))
            problems.Add($"{Who(h)}: no underlay address ({(h.Length == 0 ? "Underlay = '...' in the definition" : "its Underlay key, or an address as HostName")})");

        var jobs = hosts.Keys.ToDictionary(h => h, h => StartJob(h, PreflightScript, Commands.NetnsCmdlet.RemoteModuleCheck, version.ToString(), prefix, Names(h),
            ends[h].Underlay?.ToString() ?? "", ends[h].UnderlayNs ?? "", PeerList(h), def.VxlanPort));
        var results = new Dictionary<string, (string[] Problems, int Mtu, uint[] Vnis)>(StringComparer.Ordinal);
        var localResult = LabPreflight.Check(prefix, Names(""), ends[""].Underlay?.ToString() ?? "", ends[""].UnderlayNs ?? "", PeerList(""), def.VxlanPort);
        // The local machine needs no underlay when no link leaves it.
        var localProblems = localResult.Problems.Where(p => peers[""].Count > 0 || !IsUnderlayProblem(p)).ToArray();
        results[""] = (localProblems, localResult.UnderlayMtu, localResult.UsedVnis);
        foreach (var (h, job) in jobs)
        {
            var (output, errors) = Receive(job);
            var r = output.LastOrDefault();
            var hp = r?.Properties["Problems"]?.Value is object pv ? LanguagePrimitives.ConvertTo<string[]>(pv) : Array.Empty<string>();
            hp = hp.Concat(errors.Select(e => e.Exception?.Message ?? e.ToString())).ToArray();
            if (r is null && errors.Count == 0) hp = new[] { "the preflight returned nothing" };
            if (peers[h].Count == 0) hp = hp.Where(p => !IsUnderlayProblem(p)).ToArray();
            results[h] = (hp, r?.Properties["UnderlayMtu"]?.Value is object m ? LanguagePrimitives.ConvertTo<int>(m) : 0,
                r?.Properties["UsedVnis"]?.Value is object v ? LanguagePrimitives.ConvertTo<uint[]>(v) : Array.Empty<uint>());
        }
        foreach (var (h, r) in results) problems.AddRange(r.Problems.Select(p => $"{Who(h)}: {p}"));
        if (problems.Count > 0)
            throw new NetnsException(ErrorIds.LabPreflightFailed, Errno.EINVAL,
                $"Lab '{def.Name}' was not built; the preflight found: {string.Join("; ", problems)}. Nothing was changed on any host.", def.Name);
        return results.Where(r => ends[r.Key].Underlay is not null)
            .ToDictionary(r => r.Key, r => new LabHostFacts(ends[r.Key].Underlay!, r.Value.Mtu, r.Value.Vnis), StringComparer.Ordinal);
    }

    private static bool IsUnderlayProblem(string p) => p.StartsWith("underlay ", StringComparison.Ordinal) || p.StartsWith("no adapter of ", StringComparison.Ordinal);

    private static string Who(string h) => h.Length == 0 ? "the local machine" : $"host '{h}'";

    /// <summary>Removes every part: the local one, and on every host where a build was started, whatever is there of it.</summary>
    private List<string> Rollback(NetLab? local, List<string> hosts, List<string> started, string prefix, Version version)
    {
        var left = new List<string>();
        var jobs = started.ToDictionary(h => h, h => StartJob(h, RemoveScript, version.ToString(), prefix));
        if (local is not null) left.AddRange(LabBuilder.Remove(local, kill: true).Select(p => $"local machine: {p}"));
        foreach (var (h, job) in jobs)
            left.AddRange(Receive(job).Errors.Select(e => $"host '{h}': {e.Exception?.Message ?? e.ToString()}"));
        return left;
    }

    private PSObject StartJob(string host, string script, params object?[] args) =>
        Invoke("param($s, $b, $a) Invoke-Command -Session $s -ScriptBlock ([scriptblock]::Create($b)) -ArgumentList $a -AsJob",
            _sessions[host], script, args).Single();

    /// <summary>Waits for a job; its output, and its errors (remote errors, and a session that broke).</summary>
    private (List<PSObject> Output, List<ErrorRecord> Errors) Receive(PSObject job)
    {
        var results = Invoke(@"param($j)
$e = $null
$o = Receive-Job -Job $j -Wait -AutoRemoveJob -ErrorAction SilentlyContinue -ErrorVariable e
[pscustomobject]@{ Output = @($o); Errors = @($e) }", job).Single();
        var output = ((IEnumerable)results.Properties["Output"].Value).Cast<object>().Select(PSObject.AsPSObject).ToList();
        var errors = ((IEnumerable)results.Properties["Errors"].Value).Cast<object>().Select(o => PSObject.AsPSObject(o).BaseObject)
            .Select(o => o as ErrorRecord ?? (o as RuntimeException)?.ErrorRecord ?? new ErrorRecord(new InvalidOperationException(o?.ToString()), "RemoteError", ErrorCategory.NotSpecified, null))
            .ToList();
        return (output, errors);
    }

    private Collection<PSObject> Invoke(string script, params object?[] args) =>
        _cmdlet.InvokeCommand.InvokeScript(script, false, PipelineResultTypes.None, null, args);

    private T Time<T>(string what, Func<T> f)
    {
        var sw = Stopwatch.StartNew();
        try { return f(); }
        finally
        {
            Timings[what] = Timings.GetValueOrDefault(what) + sw.Elapsed.TotalMilliseconds;
            _verbose($"{what}: {sw.Elapsed.TotalMilliseconds:0} ms");
        }
    }

    private void Time(string what, Action f) => Time(what, () => { f(); return 0; });

    public void Dispose()
    {
        if (_opened.Count == 0) return;
        try { Invoke("param($s) Remove-PSSession -Session $s -ErrorAction SilentlyContinue", (object)_opened.ToArray()); }
        catch (RuntimeException) { }
        _opened.Clear();
    }
}
