using NetnsPS.Core.Errors;

namespace NetnsPS.Core.Interop;

/// <summary>Sends signals (used by Remove-NetNamespace -Force).</summary>
public static class ProcessKiller
{
    public static Errno Kill(int pid, int signal) => Libc.Kill(pid, signal) == 0 ? Errno.None : Sys.LastErrno();
}
