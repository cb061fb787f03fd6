using System.Management.Automation;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Move-NetAdapterToNamespace: ip link set DEV netns NS|PID [name NEW].</summary>
[Cmdlet(VerbsCommon.Move, "NetAdapterToNamespace", SupportsShouldProcess = true, DefaultParameterSetName = NameSet)]
[OutputType(typeof(NetNamespaceAdapter))]
public sealed class MoveNetAdapterToNamespaceCommand : NetnsSessionCmdlet
{
    private const string NameSet = "Name";
    private const string LiteralNameSet = "LiteralName";
    private const string InputObjectSet = "InputObject";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = NameSet)]
    [Alias("InterfaceAlias", "ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Adapter names taken exactly as typed: no character is a wildcard ('ab[1]' moves ab[1] only).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralNameSet)]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] LiteralName { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ValidateNotNull]
    public NetNamespaceAdapter[] InputObject { get; set; } = Array.Empty<NetNamespaceAdapter>();

    /// <summary>Target namespace ("" or -HostNamespace for the host).</summary>
    [Parameter(Position = 1)]
    [Alias("NetNs", "ns")]
    [NamespaceTransformation]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    public string? Namespace { get; set; }

    /// <summary>Target: the network namespace of this process (IFLA_NET_NS_PID).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? ProcessId { get; set; }

    /// <summary>Target: the caller's own (host) namespace.</summary>
    [Parameter]
    public SwitchParameter HostNamespace { get; set; }

    /// <summary>Where the adapter is now (with -Name or -LiteralName); the host when omitted.</summary>
    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = LiteralNameSet)]
    [NamespaceTransformation]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    public string? SourceNamespace { get; set; }

    /// <summary>Rename while moving (avoids a clash with a same-named adapter in the target).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewName { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessingLocal()
    {
        RequireNetAdmin("Moving an adapter");
        int targets = (MyInvocation.BoundParameters.ContainsKey(nameof(Namespace)) ? 1 : 0) + (ProcessId is null ? 0 : 1) + (HostNamespace ? 1 : 0);
        if (targets != 1)
            ThrowNetnsError(new NetnsException(ErrorIds.AmbiguousTarget, Errno.EINVAL,
                "Name exactly one target: -Namespace, -ProcessId or -HostNamespace.", null));
    }

    protected override void ProcessRecordLocal()
    {
        NamespaceContext? to = null;
        try
        {
            if (ProcessId is null) to = GetContext(HostNamespace ? "" : Namespace);
            else if (!Directory.Exists($"/proc/{ProcessId}"))
                throw new NetnsException(ErrorIds.ProcessNotFound, Errno.ESRCH, $"No process with id {ProcessId}.", ProcessId);
        }
        catch (NetnsException ex) { ThrowNetnsError(ex); }
        // The process's namespace, opened only to check the target name first and to move back a half-done move.
        NamespaceContext? probe = to;
        if (ProcessId is not null)
            try { probe = GetContext($"/proc/{ProcessId}/ns/net"); }
            catch (NetnsException) { probe = null; }

        var work = new List<(NamespaceContext? From, string Name)>();
        if (ParameterSetName == InputObjectSet)
            foreach (var a in InputObject) work.Add((ResolveOrError(a.Namespace), a.Name));
        else
        {
            var from = ResolveOrError(SourceNamespace);
            if (from is null) return;
            var links = ParameterSetName == LiteralNameSet ? ResolveLinks(from, LiteralName, literal: true) : ResolveLinks(from, Name);
            foreach (var l in links) work.Add((from, l.Name));
        }
        if (NewName is not null && work.Count > 1)
            ThrowNetnsError(new NetnsException(ErrorIds.AmbiguousNewName, Errno.EINVAL, "-NewName needs exactly one adapter.", NewName));

        foreach (var (from, name) in work)
        {
            if (from is null) continue;
            var dest = to is not null ? to.Description : $"the namespace of process {ProcessId}";
            if (!ShouldProcess(from.Target(name), $"Move adapter to {dest}{(NewName is null ? "" : $" as {NewName}")}")) continue;
            try
            {
                var link = AdapterService.Require(from, name);
                AdapterService.Move(from, link, probe, ProcessId, NewName);
                if (PassThru && to is not null)
                    WriteObject(AdapterService.Describe(Sessions, to, AdapterService.Require(to, NewName ?? name)));
            }
            catch (NetnsException ex) { WriteNetnsError(ex, name); }
        }
    }

    private NamespaceContext? ResolveOrError(string? ns)
    {
        try { return GetContext(ns); }
        catch (NetnsException ex) { WriteNetnsError(ex, ns); return null; }
    }
}
