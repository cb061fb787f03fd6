using System.Management.Automation;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Sysctl;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceSysctl: sysctl net.* read from inside a namespace.</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceSysctl", DefaultParameterSetName = NameSet)]
[OutputType(typeof(NetNamespaceSysctl))]
public sealed class GetNetNamespaceSysctlCommand : NamespaceQueryCmdlet
{
    private const string NameSet = "Name";
    private const string LiteralNameSet = "LiteralName";

    // Not from the pipeline by property name: a piped NetNamespace's Name would bind here.
    [Parameter(Position = 0, ParameterSetName = NameSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SysctlNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = { "net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding" };

    /// <summary>Sysctl names taken exactly as typed: no character is a wildcard (adapter names in them may hold [ ] * ?).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralNameSet)]
    [ArgumentCompleter(typeof(SysctlNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] LiteralName { get; set; } = Array.Empty<string>();

    protected override void Query(NamespaceContext ctx)
    {
        bool literal = ParameterSetName == LiteralNameSet;
        foreach (var n in literal ? LiteralName : Name)
        {
            try
            {
                // net/ipv4/ip_forward (path form, as sysctl(8) accepts it) is net.ipv4.ip_forward; patterns convert alike.
                var dotted = SysctlService.Normalize(n);
                bool wild = !literal && WildcardPattern.ContainsWildcardCharacters(dotted);
                // A name that is no pattern is read directly (SysctlNotFound when missing); escaped characters stand for themselves.
                var exact = wild ? null : literal ? dotted : WildcardPattern.Unescape(dotted);
                foreach (var (name, value) in SysctlService.Read(ctx, wild ? NameFilter(new[] { dotted })! : _ => false, exact))
                    WriteObject(new NetNamespaceSysctl { Namespace = ctx.Name, Name = name, Value = value });
            }
            catch (NetnsException ex) { WriteNetnsError(ex, n); }
        }
    }
}

/// <summary>Set-NetNamespaceSysctl: sysctl -w net.*=VALUE inside a namespace (never the host unless asked).</summary>
[Cmdlet(VerbsCommon.Set, "NetNamespaceSysctl", SupportsShouldProcess = true)]
[OutputType(typeof(NetNamespaceSysctl))]
public sealed class SetNetNamespaceSysctlCommand : NetnsSessionCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(SysctlNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public string Value { get; set; } = string.Empty;

    /// <summary>Namespace (required: use -HostNamespace to change the host's own sysctls).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs", "ns")]
    [NamespaceTransformation]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    public string[] Namespace { get; set; } = Array.Empty<string>();

    [Parameter]
    public SwitchParameter HostNamespace { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessingLocal() => RequireNetAdmin("Setting a sysctl");

    protected override void ProcessRecordLocal()
    {
        var names = Namespace.Where(n => !string.IsNullOrEmpty(n)).ToList();
        if (HostNamespace || Namespace.Any(string.IsNullOrEmpty)) names.Add("");
        if (names.Count == 0)
        {
            WriteNetnsError(new NetnsException(ErrorIds.NamespaceRequired, Errno.EINVAL,
                $"Say where to set {Name}: -Namespace NAME, or -HostNamespace for the host's own value.", Name));
            return;
        }
        foreach (var ctx in ResolveContexts(names, defaultToHost: false, wildcards: false))
        {
            if (!ShouldProcess(ctx.Target(Name), $"Set to '{Value}'")) continue;
            try
            {
                var now = SysctlService.Write(ctx, Name, Value);
                if (PassThru) WriteObject(new NetNamespaceSysctl { Namespace = ctx.Name, Name = SysctlService.Normalize(Name), Value = now });
            }
            catch (NetnsException ex) { WriteNetnsError(ex, Name); }
        }
    }
}
