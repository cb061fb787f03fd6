using System.Collections;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Labs;
using NetnsPS.Labs;

namespace NetnsPS.Commands;

/// <summary>New-NetLab: builds a declarative topology (namespaces, bridges, veths, addresses, routes, forwarding, NAT) or nothing.</summary>
[Cmdlet(VerbsCommon.New, "NetLab", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NetLab))]
public sealed class NewNetLabCommand : NetnsCmdlet
{
    /// <summary>A hashtable, or the path of a .psd1 or .json file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object? Definition { get; set; }

    /// <summary>Prefix of every name the lab makes; default: the lab's name and '-'.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Prefix { get; set; }

    /// <summary>The lab's name (default: the definition's Name, else 'lab').</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void BeginProcessingLocal() => RequireSysAdmin("Building a lab");

    /// <summary>
    /// -Session runs New-NetLab on those hosts, as with every cmdlet, unless the definition (given as a parameter, not
    /// piped) names Hosts: then the sessions are the lab's hosts (matched by session name or HostName) and the lab is built
    /// from here over all of them.
    /// </summary>
    protected override bool RunsOnSessions => Session is not null && !_spanning.Value;

    private Lazy<bool> _spanning => _spanningValue ??= new Lazy<bool>(() =>
    {
        if (!MyInvocation.BoundParameters.ContainsKey(nameof(Definition))) return false;
        try { return LabDefinition.Parse(ReadDefinition(Definition), Unwrap).IsSpanning; }
        catch (NetnsException) { return false; }
    });
    private Lazy<bool>? _spanningValue;

    protected override void ProcessRecordLocal()
    {
        LabDefinition def;
        try { def = LabDefinition.Parse(ReadDefinition(Definition), Unwrap); }
        catch (NetnsException ex) { ThrowNetnsError(ex, Definition); return; }
        var name = Name ?? def.Name;
        var prefix = Prefix ?? name + "-";
        if (Name is not null) def = LabDefinition.Parse(WithName(def.ToData(), Name), Unwrap);
        var what = $"{def.Namespaces.Count} namespace(s) {string.Join(", ", def.Namespaces.Select(n => prefix + n.Name))}, {def.Links.Count} link(s){(def.Bridges.Count > 0 ? $", {def.Bridges.Count} bridge(s)" : "")}";
        if (def.IsSpanning)
            what += $" on the local machine and host(s) {string.Join(", ", def.Namespaces.Select(n => n.Host).Where(h => h.Length > 0).Distinct())}";
        if (!ShouldProcess($"lab '{name}' (prefix '{prefix}')", $"Build {what}")) return;
        if (def.IsSpanning)
        {
            using var span = new SpanningLab(this, WriteVerbose);
            try { WriteObject(span.Build(def, prefix, Session ?? Array.Empty<PSSession>(), ModuleVersion)); }
            catch (NetnsException ex) { ThrowNetnsError(ex, name); }
            return;
        }
        var progress = new ProgressRecord(3, $"Building lab '{name}'", "Starting");
        var clock = Stopwatch.StartNew();
        try
        {
            var lab = LabBuilder.Build(def, prefix, (k, total, step) =>
            {
                WriteVerbose($"Lab '{name}' step {k}/{total}: {step}");
                // a large lab has thousands of steps: the bar moves at most every 200 ms
                if (k > 1 && clock.ElapsedMilliseconds < 200) return;
                clock.Restart();
                progress.StatusDescription = $"step {k} of {total}: {step}";
                progress.PercentComplete = 100 * (k - 1) / Math.Max(1, total);
                WriteProgress(progress);
            });
            WriteObject(lab);
        }
        catch (NetnsException ex) { ThrowNetnsError(ex, name); }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    private static object WithName(object data, string name)
    {
        ((IDictionary)data)["Name"] = name;
        return data;
    }

    private static object? Unwrap(object? o) => o is PSObject p ? p.BaseObject : o;

    private object? ReadDefinition(object? input)
    {
        input = Unwrap(input);
        if (input is FileInfo fi) input = fi.FullName;
        if (input is not string path) return input;
        var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        if (!File.Exists(full))
            throw new NetnsException(ErrorIds.LabDefinitionNotFound, Errno.ENOENT, $"Lab definition file '{full}' does not exist.", path);
        var ext = Path.GetExtension(full).ToLowerInvariant();
        if (ext == ".json") return LabDefinition.FromJson(File.ReadAllText(full), full);
        if (ext != ".psd1")
            throw new NetnsException(ErrorIds.InvalidLabDefinition, Errno.EINVAL, $"Lab definition file '{full}' must be a .psd1 or .json file.", path);
        // As Import-PowerShellDataFile: parse, then evaluate only the safe (constant) hashtable.
        var ast = Parser.ParseFile(full, out _, out var errors);
        if (errors.Length > 0)
            throw new NetnsException(ErrorIds.InvalidLabDefinition, Errno.EINVAL,
                $"Lab definition file '{full}' has a syntax error at line {errors[0].Extent.StartLineNumber}: {errors[0].Message}", path);
        var table = ast.Find(a => a is HashtableAst, false) as HashtableAst
            ?? throw new NetnsException(ErrorIds.InvalidLabDefinition, Errno.EINVAL, $"Lab definition file '{full}' holds no hashtable.", path);
        try { return table.SafeGetValue(); }
        catch (InvalidOperationException ex)
        {
            throw new NetnsException(ErrorIds.InvalidLabDefinition, Errno.EINVAL, $"Lab definition file '{full}' may hold constant data only: {ex.Message}", path, ex);
        }
    }
}

/// <summary>Get-NetLab: the labs present (state files under /run/netnsps/labs).</summary>
[Cmdlet(VerbsCommon.Get, "NetLab", DefaultParameterSetName = "Name")]
[OutputType(typeof(NetLab))]
public sealed class GetNetLabCommand : NetnsCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetLabCompleter))]
    public string[] Name { get; set; } = new[] { "*" };

    /// <summary>Lab names taken exactly as typed: no character is a wildcard.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetLabCompleter))]
    public string[] LiteralName { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Prefix")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetLabCompleter))]
    public string[] Prefix { get; set; } = Array.Empty<string>();

    protected override void ProcessRecordLocal()
    {
        var labs = LabBuilder.List(ex => WriteNetnsError(ex));
        var selected = ParameterSetName switch
        {
            "Prefix" => NetLabSelection.Select(this, labs, null, Prefix),
            "LiteralName" => NetLabSelection.Select(this, labs, LiteralName, null, literal: true),
            _ => NetLabSelection.Select(this, labs, Name, null),
        };
        foreach (var lab in selected)
            WriteObject(lab);
    }
}

/// <summary>Remove-NetLab: removes everything a lab made (host adapters, namespaces, state file) and nothing else; idempotent.</summary>
[Cmdlet(VerbsCommon.Remove, "NetLab", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "InputObject")]
[OutputType(typeof(void))]
public sealed class RemoveNetLabCommand : NetnsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    [ValidateNotNull]
    public NetLab[] InputObject { get; set; } = Array.Empty<NetLab>();

    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetLabCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Lab names taken exactly as typed: no character is a wildcard ('lab[1]' removes lab[1] only).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetLabCompleter))]
    public string[] LiteralName { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = "Prefix")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetLabCompleter))]
    public string[] Prefix { get; set; } = Array.Empty<string>();

    /// <summary>Kill processes still running inside the lab's namespaces first.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessingLocal() => RequireSysAdmin("Removing a lab");

    protected override void ProcessRecordLocal()
    {
        IEnumerable<NetLab> targets;
        if (ParameterSetName == "InputObject")
        {
            // The object knows what the lab is made of: it works even when the state file is gone (idempotent).
            var present = LabBuilder.List().ToDictionary(l => l.Prefix, StringComparer.Ordinal);
            targets = InputObject.Select(l => present.TryGetValue(l.Prefix, out var p) ? p : l);
        }
        else
        {
            var labs = LabBuilder.List(ex => WriteNetnsError(ex));
            targets = ParameterSetName switch
            {
                "Prefix" => NetLabSelection.Select(this, labs, null, Prefix),
                "LiteralName" => NetLabSelection.Select(this, labs, LiteralName, null, literal: true),
                _ => NetLabSelection.Select(this, labs, Name, null),
            };
        }
        foreach (var lab in targets.ToList())
        {
            if (!ShouldProcess($"lab '{lab.Name}' (prefix '{lab.Prefix}')",
                    $"Remove {lab.Namespaces.Length} namespace(s){(lab.HostAdapters.Length > 0 ? $" and host adapter(s) {string.Join(", ", lab.HostAdapters)}" : "")}"))
                continue;
            if (lab.Hosts.Length > 0 && lab.Host.Length == 0)
            {
                // The local part of a lab spanning hosts: the parts on the other hosts first; the local record stays until they are gone.
                using var span = new SpanningLab(this, WriteVerbose);
                var remote = span.RemoveRemoteParts(lab, ModuleVersion);
                foreach (var p in remote)
                    WriteNetnsError(new NetnsException(ErrorIds.NetLabRemoveFailed, Errno.EHOSTUNREACH, $"Lab '{lab.Name}': cannot remove the part on {p}", lab.Name), lab);
                if (remote.Count > 0) continue;
            }
            var problems = RemoveWithProgress(lab);
            foreach (var p in problems)
                WriteNetnsError(new NetnsException(ErrorIds.NetLabRemoveFailed, Errno.EBUSY, $"Lab '{lab.Name}': cannot remove {p}", lab.Name), lab);
        }
    }

    /// <summary>Removes the lab with a progress bar (namespaces removed of how many), updated at most every 200 ms.</summary>
    private List<string> RemoveWithProgress(NetLab lab)
    {
        var progress = new ProgressRecord(4, $"Removing lab '{lab.Name}'", "Starting");
        var clock = Stopwatch.StartNew();
        try
        {
            return LabBuilder.Remove(lab, Force, WriteWarning, (done, total, next) =>
            {
                if (done > 0 && clock.ElapsedMilliseconds < 200) return;
                clock.Restart();
                progress.StatusDescription = $"{done} of {total} namespaces removed; next: {next}";
                progress.PercentComplete = 100 * done / Math.Max(1, total);
                WriteProgress(progress);
            });
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }
}

internal static class NetLabSelection
{
    /// <summary>
    /// Labs whose name (or prefix) matches; a literal that matches nothing is a non-terminating NetLabNotFound. With
    /// <paramref name="literal"/> (-LiteralName) no character is a wildcard and a name matches exactly (ordinal).
    /// </summary>
    public static IEnumerable<NetLab> Select(NetnsCmdlet cmdlet, List<NetLab> labs, string[]? names, string[]? prefixes, bool literal = false)
    {
        var patterns = names ?? prefixes ?? new[] { "*" };
        Func<NetLab, string> key = names is not null ? l => l.Name : l => l.Prefix;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in patterns)
        {
            Func<string, bool> isMatch;
            if (literal) isMatch = k => string.Equals(k, p, StringComparison.Ordinal);
            else
            {
                try { isMatch = NetnsCmdlet.CheckedPattern(p).IsMatch; }
                catch (NetnsException ex) { cmdlet.WriteError(NetnsCmdlet.ToErrorRecord(ex)); continue; }
            }
            var matched = labs.Where(l => isMatch(key(l))).ToList();
            if (matched.Count == 0 && (literal || !WildcardPattern.ContainsWildcardCharacters(p)))
                cmdlet.WriteError(NetnsCmdlet.ToErrorRecord(new NetnsException(ErrorIds.NetLabNotFound, Errno.ENOENT,
                    $"No lab with {(names is not null ? "name" : "prefix")} '{p}' (labs present: {(labs.Count == 0 ? "none" : string.Join(", ", labs.Select(l => $"{l.Name} ({l.Prefix})")))}).", p)));
            foreach (var l in matched)
                if (seen.Add(l.Prefix)) yield return l;
        }
    }
}
