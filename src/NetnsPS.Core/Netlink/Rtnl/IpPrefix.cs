using System.Net;
using System.Net.Sockets;
using NetnsPS.Core.Errors;

namespace NetnsPS.Core.Netlink.Rtnl;

/// <summary>Address families as netlink spells them.</summary>
public static class Af
{
    public const byte UNSPEC = 0, INET = 2, INET6 = 10;

    public static byte Of(IPAddress a) => a.AddressFamily == AddressFamily.InterNetworkV6 ? INET6 : INET;

    public static int Bits(byte family) => family == INET6 ? 128 : 32;

    /// <summary>"IPv4" / "IPv6" (any case) to a family; null to AF_UNSPEC (both).</summary>
    public static byte Parse(string? name)
        => name is null ? UNSPEC : name.Equals("IPv6", StringComparison.OrdinalIgnoreCase) ? INET6 : INET;

    public static string Name(byte family) => family switch { INET => "IPv4", INET6 => "IPv6", _ => $"AF{family}" };
}

/// <summary>Parsing of addresses and prefixes ("10.0.0.0/24", "default", "fe80::1") with clear errors.</summary>
public static class IpPrefix
{
    public static IPAddress ParseAddress(string text, string what = "IP address")
    {
        if (!IPAddress.TryParse(text.Trim(), out var a) || a.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) ||
            (a.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3))
            throw new NetnsException(ErrorIds.InvalidIPAddress, Errno.EINVAL, $"Invalid {what} '{text}'.", text);
        return a;
    }

    public static void ValidatePrefixLength(IPAddress a, int prefix)
    {
        int max = Af.Bits(Af.Of(a));
        if (prefix < 0 || prefix > max)
            throw new NetnsException(ErrorIds.InvalidPrefixLength, Errno.EINVAL,
                $"Invalid prefix length {prefix} for {Af.Name(Af.Of(a))} address {a}: expected 0 to {max}.", prefix);
    }

    /// <summary>
    /// "default", "0.0.0.0/0", "::/0", "10.1.0.0/16", "10.1.2.3" (host route). With <paramref name="network"/> (a route
    /// destination) host bits must be clear: "10.9.1.1/16" is InvalidDestinationPrefix, as ip's "Invalid prefix for given
    /// prefix length", not silently 10.9.0.0/16. Without it (an address with its prefix length) the address is kept.
    /// </summary>
    public static (IPAddress Address, int Length) ParsePrefix(string text, byte familyHint = Af.INET, bool network = true)
    {
        var t = text.Trim();
        if (t.Equals("default", StringComparison.OrdinalIgnoreCase))
            return (familyHint == Af.INET6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        int slash = t.IndexOf('/');
        var addr = ParseAddress(slash < 0 ? t : t[..slash], "destination prefix");
        int len = Af.Bits(Af.Of(addr));
        if (slash >= 0 && !int.TryParse(t[(slash + 1)..], out len))
            throw new NetnsException(ErrorIds.InvalidPrefixLength, Errno.EINVAL, $"Invalid prefix length in '{text}'.", text);
        ValidatePrefixLength(addr, len);
        if (network && !Mask(addr, len).Equals(addr))
            throw new NetnsException(ErrorIds.InvalidDestinationPrefix, Errno.EINVAL,
                $"Invalid prefix for given prefix length: '{text}' has host bits set (the network is {Format(Mask(addr, len), len)}).", text);
        return (addr, len);
    }

    /// <summary>The network address: host bits cleared.</summary>
    public static IPAddress Mask(IPAddress a, int len)
    {
        var b = a.GetAddressBytes();
        for (int i = 0; i < b.Length; i++)
        {
            int bits = Math.Clamp(len - i * 8, 0, 8);
            b[i] &= (byte)(0xFF << (8 - bits));
        }
        return new IPAddress(b);
    }

    /// <summary>An address attribute: exactly 4 or 16 bytes, else a protocol error.</summary>
    public static IPAddress FromAttribute(ReadOnlySpan<byte> value)
        => value.Length is 4 or 16 ? new IPAddress(value)
            : throw new NetlinkProtocolException($"Address attribute of {value.Length} bytes (expected 4 or 16).");

    public static string Format(IPAddress a, int len)
        => len == 0 && a.Equals(Mask(a, 0)) ? (a.AddressFamily == AddressFamily.InterNetworkV6 ? "::/0" : "0.0.0.0/0") : $"{a}/{len}";
}
