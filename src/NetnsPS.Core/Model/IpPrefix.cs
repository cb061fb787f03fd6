using System.Net;
using System.Net.Sockets;
using NetnsPS.Core.Errors;

namespace NetnsPS;

/// <summary>
/// The text of addresses, prefixes and address families as the cmdlets and lab definitions take them ("10.0.0.0/24",
/// "default", "fe80::1", "IPv6"), parsed with clear errors, and prefixes as the records show them.
/// </summary>
public static class IpPrefix
{
    /// <summary>IPv4 or IPv6.</summary>
    public static NetAddressFamily Family(IPAddress a)
        => a.AddressFamily == AddressFamily.InterNetworkV6 ? NetAddressFamily.IPv6 : NetAddressFamily.IPv4;

    /// <summary>The length of a host prefix: 32 or 128.</summary>
    public static int Bits(IPAddress a) => Family(a) == NetAddressFamily.IPv6 ? 128 : 32;

    /// <summary>"IPv4" / "IPv6" (any case) to a family (a -AddressFamily value); null to Any (both).</summary>
    public static NetAddressFamily ParseFamily(string? name)
        => name is null ? NetAddressFamily.Any
            : name.Equals("IPv6", StringComparison.OrdinalIgnoreCase) ? NetAddressFamily.IPv6 : NetAddressFamily.IPv4;

    public static IPAddress ParseAddress(string text, string what = "IP address")
    {
        if (!IPAddress.TryParse(text.Trim(), out var a) || a.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) ||
            (a.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3))
            throw new NetnsException(ErrorIds.InvalidIPAddress, Errno.EINVAL, $"Invalid {what} '{text}'.", text);
        return a;
    }

    public static void ValidatePrefixLength(IPAddress a, int prefix)
    {
        int max = Bits(a);
        if (prefix < 0 || prefix > max)
            throw new NetnsException(ErrorIds.InvalidPrefixLength, Errno.EINVAL,
                $"Invalid prefix length {prefix} for {Family(a)} address {a}: expected 0 to {max}.", prefix);
    }

    /// <summary>
    /// "10.0.0.1/24" or "10.0.0.1" with <paramref name="prefixLength"/> (a -PrefixLength; the host length when both
    /// are missing): the address kept as given. A length in the text that disagrees with the parameter is an error.
    /// </summary>
    public static (IPAddress Address, int Length) ParseAddressAndPrefix(string text, int? prefixLength)
    {
        int slash = text.IndexOf('/');
        var address = ParseAddress(slash < 0 ? text : text[..slash]);
        int len;
        if (slash >= 0)
        {
            if (!int.TryParse(text[(slash + 1)..], out len))
                throw new NetnsException(ErrorIds.InvalidPrefixLength, Errno.EINVAL, $"Invalid prefix length in '{text}'.", text);
            if (prefixLength is int p && p != len)
                throw new NetnsException(ErrorIds.InvalidPrefixLength, Errno.EINVAL, $"'{text}' and -PrefixLength {p} disagree.", text);
        }
        else len = prefixLength ?? Bits(address);
        ValidatePrefixLength(address, len);
        return (address, len);
    }

    /// <summary>
    /// "default", "0.0.0.0/0", "::/0", "10.1.0.0/16", "10.1.2.3" (host route). With <paramref name="network"/> (a route
    /// destination) host bits must be clear: "10.9.1.1/16" is InvalidDestinationPrefix, as ip's "Invalid prefix for given
    /// prefix length", not silently 10.9.0.0/16. Without it (an address with its prefix length) the address is kept.
    /// </summary>
    public static (IPAddress Address, int Length) ParsePrefix(string text, NetAddressFamily familyHint = NetAddressFamily.IPv4, bool network = true)
    {
        var t = text.Trim();
        if (t.Equals("default", StringComparison.OrdinalIgnoreCase))
            return (familyHint == NetAddressFamily.IPv6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        int slash = t.IndexOf('/');
        var addr = ParseAddress(slash < 0 ? t : t[..slash], "destination prefix");
        int len = Bits(addr);
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

    public static string Format(IPAddress a, int len)
        => len == 0 && a.Equals(Mask(a, 0)) ? (a.AddressFamily == AddressFamily.InterNetworkV6 ? "::/0" : "0.0.0.0/0") : $"{a}/{len}";
}
