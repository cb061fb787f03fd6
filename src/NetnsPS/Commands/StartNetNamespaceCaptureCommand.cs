using System.Collections.Concurrent;
using System.Management.Automation;
using System.Net;
using NetnsPS.Core.Capture;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Threading;

namespace NetnsPS.Commands;

/// <summary>
/// Start-NetNamespaceCapture: captures the frames of one adapter of a namespace (tcpdump -i, without tcpdump) through an
/// AF_PACKET socket made inside the namespace, optionally filtered in the kernel (a classic BPF program the module
/// generates from -Protocol, -HostAddress and -Port). It blocks until -Count frames, -Duration seconds or Ctrl+C, or
/// with -ScriptBlock for as long as the script block runs; it writes a pcap file (-Path) and/or emits packet objects.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "NetNamespaceCapture", SupportsShouldProcess = true, DefaultParameterSetName = LiveSet)]
[OutputType(typeof(NetNamespacePacket))]
public sealed class StartNetNamespaceCaptureCommand : NetnsSessionCmdlet
{
    private const string LiveSet = "Live";
    private const string ScriptBlockSet = "ScriptBlock";

    /// <summary>The namespace ('' for the host).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs", "ns")]
    [NamespaceTransformation]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    public string Namespace { get; set; } = string.Empty;

    /// <summary>The adapter to capture on (no wildcards).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "ifAlias", "Adapter")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string InterfaceAlias { get; set; } = string.Empty;

    /// <summary>A pcap file to write (replaced if it exists).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>With -Path: emit the packet objects as well.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Stop after this many frames (that passed the filter).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Count { get; set; }

    /// <summary>Stop after this many seconds.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [ValidateRange(0.0, double.MaxValue)]
    public double? Duration { get; set; }

    /// <summary>Capture while this script block runs (its output is discarded), then stop.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ScriptBlockSet)]
    public ScriptBlock? ScriptBlock { get; set; }

    /// <summary>Only these protocols (any of them).</summary>
    [Parameter]
    [ValidateNotNull]
    public CaptureProtocol[] Protocol { get; set; } = Array.Empty<CaptureProtocol>();

    /// <summary>Only frames from or to these IP addresses (any of them).</summary>
    [Parameter]
    [Alias("IPAddress")]
    [ValidateNotNull]
    public string[] HostAddress { get; set; } = Array.Empty<string>();

    /// <summary>Only TCP or UDP frames from or to these ports (any of them).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    [ValidateNotNull]
    public int[] Port { get; set; } = Array.Empty<int>();

    /// <summary>Bytes kept of each frame (the rest is cut in the kernel; Length keeps the length on the wire).</summary>
    [Parameter]
    [ValidateRange(1, PacketCaptureSocket.MaxSnapLength)]
    public int SnapLength { get; set; } = PacketCaptureSocket.MaxSnapLength;

    private volatile bool _stop;

    protected override void BeginProcessingLocal() => RequireNetRaw("Capturing packets");

    protected override void ProcessRecordLocal()
    {
        _stop = false;
        BpfInstruction[] program;
        CaptureFilter filter;
        try
        {
            var hosts = new List<IPAddress>();
            foreach (var h in HostAddress)
            {
                if (!IPAddress.TryParse(h, out var a) || a.AddressFamily is not (System.Net.Sockets.AddressFamily.InterNetwork or System.Net.Sockets.AddressFamily.InterNetworkV6))
                    throw CaptureFilter.Invalid($"'{h}' is not an IPv4 or IPv6 address.");
                hosts.Add(a);
            }
            filter = new CaptureFilter { Protocols = Protocol, Hosts = hosts, Ports = Port };
            program = filter.Compile(SnapLength);
        }
        catch (NetnsException ex) { ThrowNetnsError(ex, string.Join(" ", HostAddress.Concat(Port.Select(p => p.ToString())))); return; }

        var ctx = ResolveSingle(Namespace);
        Core.Netlink.Rtnl.LinkInfo link;
        try { link = AdapterService.Require(ctx, InterfaceAlias); }
        catch (NetnsException ex) { ThrowNetnsError(ex, InterfaceAlias); return; }
        if (!link.IsUp)
        {
            ThrowNetnsError(new NetnsException(ErrorIds.CaptureAdapterDown, Errno.ENETDOWN,
                $"Adapter '{link.Name}' in {ctx.Description} is down: bring it up first (Set-NetNamespaceAdapter -State Up).", link.Name));
            return;
        }

        string? file = Path is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (file is not null && !ShouldProcess(file, $"Write the packets of '{link.Name}' in {ctx.Description}")) return;

        PacketCaptureSocket socket;
        try { socket = PacketCaptureSocket.Open(ctx.Handle, link.Index, link.Name, SnapLength, program); }
        catch (NetnsException ex) { ThrowNetnsError(ex, link.Name); return; }
        PcapWriter? writer = null;
        long seen = 0;
        try
        {
            if (file is not null)
            {
                try { writer = new PcapWriter(new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), SnapLength); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
                {
                    ThrowTerminatingError(new ErrorRecord(new IOException($"Cannot write the capture file '{file}': {ex.Message}", ex),
                        ErrorIds.CaptureFileNotWritable, ErrorCategory.WriteError, file));
                    return;
                }
            }
            WriteVerbose($"Capturing on '{link.Name}' (index {link.Index}) in {ctx.Description}; filter: {filter}; snap length {SnapLength}.");
            bool emit = writer is null || PassThru;
            void Handle(CapturedFrame f)
            {
                seen++;
                writer?.Write(f.UnixNanoseconds, f.Data, f.OriginalLength);
                if (emit) WriteObject(PacketDecoder.Decode(f.Data, f.OriginalLength, f.UnixNanoseconds, f.Type, ctx.Name, link.Name, seen));
            }
            try
            {
                if (ScriptBlock is not null) CaptureAround(socket, Handle);
                else CaptureLive(socket, Handle);
            }
            catch (NetnsException ex) when (ex.ErrorCode == ErrorIds.CaptureAdapterGone)
            {
                WriteWarning($"Adapter '{link.Name}' in {ctx.Description} went down or was removed: the capture ended after {seen} packet(s)" +
                    (file is null ? "." : $", all written to '{file}'."));
            }
            catch (NetnsException ex) { ThrowNetnsError(ex, link.Name); }
            var (_, drops) = socket.ReadStatistics();
            if (drops > 0) WriteWarning($"The kernel dropped {drops} frame(s) on '{link.Name}' for want of queue space: they are missing from the capture.");
            WriteVerbose($"{seen} packet(s) captured on '{link.Name}' in {ctx.Description}{(file is null ? "" : $", written to '{file}'")}.");
        }
        finally
        {
            socket.Dispose();
            writer?.Dispose();
        }
    }

    /// <summary>Reads in slices of at most 100 ms (so Ctrl+C and -Duration act within that) until -Count, -Duration or a stop.</summary>
    private void CaptureLive(PacketCaptureSocket socket, Action<CapturedFrame> handle)
    {
        long n = 0;
        foreach (int slice in TimeSlices(Duration, () => _stop))
        {
            if (socket.Receive(slice) is not CapturedFrame f) continue;
            handle(f);
            if (Count is int c && ++n >= c) return;
        }
    }

    /// <summary>
    /// Runs the script block on the pipeline thread while a reader thread drains the socket into a queue (so a long
    /// script cannot overflow the kernel's queue), then takes what is still queued and writes it all.
    /// </summary>
    private void CaptureAround(PacketCaptureSocket socket, Action<CapturedFrame> handle)
    {
        var queue = new ConcurrentQueue<CapturedFrame>();
        Exception? readError = null;
        using var done = new ManualResetEventSlim();
        var reader = new Thread(() =>
        {
            try
            {
                while (!done.IsSet)
                    if (socket.Receive(50) is CapturedFrame f) queue.Enqueue(f);
            }
            catch (Exception ex) { readError = ex; }
        }) { IsBackground = true, Name = "NetnsPS capture reader" };
        reader.Start();
        try { ScriptBlock!.Invoke(); }
        finally
        {
            done.Set();
            reader.Join();
        }
        if (readError is null)
        {
            try { while (socket.Receive(0) is CapturedFrame f) queue.Enqueue(f); }
            catch (Exception ex) { readError = ex; }
        }
        long n = 0;
        foreach (var f in queue)
        {
            if (_stop || Count is int c && n++ >= c) break;
            handle(f);
        }
        if (readError is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(readError);
    }

    protected override void StopProcessingLocal() => _stop = true;
}
