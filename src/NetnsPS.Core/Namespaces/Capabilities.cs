using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;

namespace NetnsPS.Core.Namespaces;

/// <summary>The capabilities the cmdlets need (numbers as in linux/capability.h).</summary>
public enum Capability
{
    /// <summary>Adapters, addresses, routes, neighbours, NAT.</summary>
    NetAdmin = Privileges.CAP_NET_ADMIN,
    /// <summary>Raw and packet sockets: captures.</summary>
    NetRaw = Privileges.CAP_NET_RAW,
    /// <summary>setns, mounts: creating, entering and removing namespaces.</summary>
    SysAdmin = Privileges.CAP_SYS_ADMIN,
}

/// <summary>The one capability check a cmdlet makes before it acts, with one clear error.</summary>
public static class Capabilities
{
    /// <summary>CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN.</summary>
    public static string Name(Capability capability) => capability switch
    {
        Capability.NetAdmin => "CAP_NET_ADMIN",
        Capability.NetRaw => "CAP_NET_RAW",
        Capability.SysAdmin => "CAP_SYS_ADMIN",
        _ => $"capability {(int)capability}",
    };

    /// <summary>
    /// InsufficientPrivilege (EPERM, target = the capability's name) when the process lacks <paramref name="capability"/>.
    /// </summary>
    public static void Require(Capability capability, string what)
    {
        if (Privileges.Has((int)capability)) return;
        var name = Name(capability);
        throw new NetnsException(ErrorIds.InsufficientPrivilege, Errno.EPERM,
            $"{what} needs {name}: run PowerShell as root (for example with sudo).", name);
    }
}
