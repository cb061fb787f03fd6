using System.Runtime.InteropServices;

namespace NetnsPS.Core.Interop;

/// <summary>AF_PACKET sockets (Start-NetNamespaceCapture): linux/if_packet.h, linux/filter.h, asm-generic/socket.h.</summary>
internal static unsafe partial class Libc
{
    public const int AF_PACKET = 17;
    /// <summary>Every protocol (linux/if_ether.h), in network byte order when passed to socket/bind.</summary>
    public const ushort ETH_P_ALL = 0x0003;
    public const int SOL_PACKET = 263;
    public const int PACKET_STATISTICS = 6;
    public const int PACKET_AUXDATA = 8;
    public const int SO_ATTACH_FILTER = 26;
    /// <summary>SO_TIMESTAMPNS_OLD = SCM_TIMESTAMPNS: a struct timespec (64-bit time_t on 64-bit targets).</summary>
    public const int SO_TIMESTAMPNS = 35;
    public const int SizeOfSockaddrLl = 20;
    public const ushort ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772;
    public const short POLLERR = 8, POLLHUP = 16;

    /// <summary>struct sock_fprog: the length, then (after padding) the pointer to the instructions.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockFprog { public ushort Len; public void* Filter; }

    [LibraryImport(Lib, EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(SafeHandle fd, int level, int name, void* value, int* len);
}
