using System.Globalization;

namespace NetnsPS.Core.Namespaces;

/// <summary>Effective capabilities of the process (CapEff in /proc/self/status).</summary>
public static class Privileges
{
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

    public static bool Has(int capability) => (EffectiveCapabilities() & (1UL << capability)) != 0;
}
