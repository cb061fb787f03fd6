using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Core.Netlink;

/// <summary>
/// An rtnetlink socket bound to one network namespace: the namespace it was created in. Create it with
/// <see cref="Open"/> (inside a namespace via a dedicated thread, never by switching the caller's thread);
/// after that it can be used from any thread. Requests are serialized by a lock. Extended acks and strict
/// checking are on; sequence and port ids are checked; interrupted dumps are retried.
/// </summary>
public sealed class NetlinkSocket : IDisposable
{
    public const int NETLINK_ROUTE = 0;
    private const int MaxDumpRetries = 10;

    private readonly SafeFdHandle _fd;
    private readonly object _lock = new();
    private byte[] _rx = new byte[32 * 1024];
    private uint _seq;

    private NetlinkSocket(SafeFdHandle fd, uint portId)
    {
        _fd = fd;
        PortId = portId;
        _seq = (uint)Random.Shared.Next(1, int.MaxValue);
    }

    /// <summary>Port id the kernel assigned to this socket.</summary>
    public uint PortId { get; }

    /// <summary>Opens a socket in the calling thread's current namespace (or inside <paramref name="ns"/> from a dedicated thread).</summary>
    public static NetlinkSocket Open(NamespaceHandle? ns = null)
        => ns is null ? OpenHere() : SharedNamespaceThread.InvokeIn(ns, OpenHere);

    private static unsafe NetlinkSocket OpenHere()
    {
        int fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) throw Sys.Error("NetlinkSocketFailed", "socket(AF_NETLINK)");
        var h = new SafeFdHandle(fd);
        try
        {
            int one = 1;
            // Extended acks and strict checking are best effort: old kernels lack them, the requests still work.
            Libc.SetSockOpt(h, Libc.SOL_NETLINK, Libc.NETLINK_EXT_ACK, &one, 4);
            Libc.SetSockOpt(h, Libc.SOL_NETLINK, Libc.NETLINK_GET_STRICT_CHK, &one, 4);
            Libc.SetSockOpt(h, Libc.SOL_NETLINK, Libc.NETLINK_CAP_ACK, &one, 4);
            byte* addr = stackalloc byte[12];
            new Span<byte>(addr, 12).Clear();
            *(ushort*)addr = Libc.AF_NETLINK;
            if (Libc.Bind(h, addr, 12) != 0) throw Sys.Error("NetlinkSocketFailed", "bind(AF_NETLINK)");
            int len = 12;
            if (Libc.GetSockName(h, addr, &len) != 0) throw Sys.Error("NetlinkSocketFailed", "getsockname(AF_NETLINK)");
            return new NetlinkSocket(h, *(uint*)(addr + 4));
        }
        catch
        {
            h.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends one request and collects the replies up to the final ack (requests) or NLMSG_DONE (dumps).
    /// A dump the kernel marks NLM_F_DUMP_INTR is retried. Kernel errors become <see cref="NetlinkException"/>.
    /// </summary>
    public List<NetlinkMessage> Execute(NetlinkMessageBuilder request, string operation, string errorCode = "NetlinkRequestFailed", object? target = null)
    {
        lock (_lock)
        {
            for (int attempt = 0; ; attempt++)
            {
                var replies = ExecuteOnce(request, operation, errorCode, target, out bool interrupted);
                if (!interrupted) return replies;
                if (attempt >= MaxDumpRetries)
                    throw new NetnsException("NetlinkDumpInterrupted", Errno.EAGAIN,
                        $"{operation}: the dump was interrupted by concurrent changes {MaxDumpRetries + 1} times.", target);
            }
        }
    }

    private unsafe List<NetlinkMessage> ExecuteOnce(NetlinkMessageBuilder request, string operation, string errorCode, object? target, out bool interrupted)
    {
        interrupted = false;
        uint seq = ++_seq;
        if (seq == 0) seq = _seq = 1;
        var bytes = request.Finish(seq);
        ushort reqFlags = BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]);
        fixed (byte* p = bytes)
        {
            nint sent;
            do sent = Libc.Send(_fd, p, bytes.Length, 0);
            while (sent < 0 && Sys.LastErrno() == Errno.EINTR);
            if (sent < 0) throw Sys.Error("NetlinkSendFailed", $"{operation}: send", target);
        }

        var collector = new ReplyCollector(seq, PortId, reqFlags, operation, errorCode, target);
        while (true)
        {
            int n = ReceiveDatagram();
            foreach (var m in NetlinkMessage.ParseAll(_rx.AsSpan(0, n)))
            {
                if (!collector.Accept(m)) continue;
                interrupted = collector.Interrupted;
                return collector.Replies;
            }
        }
    }

    /// <summary>Receives one datagram, sizing the buffer first with MSG_PEEK|MSG_TRUNC so nothing is truncated.</summary>
    private unsafe int ReceiveDatagram()
    {
        while (true)
        {
            nint n;
            fixed (byte* p = _rx)
            {
                do n = Libc.Recv(_fd, p, _rx.Length, Libc.MSG_PEEK | Libc.MSG_TRUNC);
                while (n < 0 && Sys.LastErrno() == Errno.EINTR);
            }
            if (n < 0) throw Sys.Error("NetlinkReceiveFailed", "recv(AF_NETLINK)");
            if (n > _rx.Length)
            {
                _rx = new byte[Math.Max((int)n, _rx.Length * 2)];
                continue;
            }
            fixed (byte* p = _rx)
            {
                do n = Libc.Recv(_fd, p, _rx.Length, 0);
                while (n < 0 && Sys.LastErrno() == Errno.EINTR);
            }
            if (n < 0) throw Sys.Error("NetlinkReceiveFailed", "recv(AF_NETLINK)");
            return (int)n;
        }
    }

    public void Dispose() => _fd.Dispose();
}

/// <summary>A plain file descriptor closed deterministically.</summary>
public sealed class SafeFdHandle : SafeHandle
{
    public SafeFdHandle(int fd) : base(new IntPtr(-1), true) => SetHandle(new IntPtr(fd));
    public override bool IsInvalid => handle.ToInt64() < 0;
    protected override bool ReleaseHandle() => Libc.Close((int)handle.ToInt64()) == 0;
}

/// <summary>
/// The reply side of one request, without the socket: checks sequence and port, collects replies, notes
/// NLM_F_DUMP_INTR, and decides when the exchange is over (ack, error, NLMSG_DONE, or the single reply of a
/// request without NLM_F_ACK). Kernel errors become <see cref="NetlinkException"/> with the extended ack.
/// </summary>
public sealed class ReplyCollector
{
    private readonly uint _seq;
    private readonly uint _portId;
    private readonly ushort _requestFlags;
    private readonly string _operation;
    private readonly string _errorCode;
    private readonly object? _target;

    public ReplyCollector(uint seq, uint portId, ushort requestFlags, string operation, string errorCode = "NetlinkRequestFailed", object? target = null)
    {
        _seq = seq; _portId = portId; _requestFlags = requestFlags; _operation = operation; _errorCode = errorCode; _target = target;
    }

    public List<NetlinkMessage> Replies { get; } = new();

    /// <summary>Some part of the dump carried NLM_F_DUMP_INTR: the set changed while it was read; read it again.</summary>
    public bool Interrupted { get; private set; }

    private bool IsDump => (_requestFlags & Nl.NLM_F_DUMP) == Nl.NLM_F_DUMP;

    /// <summary>Takes one message; true when the exchange is complete.</summary>
    public bool Accept(NetlinkMessage m)
    {
        if (m.Seq != _seq || (m.PortId != _portId && m.PortId != 0))
        {
            // A late reply to an earlier request that was abandoned (its sequence is older): skip it.
            if (m.Seq < _seq) return false;
            throw new NetlinkProtocolException($"{_operation}: reply with sequence {m.Seq} port {m.PortId}, expected {_seq} port {_portId}.");
        }
        if ((m.Flags & Nl.NLM_F_DUMP_INTR) != 0) Interrupted = true;
        switch (m.Type)
        {
            case Nl.NLMSG_NOOP:
                return false;
            case Nl.NLMSG_ERROR:
            {
                var ack = NetlinkAck.Parse(m.Payload, m.Flags);
                if (ack.Error != 0)
                    throw new NetlinkException(_errorCode, ack.Errno, $"{_operation}: {ack.Describe()}", ack, _operation, _target);
                return true; // the ack that ends a request (or, for a dump, the kernel stopping it)
            }
            case Nl.NLMSG_DONE:
            {
                var ack = NetlinkAck.ParseDone(m.Payload, m.Flags);
                if (ack.Error != 0)
                    throw new NetlinkException(_errorCode, ack.Errno, $"{_operation}: {ack.Describe()}", ack, _operation, _target);
                return true;
            }
            case Nl.NLMSG_OVERRUN:
                throw new NetlinkProtocolException($"{_operation}: receive buffer overrun.");
            default:
                Replies.Add(m);
                // A request without NLM_F_ACK that is not a dump ends with its single reply.
                return !IsDump && (_requestFlags & Nl.NLM_F_ACK) == 0 && (m.Flags & Nl.NLM_F_MULTI) == 0;
        }
    }
}
