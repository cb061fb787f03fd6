using System.Net;
using System.Net.Sockets;

namespace NetnsPS.Core.Netlink.Rtnl;

/// <summary>
/// Address families as netlink spells them (their names, "IPv4" and "IPv6", are <see cref="NetAddressFamily"/>).
/// </summary>
public static class Af
{
    public const byte UNSPEC = 0, INET = 2, INET6 = 10;

    public static byte Of(IPAddress a) => a.AddressFamily == AddressFamily.InterNetworkV6 ? INET6 : INET;

    public static int Bits(byte family) => family == INET6 ? 128 : 32;

    /// <summary>An address attribute: exactly 4 or 16 bytes, else a protocol error.</summary>
    public static IPAddress ReadAddress(ReadOnlySpan<byte> value)
        => value.Length is 4 or 16 ? new IPAddress(value)
            : throw new NetlinkProtocolException($"Address attribute of {value.Length} bytes (expected 4 or 16).");
}
