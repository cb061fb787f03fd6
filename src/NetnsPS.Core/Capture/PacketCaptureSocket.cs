using System.Buffers.Binary;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Threading;
using NetnsPS.Core.Netlink;

namespace NetnsPS.Core.Capture;

/// <summary>One frame as the kernel handed it over.</summary>
public readonly record struct CapturedFrame(long UnixNanoseconds, PacketType Type, int OriginalLength, byte[] Data);

/// <summary>
/// An AF_PACKET socket (SOCK_RAW, every protocol) on one adapter of one namespace. It is created on the module's shared
/// namespace thread inside the namespace (a packet socket, like a netlink socket, belongs to the namespace it was made
/// in and binds to an ifindex of that namespace), with protocol 0 so that it sees nothing before the filter is attached
/// and it is bound to the adapter (what libpcap does); after that it is read from any thread. Kernel timestamps come
/// with each frame (SO_TIMESTAMPNS), the length on the wire from PACKET_AUXDATA. Reads wait at most the time given, so
/// a caller can stop promptly; the socket is closed by <see cref="Dispose"/>.
/// </summary>
public sealed unsafe class PacketCaptureSocket : IDisposable
{
    public const int MaxSnapLength = 262144;

    private readonly SafeFdHandle _fd;
    private readonly byte[] _buffer;
    private readonly byte[] _control = new byte[256];
    private readonly byte[] _address = new byte[Libc.SizeOfSockaddrLl];

    private PacketCaptureSocket(SafeFdHandle fd, int snapLength, ushort hardwareType)
    {
        _fd = fd;
        SnapLength = snapLength;
        HardwareType = hardwareType;
        _buffer = new byte[snapLength];
    }

    public int SnapLength { get; }
    /// <summary>ARPHRD_* of the adapter (1 Ethernet, 772 loopback).</summary>
    public ushort HardwareType { get; }
    /// <summary>Loopback: the kernel shows each frame twice (out, then in); the outgoing copy is dropped, as libpcap does.</summary>
    public bool IsLoopback => HardwareType == Libc.ARPHRD_LOOPBACK;

    /// <summary>
    /// Opens the socket inside <paramref name="ns"/> (null: the calling thread's namespace) on adapter
    /// <paramref name="ifIndex"/> with <paramref name="program"/> attached. <paramref name="receiveBuffer"/> bytes of
    /// kernel queue (as root beyond net.core.rmem_max).
    /// </summary>
    public static PacketCaptureSocket Open(NamespaceHandle? ns, int ifIndex, string ifName, int snapLength, BpfInstruction[] program, int receiveBuffer = 8 << 20)
    {
        if (snapLength is < 1 or > MaxSnapLength) throw new NetnsException(ErrorIds.InvalidSnapLength, Errno.EINVAL, $"The snap length must be 1-{MaxSnapLength}, not {snapLength}.", snapLength);
        static int Create()
        {
            int fd = Libc.Socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
            return fd >= 0 ? fd : -(int)Sys.LastErrno();
        }
        int raw = ns is null ? Create() : SharedNamespaceThread.InvokeIn(ns, Create);
        if (raw < 0) throw Sys.Error(ErrorIds.CaptureSocketFailed, (Errno)(-raw), "socket(AF_PACKET, SOCK_RAW)", ifName);
        var h = new SafeFdHandle(raw);
        try
        {
            int one = 1;
            if (Libc.SetSockOpt(h, Libc.SOL_PACKET, Libc.PACKET_AUXDATA, &one, 4) != 0) throw Sys.Error(ErrorIds.CaptureSocketFailed, "setsockopt(PACKET_AUXDATA)", ifName);
            if (Libc.SetSockOpt(h, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, &one, 4) != 0) throw Sys.Error(ErrorIds.CaptureSocketFailed, "setsockopt(SO_TIMESTAMPNS)", ifName);
            int size = receiveBuffer;
            if (Libc.SetSockOpt(h, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, &size, 4) != 0)
                Libc.SetSockOpt(h, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &size, 4); // without CAP_NET_ADMIN: up to rmem_max
            var filter = new ulong[program.Length];
            for (int i = 0; i < program.Length; i++)
                filter[i] = program[i].Code | (ulong)program[i].Jt << 16 | (ulong)program[i].Jf << 24 | (ulong)program[i].K << 32;
            fixed (ulong* f = filter)
            {
                var prog = new Libc.SockFprog { Len = (ushort)program.Length, Filter = f };
                if (Libc.SetSockOpt(h, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, &prog, sizeof(Libc.SockFprog)) != 0)
                    throw Sys.Error(ErrorIds.InvalidCaptureFilter, "setsockopt(SO_ATTACH_FILTER): the kernel refused the filter program", ifName);
            }
            byte* addr = stackalloc byte[Libc.SizeOfSockaddrLl];
            new Span<byte>(addr, Libc.SizeOfSockaddrLl).Clear();
            *(ushort*)addr = Libc.AF_PACKET;
            BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(addr + 2, 2), Libc.ETH_P_ALL);
            *(int*)(addr + 4) = ifIndex;
            if (Libc.Bind(h, addr, Libc.SizeOfSockaddrLl) != 0)
            {
                var e = Sys.LastErrno();
                throw e == Errno.ENODEV
                    ? new NetnsException(ErrorIds.AdapterNotFound, e, $"No adapter '{ifName}' (index {ifIndex}): it went away before the capture started.", ifName)
                    : Sys.Error(ErrorIds.CaptureSocketFailed, e, $"bind(AF_PACKET) to '{ifName}'", ifName);
            }
            int len = Libc.SizeOfSockaddrLl;
            if (Libc.GetSockName(h, addr, &len) != 0) throw Sys.Error(ErrorIds.CaptureSocketFailed, "getsockname(AF_PACKET)", ifName);
            ushort hatype = *(ushort*)(addr + 8);
            if (hatype is not (Libc.ARPHRD_ETHER or Libc.ARPHRD_LOOPBACK))
                throw new NetnsException(ErrorIds.CaptureNotSupported, Errno.EOPNOTSUPP,
                    $"Adapter '{ifName}' has hardware type {hatype}, not Ethernet or loopback: only Ethernet framing is captured.", ifName);
            var socket = new PacketCaptureSocket(h, snapLength, hatype);
            socket.ReadStatistics(); // reset the counters: frames queued before the bind are not ours to count
            return socket;
        }
        catch
        {
            h.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The next frame, or null when none came within <paramref name="timeoutMs"/> (0: only what is queued). An adapter
    /// that went down or was removed is CaptureAdapterGone (ENETDOWN).
    /// </summary>
    public CapturedFrame? Receive(int timeoutMs)
    {
        bool added = false;
        try
        {
            _fd.DangerousAddRef(ref added);
            int fd = (int)_fd.DangerousGetHandle();
            while (true)
            {
                var pfd = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
                int r = Libc.Poll(&pfd, 1, timeoutMs);
                if (r < 0)
                {
                    var e = Sys.LastErrno();
                    if (e == Errno.EINTR) continue;
                    throw Sys.Error(ErrorIds.CaptureReadFailed, e, "poll(AF_PACKET)");
                }
                if (r == 0) return null;
                var frame = ReceiveOne();
                if (frame is null) { timeoutMs = 0; continue; } // a skipped loopback copy, or nothing after all
                return frame;
            }
        }
        finally
        {
            if (added) _fd.DangerousRelease();
        }
    }

    private CapturedFrame? ReceiveOne()
    {
        fixed (byte* buf = _buffer)
        fixed (byte* ctl = _control)
        fixed (byte* name = _address)
        {
            var iov = new Libc.IoVec { Base = buf, Len = (nuint)_buffer.Length };
            var msg = new Libc.MsgHdr { Name = name, NameLen = Libc.SizeOfSockaddrLl, Iov = &iov, IovLen = 1, Control = ctl, ControlLen = (nuint)_control.Length };
            nint n = Libc.RecvMsg(_fd, &msg, Libc.MSG_DONTWAIT | Libc.MSG_TRUNC);
            if (n < 0)
            {
                var e = Sys.LastErrno();
                if (e is Errno.EAGAIN or Errno.EINTR) return null;
                if (e is Errno.ENETDOWN or Errno.ENXIO or Errno.ENODEV)
                    throw new NetnsException(ErrorIds.CaptureAdapterGone, e, "The adapter went down or was removed during the capture.");
                throw Sys.Error(ErrorIds.CaptureReadFailed, e, "recvmsg(AF_PACKET)");
            }
            var type = (PacketType)name[10];
            if (IsLoopback && type == PacketType.Outgoing) return null;
            int captured = (int)Math.Min(n, _buffer.Length);
            int original = (int)n;
            long ts = 0;
            // control messages: cmsghdr { size_t len; int level; int type; } then data, each aligned to 8
            nuint pos = 0;
            while (pos + 16 <= msg.ControlLen)
            {
                byte* c = ctl + pos;
                nuint clen = *(nuint*)c;
                if (clen < 16 || pos + clen > msg.ControlLen) break;
                int level = *(int*)(c + 8), ctype = *(int*)(c + 12);
                if (level == Libc.SOL_SOCKET && ctype == Libc.SO_TIMESTAMPNS && clen >= 32)
                    ts = *(long*)(c + 16) * 1_000_000_000L + *(long*)(c + 24);
                else if (level == Libc.SOL_PACKET && ctype == Libc.PACKET_AUXDATA && clen >= 16 + 20)
                    original = (int)*(uint*)(c + 16 + 4); // tpacket_auxdata.tp_len: the length before the filter's truncation
                pos += (clen + 7) & ~(nuint)7;
            }
            if (ts == 0) ts = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
            return new CapturedFrame(ts, type, original, _buffer.AsSpan(0, captured).ToArray());
        }
    }

    /// <summary>PACKET_STATISTICS since the last call (the kernel resets them on read): frames that passed the filter, and those dropped for want of queue space.</summary>
    public (long Packets, long Drops) ReadStatistics()
    {
        uint* stats = stackalloc uint[2];
        int len = 8;
        if (Libc.GetSockOpt(_fd, Libc.SOL_PACKET, Libc.PACKET_STATISTICS, stats, &len) != 0) return (0, 0);
        // tp_packets counts drops too
        return (stats[0] - stats[1], stats[1]);
    }

    public void Dispose() => _fd.Dispose();
}
