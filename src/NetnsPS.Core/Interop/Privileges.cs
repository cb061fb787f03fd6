using System.Globalization;

namespace NetnsPS.Core.Interop;

/// <summary>Effective capabilities of the process (CapEff in /proc/self/status).</summary>
public static class Privileges
{
    public const int CAP_NET_RAW = 13;
    public const int CAP_NET_ADMIN = 12;
    public const int CAP_SYS_ADMIN = 21;
    public const int CAP_SYS_PTRACE = 19;

    public static ulong EffectiveCapabilities()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                return ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return 0;
    }

    private static ulong s_seen;

    /// <summary>Whether the process has the capability; a capability once seen is remembered (they are not given back in practice).</summary>
    public static bool Has(int capability)
    {
        ulong bit = 1UL << capability;
        if ((Volatile.Read(ref s_seen) & bit) != 0) return true;
        var eff = EffectiveCapabilities();
        if ((eff & bit) == 0) return false;
        Interlocked.Or(ref s_seen, eff);
        return true;
    }
}
