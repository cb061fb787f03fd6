using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Shaping;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceQdisc: tc -s qdisc show (every adapter's queueing discipline with its counters).</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceQdisc")]
[OutputType(typeof(NetNamespaceQdisc))]
public sealed class GetNetNamespaceQdiscCommand : NamespaceQueryCmdlet
{
    /// <summary>Adapters (wildcards); a literal name that does not exist is AdapterNotFound.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNull]
    public string[] InterfaceAlias { get; set; } = Array.Empty<string>();

    /// <summary>Only qdiscs that were set (leave out the kernel's defaults: noqueue, pfifo_fast, mq...).</summary>
    [Parameter]
    public SwitchParameter Shaped { get; set; }

    protected override void Query(NamespaceContext ctx)
    {
        var filter = NameFilter(InterfaceAlias);
        var list = QdiscService.List(ctx, filter);
        foreach (var q in list)
            if (!Shaped || !q.IsDefault) WriteObject(q);
        foreach (var name in InterfaceAlias.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            var exact = WildcardPattern.Unescape(name);
            if (list.Any(q => q.InterfaceAlias == exact)) continue;
            try { AdapterService.Require(ctx, exact); }
            catch (NetnsException ex) { WriteNetnsError(ex, name); }
        }
    }
}

/// <summary>
/// Set-NetNamespaceQdisc: tc qdisc replace dev IF root tbf rate R burst B latency L (a -Rate alone), or root netem delay D
/// jitter J loss L% corrupt C% [rate R] (any of -Delay, -Jitter, -Loss, -Corruption).
/// </summary>
[Cmdlet(VerbsCommon.Set, "NetNamespaceQdisc", SupportsShouldProcess = true)]
[OutputType(typeof(NetNamespaceQdisc))]
public sealed class SetNetNamespaceQdiscCommand : NamespaceTargetCmdlet
{
    /// <summary>Adapters, exactly as named (piped adapters and qdiscs bind here).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] InterfaceAlias { get; set; } = Array.Empty<string>();

    /// <summary>Egress rate as tc writes it: 10Mbit, 1.5mbit, 100kbit, 1Gbit, 125000Bps (a bare number is bit/s).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RateCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Rate { get; set; }

    /// <summary>tbf bucket size: 32kbit, 64kb, or bytes; default 10 ms at the rate, at least 16 KiB.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Burst { get; set; }

    /// <summary>tbf: queue length in bytes (64kb...); netem: in packets (default 1000). Not with -Latency.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Limit { get; set; }

    /// <summary>tbf: the longest a packet may wait in the queue (default 50ms): 400ms, 1s, or a TimeSpan.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Latency { get; set; }

    /// <summary>netem: added delay, 100ms, 1.5s, 250us or a TimeSpan.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Delay { get; set; }

    /// <summary>netem: random variation of -Delay.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Jitter { get; set; }

    /// <summary>netem: percent of packets dropped at random (0 to 100).</summary>
    [Parameter]
    public double? Loss { get; set; }

    /// <summary>netem: percent of packets with a random bit flipped (0 to 100).</summary>
    [Parameter]
    public double? Corruption { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessingLocal() => RequireNetAdmin("Setting a qdisc");

    protected override void ProcessRecordLocal()
    {
        LinkShaping shaping;
        NamespaceContext ctx;
        try
        {
            shaping = LinkShaping.FromText(Rate, Burst, Limit, Latency, Delay, Jitter, Loss, Corruption);
            ctx = GetContext(Namespace);
        }
        catch (NetnsException ex) { ThrowNetnsError(ex, Rate ?? (object?)Namespace); return; }
        foreach (var name in InterfaceAlias)
        {
            try
            {
                var link = AdapterService.Require(ctx, name);
                shaping.Validate($"'{link.Name}' in {ctx.Description}", link.Mtu);
                if (!ShouldProcess(ctx.Target(link.Name), $"Set qdisc {shaping.Describe()}")) continue;
                var q = QdiscService.Set(ctx, link, shaping);
                if (PassThru) WriteObject(q);
            }
            catch (NetnsException ex) { WriteNetnsError(ex, name); }
        }
    }
}

/// <summary>Remove-NetNamespaceQdisc: tc qdisc del dev IF root (the adapter goes back to the kernel's default qdisc).</summary>
[Cmdlet(VerbsCommon.Remove, "NetNamespaceQdisc", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveNetNamespaceQdiscCommand : NamespaceTargetCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] InterfaceAlias { get; set; } = Array.Empty<string>();

    protected override void BeginProcessingLocal() => RequireNetAdmin("Removing a qdisc");

    protected override void ProcessRecordLocal()
    {
        NamespaceContext ctx;
        try { ctx = GetContext(Namespace); }
        catch (NetnsException ex) { ThrowNetnsError(ex, Namespace); return; }
        foreach (var name in InterfaceAlias)
        {
            try
            {
                var link = AdapterService.Require(ctx, name);
                var root = QdiscService.Root(ctx, link.Index);
                var what = root is null || root.Handle == 0 ? "qdisc" : $"{root.Kind} qdisc";
                if (!ShouldProcess(ctx.Target(link.Name), $"Remove {what}")) continue;
                QdiscService.Remove(ctx, link);
            }
            catch (NetnsException ex) { WriteNetnsError(ex, name); }
        }
    }
}

/// <summary>Completes -Rate with common rates in tc's notation.</summary>
public sealed class RateCompleter : IArgumentCompleter
{
    private static readonly string[] s_rates = { "1Mbit", "10Mbit", "100Mbit", "1Gbit", "100kbit", "512kbit", "2Mbit", "5Mbit", "20Mbit", "50Mbit", "10Gbit" };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = Completion.Unquote(wordToComplete);
        foreach (var r in s_rates)
            if (r.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(r, r, CompletionResultType.ParameterValue, $"{r} ({QdiscService.ParseRate(r) * 8:N0} bit/s)");
    }
}
