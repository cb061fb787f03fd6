using System.Runtime.InteropServices;

namespace NetnsPS.Core.Interop;

/// <summary>Linux errno values the module distinguishes.</summary>
public enum Errno
{
    None = 0,
    EPERM = 1,
    ENOENT = 2,
    ESRCH = 3,
    EINTR = 4,
    EIO = 5,
    ENOEXEC = 8,
    EBADF = 9,
    ECHILD = 10,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EBUSY = 16,
    EEXIST = 17,
    ENODEV = 19,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    ENOTTY = 25,
    ENOSPC = 28,
    EROFS = 30,
    ERANGE = 34,
    ENAMETOOLONG = 36,
    ENOTEMPTY = 39,
    ELOOP = 40,
    EOPNOTSUPP = 95,
    EAFNOSUPPORT = 97,
    EADDRINUSE = 98,
    EADDRNOTAVAIL = 99,
    ENETDOWN = 100,
    ENETUNREACH = 101,
    ENOBUFS = 105,
    EHOSTUNREACH = 113,
}

/// <summary>
/// Every failure of the core: a stable error code (used by the cmdlets as ErrorId), the errno
/// (which decides the PowerShell ErrorCategory), the kernel's own text, and the object it concerns.
/// </summary>
public class NetnsException : Exception
{
    public NetnsException(string errorCode, Errno errno, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorCode = errorCode;
        Errno = errno;
        Target = target;
    }

    /// <summary>Stable identifier, e.g. NamespaceAlreadyExists.</summary>
    public string ErrorCode { get; }

    public Errno Errno { get; }

    public object? Target { get; }

    /// <summary>What to do about it, when the errno's usual advice (for EPERM: run as root) would be wrong.</summary>
    public string? RecommendedAction { get; init; }

    /// <summary>strerror text of the errno, e.g. "File exists".</summary>
    public string ErrnoText => Errno == Errno.None ? string.Empty : Sys.StrError(Errno);
}

/// <summary>A thread could not be returned to its original namespace; it must never run other work again.</summary>
public sealed class NamespaceRestoreException : NetnsException
{
    public NamespaceRestoreException(string message, Errno errno = Errno.None)
        : base("NamespaceRestoreFailed", errno, message) { }
}

internal static class Sys
{
    public static Errno LastErrno() => (Errno)Marshal.GetLastPInvokeError();

    public static string StrError(Errno e) => Marshal.GetPInvokeErrorMessage((int)e);

    /// <summary>Throws a NetnsException for the last errno with "what: strerror" as message.</summary>
    public static NetnsException Error(string code, string what, object? target = null)
    {
        var e = LastErrno();
        return new NetnsException(code, e, $"{what}: {StrError(e)} (errno {(int)e} {e})", target);
    }

    public static NetnsException Error(string code, Errno e, string what, object? target = null)
        => new(code, e, $"{what}: {StrError(e)} (errno {(int)e} {e})", target);
}
