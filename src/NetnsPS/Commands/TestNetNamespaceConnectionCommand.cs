using System.Management.Automation;
using System.Net;
using NetnsPS.Core.Diagnostics;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Threading;

namespace NetnsPS.Commands;

/// <summary>
/// Test-NetNamespaceConnection: ICMP echo (a raw socket created inside the namespace) or, with -Port, a TCP connect,
/// from inside a namespace; one result object per attempt, or with -Quiet one Boolean per target.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "NetNamespaceConnection")]
[OutputType(typeof(NetConnectionResult))]
[OutputType(typeof(bool))]
public sealed class TestNetNamespaceConnectionCommand : NetnsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs", "ns")]
    [NamespaceTransformation]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    public string Namespace { get; set; } = string.Empty;

    /// <summary>IPv4 or IPv6 addresses.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Address", "IPAddress", "ComputerName")]
    [ValidateNotNullOrEmpty]
    public string[] Target { get; set; } = Array.Empty<string>();

    /// <summary>TCP port: connect instead of ping.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("TcpPort")]
    [ValidateRange(1, 65535)]
    public int? Port { get; set; }

    [Parameter]
    [ValidateRange(1, 100000)]
    public int Count { get; set; } = 1;

    /// <summary>Seconds to wait for each answer.</summary>
    [Parameter]
    [ValidateRange(0.001, 3600)]
    public double TimeoutSeconds { get; set; } = 2;

    /// <summary>Seconds between attempts.</summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public double Delay { get; set; } = 0.2;

    /// <summary>One Boolean per target: $true when at least one attempt succeeded.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void BeginProcessingLocal() => RequireSysAdmin("Testing a connection from a network namespace");

    protected override void ProcessRecordLocal()
    {
        NamespaceHandle handle;
        string display;
        try
        {
            if (string.IsNullOrEmpty(Namespace)) { handle = NamespaceHandle.OpenCurrentThread(); display = ""; }
            else
            {
                if (ResolveOneNamespace(Namespace) is not NamespaceEntry e) return; // the error is written
                handle = NamespaceHandle.Open(e.Path, e.Name);
                display = e.Name;
            }
        }
        catch (NetnsException ex) { WriteNetnsError(ex, Namespace); return; }

        using (handle)
        {
            foreach (var t in Target)
            {
                IPAddress address;
                try { address = IpPrefix.ParseAddress(t, "target address"); }
                catch (NetnsException ex) { WriteNetnsError(ex, t); continue; }
                var timeout = TimeSpan.FromSeconds(TimeoutSeconds);
                bool any = false;
                IEnumerable<NetConnectionResult> results = Port is int port
                    ? Enumerable.Range(1, Count).Select(seq =>
                    {
                        if (seq > 1 && Delay > 0) Thread.Sleep(TimeSpan.FromSeconds(Delay));
                        return ConnectionTester.Tcp(handle, display, address, port, seq, timeout);
                    })
                    : ConnectionTester.Ping(handle, display, address, Count, timeout, TimeSpan.FromSeconds(Delay));
                try
                {
                    foreach (var r in results)
                    {
                        any |= r.Success;
                        if (!Quiet) WriteObject(r);
                        WriteVerbose($"{(display.Length == 0 ? "(host)" : display)} -> {r.Target}{(r.Port is null ? "" : ":" + r.Port)} #{r.Sequence}: {r.Status} {r.RoundTripMs} ms {r.Message}");
                    }
                }
                catch (NetnsException ex) { WriteNetnsError(ex, t); continue; }
                catch (System.Net.Sockets.SocketException ex)
                {
                    WriteError(new ErrorRecord(ex, ErrorIds.SocketCreateFailed, ErrorCategory.InvalidOperation, t));
                    continue;
                }
                if (Quiet) WriteObject(any);
            }
        }
    }
}
