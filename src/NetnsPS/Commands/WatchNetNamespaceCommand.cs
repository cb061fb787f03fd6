using System.Diagnostics;
using System.Management.Automation;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Watch-NetNamespace: ip netns monitor (inotify on /run/netns), as objects, until Ctrl+C, -Timeout or -Count.</summary>
[Cmdlet("Watch", "NetNamespace")]
[OutputType(typeof(NetNamespaceEvent))]
public sealed class WatchNetNamespaceCommand : NetnsCmdlet
{
    /// <summary>Only events for names matching these (wildcards).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Stop after this many seconds.</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double? Timeout { get; set; }

    /// <summary>Stop after this many events.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Count { get; set; }

    private volatile bool _stop;

    protected override void ProcessRecord()
    {
        WildcardPattern[] patterns;
        NamespaceWatcher watcher;
        try
        {
            patterns = Name.Select(CheckedPattern).ToArray();
            watcher = new NamespaceWatcher();
        }
        catch (NetnsException ex) { ThrowNetnsError(ex); return; }
        using (watcher)
        {
            var sw = Stopwatch.StartNew();
            int seen = 0;
            while (!_stop)
            {
                int slice = 100;
                if (Timeout is double t)
                {
                    double left = t * 1000 - sw.Elapsed.TotalMilliseconds;
                    if (left <= 0) return;
                    slice = (int)Math.Min(slice, Math.Ceiling(left));
                }
                List<NetNamespaceEvent> events;
                try { events = watcher.Read(slice); }
                catch (NetnsException ex) { ThrowNetnsError(ex); return; }
                foreach (var e in events)
                {
                    if (patterns.Length > 0 && !patterns.Any(p => p.IsMatch(e.Name))) continue;
                    WriteObject(e);
                    if (Count is int c && ++seen >= c) return;
                }
            }
        }
    }

    protected override void StopProcessing() => _stop = true;
}
