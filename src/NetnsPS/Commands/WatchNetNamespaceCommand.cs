using System.Management.Automation;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Watch;

namespace NetnsPS.Commands;

/// <summary>
/// Watch-NetNamespace: ip netns monitor (inotify on /run/netns), or with -Adapter ip monitor link in one or more
/// namespaces (one rtnetlink listener in the host for all of them), as objects, until Ctrl+C, -Timeout or -Count. When
/// the kernel drops events (a queue overflowed) the watcher reads the state again: a warning, then the difference.
/// </summary>
[Cmdlet("Watch", "NetNamespace", DefaultParameterSetName = "Name")]
[OutputType(typeof(NetNamespaceEvent), ParameterSetName = new[] { "Name", "LiteralName" })]
[OutputType(typeof(NetNamespaceAdapterEvent), ParameterSetName = new[] { "Adapter" })]
public sealed class WatchNetNamespaceCommand : NetnsSessionCmdlet
{
    /// <summary>Only events for names matching these (wildcards).</summary>
    [Parameter(Position = 0, ParameterSetName = "Name")]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Only events for exactly these names (no character is a wildcard; the names need not exist yet).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralName")]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] LiteralName { get; set; } = Array.Empty<string>();

    /// <summary>Watch adapters (ip monitor link) instead of namespaces.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Adapter")]
    public SwitchParameter Adapter { get; set; }

    /// <summary>With -Adapter: the namespaces to watch (names, wildcards, NetNamespace objects, '' for the host; default: the host).</summary>
    [Parameter(Position = 0, ParameterSetName = "Adapter")]
    [Alias("NetNs", "ns")]
    [NamespaceTransformation]
    [SupportsWildcards]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    public string[] Namespace { get; set; } = Array.Empty<string>();

    /// <summary>Stop after this many seconds.</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double? Timeout { get; set; }

    /// <summary>Stop after this many events.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Count { get; set; }

    private volatile bool _stop;

    protected override void ProcessRecordLocal()
    {
        if (Adapter) WatchAdapters();
        else WatchNamespaces();
    }

    private void WatchAdapters()
    {
        var contexts = ResolveContexts(Namespace).ToList();
        if (contexts.Count == 0) return; // every name failed (errors written)
        LinkWatcher watcher;
        try { watcher = new LinkWatcher(Sessions, contexts); }
        catch (NetnsException ex) { ThrowNetnsError(ex); return; }
        using (watcher) Pump(watcher.Read, _ => true);
    }

    private void WatchNamespaces()
    {
        WildcardPattern[] patterns;
        NamespaceWatcher watcher;
        try
        {
            patterns = Name.Select(CheckedPattern).ToArray();
            watcher = new NamespaceWatcher();
        }
        catch (NetnsException ex) { ThrowNetnsError(ex); return; }
        var literal = LiteralName.ToHashSet(StringComparer.Ordinal);
        using (watcher) Pump(watcher.Read, e => literal.Count > 0 ? literal.Contains(e.Name) : patterns.Length == 0 || patterns.Any(p => p.IsMatch(e.Name)));
    }

    /// <summary>
    /// Reads events in slices of at most 100 ms (so Ctrl+C and -Timeout act within that) and writes those
    /// <paramref name="keep"/> accepts, until -Timeout, -Count or a stop; a resync notice is a warning.
    /// </summary>
    private void Pump<T>(Func<int, List<WatchItem<T>>> read, Func<T, bool> keep) where T : class
    {
        int seen = 0;
        foreach (int slice in TimeSlices(Timeout, () => _stop))
        {
            List<WatchItem<T>> items;
            try { items = read(slice); }
            catch (NetnsException ex) { ThrowNetnsError(ex); return; }
            foreach (var item in items)
            {
                if (item.Resync is string notice) { WriteWarning(notice); continue; }
                if (item.Event is not T e || !keep(e)) continue;
                WriteObject(e);
                if (Count is int c && ++seen >= c) return;
            }
        }
    }

    protected override void StopProcessingLocal() => _stop = true;
}
