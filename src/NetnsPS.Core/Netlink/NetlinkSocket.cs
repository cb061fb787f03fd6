using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Netlink;

/// <summary>
/// An rtnetlink socket bound to one network namespace: the namespace it was created in. Create it with
/// <see cref="Open"/> (inside a namespace via a dedicated thread, never by switching the caller's thread);
/// after that it can be used from any thread. Requests are serialized by a lock. Extended acks and strict
/// checking are on; sequence and port ids are checked; interrupted dumps are retried. A listener
/// (<see cref="OpenListener"/>) receives multicast notifications instead, from its namespace and, with
/// NETLINK_LISTEN_ALL_NSID, from every namespace that has an nsid in it.
/// </summary>
public sealed class NetlinkSocket : IDisposable
{
    public const int NETLINK_ROUTE = 0;
    public const int NETLINK_NETFILTER = 12;
    private const int MaxDumpRetries = 10;

    /// <summary>At most this many datagrams per <see cref="ReceiveNotifications"/> call (the caller stays responsive).</summary>
    private const int MaxNotificationDatagrams = 1024;

    /// <summary>The id of a refused request whose caller gave no table.</summary>
    internal static readonly ErrnoMap DefaultErrors = new(ErrorIds.NetlinkRequestFailed);

    private readonly SafeFdHandle _fd;
    private readonly object _lock = new();
    private byte[] _rx = new byte[32 * 1024];
    private readonly byte[] _control = new byte[64];
    private uint _seq;
    private bool _listener;

    private NetlinkSocket(SafeFdHandle fd, uint portId)
    {
        _fd = fd;
        PortId = portId;
        _seq = (uint)Random.Shared.Next(1, int.MaxValue);
    }

    /// <summary>Port id the kernel assigned to this socket.</summary>
    public uint PortId { get; }

    /// <summary>Opens a socket in the calling thread's current namespace (or inside <paramref name="ns"/> from a dedicated thread).</summary>
    public static NetlinkSocket Open(NamespaceHandle? ns = null, int protocol = NETLINK_ROUTE)
        => ns is null ? OpenHere(protocol) : SharedNamespaceThread.InvokeIn(ns, () => OpenHere(protocol));

    private static unsafe NetlinkSocket OpenHere(int protocol)
    {
        int fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        if (fd < 0) throw Sys.Error(ErrorIds.NetlinkSocketFailed, protocol == NETLINK_ROUTE ? "socket(AF_NETLINK)" : $"socket(AF_NETLINK, protocol {protocol})");
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
            if (Libc.Bind(h, addr, 12) != 0) throw Sys.Error(ErrorIds.NetlinkSocketFailed, "bind(AF_NETLINK)");
            int len = 12;
            if (Libc.GetSockName(h, addr, &len) != 0) throw Sys.Error(ErrorIds.NetlinkSocketFailed, "getsockname(AF_NETLINK)");
            return new NetlinkSocket(h, *(uint*)(addr + 4));
        }
        catch
        {
            h.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a listener in the calling thread's namespace: a socket that joins the rtnetlink multicast
    /// <paramref name="groups"/> (<see cref="RtnlGroup"/>) and is read with <see cref="ReceiveNotifications"/>. With
    /// <paramref name="allNamespaces"/> (NETLINK_LISTEN_ALL_NSID) it also hears those groups in every namespace that has
    /// an nsid in its own, each notification carrying that nsid: one descriptor for any number of namespaces.
    /// <paramref name="receiveBuffer"/> bytes are asked for (SO_RCVBUFFORCE, else SO_RCVBUF within net.core.rmem_max).
    /// A listener executes no requests: their replies would queue among the notifications.
    /// </summary>
    public static unsafe NetlinkSocket OpenListener(IEnumerable<uint> groups, bool allNamespaces, int receiveBuffer)
    {
        var s = OpenHere(NETLINK_ROUTE);
        try
        {
            s._listener = true;
            // Best effort: without CAP_NET_ADMIN the kernel caps SO_RCVBUF at net.core.rmem_max; overruns are reported.
            if (Libc.SetSockOpt(s._fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, &receiveBuffer, 4) != 0)
                Libc.SetSockOpt(s._fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &receiveBuffer, 4);
            if (allNamespaces)
            {
                int one = 1;
                if (Libc.SetSockOpt(s._fd, Libc.SOL_NETLINK, Libc.NETLINK_LISTEN_ALL_NSID, &one, 4) != 0)
                    throw Sys.Error(ErrorIds.NetlinkSocketFailed, "setsockopt(NETLINK_LISTEN_ALL_NSID)");
            }
            foreach (uint g in groups)
            {
                uint group = g;
                if (Libc.SetSockOpt(s._fd, Libc.SOL_NETLINK, Libc.NETLINK_ADD_MEMBERSHIP, &group, 4) != 0)
                    throw Sys.Error(ErrorIds.NetlinkSocketFailed, $"setsockopt(NETLINK_ADD_MEMBERSHIP, {g})");
            }
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends one request and collects the replies up to the final ack (requests) or NLMSG_DONE (dumps).
    /// A dump the kernel marks NLM_F_DUMP_INTR is retried. Kernel errors become <see cref="NetlinkException"/> whose
    /// ErrorCode is <paramref name="errors"/>' id for the errno (NetlinkRequestFailed without a table).
    /// </summary>
    public List<NetlinkMessage> Execute(NetlinkMessageBuilder request, string operation, ErrnoMap? errors = null, object? target = null)
    {
        RequireRequests();
        lock (_lock)
        {
            for (int attempt = 0; ; attempt++)
            {
                var replies = ExecuteOnce(request, operation, errors ?? DefaultErrors, target, out bool interrupted);
                if (!interrupted) return replies;
                if (attempt >= MaxDumpRetries)
                    throw new NetnsException(ErrorIds.NetlinkDumpInterrupted, Errno.EAGAIN,
                        $"{operation}: the dump was interrupted by concurrent changes {MaxDumpRetries + 1} times.", target);
            }
        }
    }

    private unsafe List<NetlinkMessage> ExecuteOnce(NetlinkMessageBuilder request, string operation, ErrnoMap errors, object? target, out bool interrupted)
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
            if (sent < 0) throw Sys.Error(ErrorIds.NetlinkSendFailed, $"{operation}: send", target);
        }

        var collector = new ReplyCollector(seq, PortId, reqFlags, operation, errors, target);
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

    /// <summary>
    /// Sends a batch (nfnetlink: BATCH_BEGIN, messages, BATCH_END) in one datagram, with consecutive sequence numbers,
    /// and collects the answer of every message (see <see cref="BatchCollector"/>). The kernel handles the whole batch
    /// inside send, so every reply is queued when it returns; after a refusal of the whole batch the rest is drained
    /// without blocking. Returns the collector: its errors name the message that caused each.
    /// </summary>
    public unsafe BatchCollector ExecuteBatch(IReadOnlyList<NetlinkMessageBuilder> messages, string operation)
    {
        RequireRequests();
        lock (_lock)
        {
            var seqs = new uint[messages.Count];
            var flags = new ushort[messages.Count];
            int total = 0;
            var parts = new List<byte[]>(messages.Count);
            for (int i = 0; i < messages.Count; i++)
            {
                uint seq = ++_seq;
                if (seq == 0) seq = _seq = 1;
                seqs[i] = seq;
                var bytes = messages[i].Finish(seq).ToArray();
                flags[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
                parts.Add(bytes);
                total += bytes.Length;
            }
            var all = new byte[total];
            int at = 0;
            foreach (var b in parts) { b.CopyTo(all, at); at += b.Length; }
            fixed (byte* p = all)
            {
                nint sent;
                do sent = Libc.Send(_fd, p, all.Length, 0);
                while (sent < 0 && Sys.LastErrno() == Errno.EINTR);
                if (sent < 0) throw Sys.Error(ErrorIds.NetlinkSendFailed, $"{operation}: send");
            }
            var collector = new BatchCollector(seqs, flags, PortId, operation);
            while (!collector.Complete)
            {
                int n = collector.Refused ? ReceiveDatagram(Libc.MSG_DONTWAIT) : ReceiveDatagram();
                if (n < 0) break; // nothing more queued after a refusal of the whole batch
                foreach (var m in NetlinkMessage.ParseAll(_rx.AsSpan(0, n))) collector.Accept(m);
            }
            return collector;
        }
    }

    /// <summary>Receives one datagram, sizing the buffer first with MSG_PEEK|MSG_TRUNC so nothing is truncated. With MSG_DONTWAIT: -1 when nothing is queued.</summary>
    private unsafe int ReceiveDatagram(int extraFlags = 0)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = _rx)
            {
                do n = Libc.Recv(_fd, p, _rx.Length, Libc.MSG_PEEK | Libc.MSG_TRUNC | extraFlags);
                while (n < 0 && Sys.LastErrno() == Errno.EINTR);
            }
            if (n < 0 && (extraFlags & Libc.MSG_DONTWAIT) != 0 && Sys.LastErrno() == Errno.EAGAIN) return -1;
            if (n < 0) throw Sys.Error(ErrorIds.NetlinkReceiveFailed, "recv(AF_NETLINK)");
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
            if (n < 0) throw Sys.Error(ErrorIds.NetlinkReceiveFailed, "recv(AF_NETLINK)");
            return (int)n;
        }
    }

    private void RequireRequests()
    {
        if (_listener) throw new InvalidOperationException("A netlink listener executes no requests (replies would queue among its notifications).");
    }

    /// <summary>
    /// The notifications of a listener: waits up to <paramref name="timeoutMs"/> for the first, then takes every datagram
    /// already queued (up to a bound), in the order the kernel queued them. <paramref name="overrun"/> is set when the
    /// kernel dropped notifications for want of buffer space (ENOBUFS): whatever the caller keeps of the state it
    /// watches may be stale and should be read again.
    /// </summary>
    public unsafe List<NetlinkNotification> ReceiveNotifications(int timeoutMs, out bool overrun)
    {
        if (!_listener) throw new InvalidOperationException("Only a listener (OpenListener) receives notifications.");
        overrun = false;
        var result = new List<NetlinkNotification>();
        lock (_lock)
        {
            bool added = false;
            try
            {
                _fd.DangerousAddRef(ref added);
                var pfd = new Libc.PollFd { Fd = (int)_fd.DangerousGetHandle(), Events = Libc.POLLIN };
                int r = Libc.Poll(&pfd, 1, timeoutMs);
                if (r < 0)
                {
                    if (Sys.LastErrno() == Errno.EINTR) return result;
                    throw Sys.Error(ErrorIds.NetlinkReceiveFailed, "poll(AF_NETLINK)");
                }
                if (r == 0) return result;
            }
            finally
            {
                if (added) _fd.DangerousRelease();
            }
            for (int i = 0; i < MaxNotificationDatagrams; i++)
            {
                int n = ReceiveNotification(out int? nsid, out var error);
                if (n < 0)
                {
                    // ENOBUFS comes before what is still queued: read that too, the caller reads the state again after it.
                    if (error == Errno.ENOBUFS) { overrun = true; continue; }
                    break; // EAGAIN: nothing more queued
                }
                foreach (var m in NetlinkMessage.ParseAll(_rx.AsSpan(0, n))) result.Add(new NetlinkNotification(m, nsid));
            }
        }
        return result;
    }

    /// <summary>One queued datagram (sized first with MSG_PEEK|MSG_TRUNC) and its nsid; -1 with EAGAIN or ENOBUFS.</summary>
    private unsafe int ReceiveNotification(out int? nsid, out Errno error)
    {
        nsid = null;
        error = 0;
        while (true)
        {
            nint n;
            fixed (byte* p = _rx)
            fixed (byte* c = _control)
            {
                var iov = new Libc.IoVec { Base = p, Len = (nuint)_rx.Length };
                var msg = new Libc.MsgHdr { Iov = &iov, IovLen = 1, Control = c, ControlLen = (nuint)_control.Length };
                n = Libc.RecvMsg(_fd, &msg, Libc.MSG_PEEK | Libc.MSG_TRUNC | Libc.MSG_DONTWAIT);
                if (n >= 0 && n <= _rx.Length)
                {
                    msg.ControlLen = (nuint)_control.Length;
                    msg.Flags = 0;
                    n = Libc.RecvMsg(_fd, &msg, Libc.MSG_DONTWAIT);
                    if (n >= 0)
                    {
                        nsid = ListenNsid(_control.AsSpan(0, (int)Math.Min(msg.ControlLen, (nuint)_control.Length)));
                        return (int)n;
                    }
                }
            }
            if (n < 0)
            {
                var e = Sys.LastErrno();
                if (e == Errno.EINTR) continue;
                if (e is Errno.EAGAIN or Errno.ENOBUFS) { error = e; return -1; }
                throw Sys.Error(ErrorIds.NetlinkReceiveFailed, e, "recvmsg(AF_NETLINK)");
            }
            _rx = new byte[Math.Max((int)n, _rx.Length * 2)];
        }
    }

    /// <summary>
    /// The nsid a NETLINK_LISTEN_ALL_NSID control message carries (struct cmsghdr { size_t len; int level; int type; }
    /// then an int, each aligned to 8), or null when there is none: the notification came from the socket's own
    /// namespace (which has no id for itself).
    /// </summary>
    internal static int? ListenNsid(ReadOnlySpan<byte> control)
    {
        int pos = 0;
        while (pos + Libc.CmsgHeaderSize <= control.Length)
        {
            ulong len = BinaryPrimitives.ReadUInt64LittleEndian(control[pos..]);
            if (len < Libc.CmsgHeaderSize || (ulong)pos + len > (ulong)control.Length) break;
            int level = BinaryPrimitives.ReadInt32LittleEndian(control[(pos + 8)..]);
            int type = BinaryPrimitives.ReadInt32LittleEndian(control[(pos + 12)..]);
            if (level == Libc.SOL_NETLINK && type == Libc.NETLINK_LISTEN_ALL_NSID && len >= Libc.CmsgHeaderSize + 4)
                return BinaryPrimitives.ReadInt32LittleEndian(control[(pos + Libc.CmsgHeaderSize)..]);
            pos += (int)((len + 7) & ~7UL);
        }
        return null;
    }

    public void Dispose() => _fd.Dispose();
}

/// <summary>A notification a listener received, with the nsid of the namespace it came from (null: the listener's own).</summary>
public readonly record struct NetlinkNotification(NetlinkMessage Message, int? Nsid);

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
    private readonly ErrnoMap _errors;
    private readonly object? _target;

    public ReplyCollector(uint seq, uint portId, ushort requestFlags, string operation, ErrnoMap? errors = null, object? target = null)
    {
        _seq = seq; _portId = portId; _requestFlags = requestFlags; _operation = operation; _errors = errors ?? NetlinkSocket.DefaultErrors; _target = target;
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
                    throw Refusal(ack);
                return true; // the ack that ends a request (or, for a dump, the kernel stopping it)
            }
            case Nl.NLMSG_DONE:
            {
                var ack = NetlinkAck.ParseDone(m.Payload, m.Flags);
                if (ack.Error != 0)
                    throw Refusal(ack);
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
    /// <summary>The kernel's refusal: the table's id for its errno; ENOMEM, unless the table names it, MemoryLimitReached with the limit that applies.</summary>
    private NetlinkException Refusal(NetlinkAck ack)
    {
        if (ack.Errno == Errno.ENOMEM && !_errors.Names(Errno.ENOMEM))
            return new NetlinkException(ErrorIds.MemoryLimitReached, ack.Errno, $"{_operation}: {ack.Describe()}: {Limits.OutOfMemoryReason()}", ack, _operation, _target);
        return new NetlinkException(_errors[ack.Errno], ack.Errno, $"{_operation}: {ack.Describe()}", ack, _operation, _target);
    }

}

/// <summary>
/// The reply side of one batch, without the socket. Every message sent with NLM_F_ACK gets one answer (an ack, or an
/// error that is mapped back to the message by its sequence number); the kernel reports all errors of a batch, not
/// only the first. An error answering a message sent without NLM_F_ACK (the batch begin: no CAP_NET_ADMIN, no
/// nf_tables subsystem, a failed commit) refuses the whole batch: then the other answers may never come.
/// </summary>
public sealed class BatchCollector
{
    private readonly uint[] _seqs;
    private readonly ushort[] _flags;
    private readonly uint _portId;
    private readonly string _operation;
    private readonly bool[] _answered;
    private int _pending;

    public BatchCollector(uint[] seqs, ushort[] flags, uint portId, string operation)
    {
        _seqs = seqs; _flags = flags; _portId = portId; _operation = operation;
        _answered = new bool[seqs.Length];
        _pending = flags.Count(f => (f & Nl.NLM_F_ACK) != 0);
    }

    /// <summary>(index of the message in the batch, the kernel's answer) for every error, in arrival order.</summary>
    public List<(int Index, NetlinkAck Ack)> Errors { get; } = new();

    /// <summary>An error answered a message without NLM_F_ACK (the batch as a whole was refused).</summary>
    public bool Refused { get; private set; }

    public bool Complete => _pending == 0;

    public void Accept(NetlinkMessage m)
    {
        if (m.PortId != _portId && m.PortId != 0)
            throw new NetlinkProtocolException($"{_operation}: reply for port {m.PortId}, expected {_portId}.");
        int i = Array.IndexOf(_seqs, m.Seq);
        if (i < 0)
        {
            // A late reply to an earlier, abandoned request: skip it.
            if (m.Seq < _seqs[0]) return;
            throw new NetlinkProtocolException($"{_operation}: reply with sequence {m.Seq}, expected {_seqs[0]}..{_seqs[^1]}.");
        }
        switch (m.Type)
        {
            case Nl.NLMSG_NOOP:
                return;
            case Nl.NLMSG_ERROR:
            {
                var ack = NetlinkAck.Parse(m.Payload, m.Flags);
                if (ack.Error != 0) Errors.Add((i, ack));
                if ((_flags[i] & Nl.NLM_F_ACK) == 0)
                {
                    if (ack.Error != 0) Refused = true;
                    return;
                }
                if (!_answered[i]) { _answered[i] = true; _pending--; }
                return;
            }
            case Nl.NLMSG_OVERRUN:
                throw new NetlinkProtocolException($"{_operation}: receive buffer overrun.");
            default:
                return; // echoes (NLM_F_ECHO) are not asked for
        }
    }
}
