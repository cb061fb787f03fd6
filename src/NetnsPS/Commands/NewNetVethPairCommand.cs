using System.Management.Automation;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;

namespace NetnsPS.Commands;

/// <summary>New-NetVethPair: ip link add A [netns X] type veth peer name B netns Y, in one message.</summary>
[Cmdlet(VerbsCommon.New, "NetVethPair", SupportsShouldProcess = true)]
[OutputType(typeof(NetNamespaceAdapter))]
public sealed class NewNetVethPairCommand : NamespaceTargetCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string PeerName { get; set; } = string.Empty;

    /// <summary>Namespace of the peer; the same as -Namespace when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [NamespaceTransformation]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    public string? PeerNamespace { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)] // the kernel enforces veth's 68..65535 with its own message
    public int? Mtu { get; set; }

    protected override void BeginProcessingLocal() => RequireNetAdmin("Creating a veth pair");

    protected override void ProcessRecordLocal()
    {
        try
        {
            var ns = GetContext(Namespace);
            // null: not given (for this pipeline object too: bound values do not carry over); "" is the host.
            var peerNs = PeerNamespace is null ? ns : GetContext(PeerNamespace);
            var target = $"{ns.Target(Name)} <-> {peerNs.Target(PeerName)}";
            if (!ShouldProcess(target, "Create veth pair")) return;
            var (end, peer) = AdapterService.NewVeth(Sessions, ns, Name, peerNs, PeerName, Mtu);
            WriteObject(end);
            WriteObject(peer);
        }
        catch (NetnsException ex) { WriteNetnsError(ex, Name); }
    }
}
