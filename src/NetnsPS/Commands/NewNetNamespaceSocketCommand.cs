using System.Net.Sockets;
using System.Management.Automation;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Threading;

namespace NetnsPS.Commands;

/// <summary>
/// New-NetNamespaceSocket: a .NET Socket created inside a namespace. A socket belongs to the namespace it was created
/// in for its whole life, so it can then be used from any thread, async code and the thread pool included.
/// </summary>
[Cmdlet(VerbsCommon.New, "NetNamespaceSocket", SupportsShouldProcess = true)]
[OutputType(typeof(Socket))]
public sealed class NewNetNamespaceSocketCommand : NamespaceEachCmdlet
{
    protected override string? RemoteUnsupportedReason =>
        "a socket is a handle of the process that made it and cannot be handed back over a session: make and use it on the host (Invoke-Command).";

    [Parameter]
    public AddressFamily AddressFamily { get; set; } = AddressFamily.InterNetwork;

    [Parameter]
    public SocketType SocketType { get; set; } = SocketType.Stream;

    [Parameter]
    public ProtocolType ProtocolType { get; set; } = ProtocolType.Tcp;

    protected override void BeginProcessingLocal() => RequireSysAdmin("Creating a socket in a network namespace");

    protected override string Action => "Create a socket inside the namespace";

    protected override void ProcessNamespace(NamespaceEntry ns)
    {
        try
        {
            ns.ThrowIfStale();
            using var handle = NamespaceHandle.Open(ns.Path, ns.Name);
            // Created on the shared namespace thread inside the namespace, which is restored afterwards.
            var socket = SharedNamespaceThread.InvokeIn(handle, () => new Socket(AddressFamily, SocketType, ProtocolType));
            var o = PSObject.AsPSObject(socket);
            o.Properties.Add(new PSNoteProperty("NetNamespace", ns.Name));
            WriteObject(o);
        }
        catch (SocketException ex)
        {
            WriteError(new ErrorRecord(ex, ErrorIds.SocketCreateFailed, ErrorCategory.InvalidArgument, ns.Name));
        }
    }
}
