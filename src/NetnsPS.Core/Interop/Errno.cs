using System.Runtime.InteropServices;

namespace NetnsPS.Core.Interop;

/// <summary>
/// Linux errno values (asm-generic numbering, as on x86-64 and arm64): every one is named, so messages can say
/// "errno 24 EMFILE" for any errno the kernel or libc returns, not only the ones the module handles itself.
/// </summary>
public enum Errno
{
    None = 0,
    EPERM = 1,
    ENOENT = 2,
    ESRCH = 3,
    EINTR = 4,
    EIO = 5,
    ENXIO = 6,
    E2BIG = 7,
    ENOEXEC = 8,
    EBADF = 9,
    ECHILD = 10,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    ENOTBLK = 15,
    EBUSY = 16,
    EEXIST = 17,
    EXDEV = 18,
    ENODEV = 19,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    ENFILE = 23,
    EMFILE = 24,
    ENOTTY = 25,
    ETXTBSY = 26,
    EFBIG = 27,
    ENOSPC = 28,
    ESPIPE = 29,
    EROFS = 30,
    EMLINK = 31,
    EPIPE = 32,
    EDOM = 33,
    ERANGE = 34,
    EDEADLK = 35,
    ENAMETOOLONG = 36,
    ENOLCK = 37,
    ENOSYS = 38,
    ENOTEMPTY = 39,
    ELOOP = 40,
    ENOMSG = 42,
    EIDRM = 43,
    ECHRNG = 44,
    EL2NSYNC = 45,
    EL3HLT = 46,
    EL3RST = 47,
    ELNRNG = 48,
    EUNATCH = 49,
    ENOCSI = 50,
    EL2HLT = 51,
    EBADE = 52,
    EBADR = 53,
    EXFULL = 54,
    ENOANO = 55,
    EBADRQC = 56,
    EBADSLT = 57,
    EBFONT = 59,
    ENOSTR = 60,
    ENODATA = 61,
    ETIME = 62,
    ENOSR = 63,
    ENONET = 64,
    ENOPKG = 65,
    EREMOTE = 66,
    ENOLINK = 67,
    EADV = 68,
    ESRMNT = 69,
    ECOMM = 70,
    EPROTO = 71,
    EMULTIHOP = 72,
    EDOTDOT = 73,
    EBADMSG = 74,
    EOVERFLOW = 75,
    ENOTUNIQ = 76,
    EBADFD = 77,
    EREMCHG = 78,
    ELIBACC = 79,
    ELIBBAD = 80,
    ELIBSCN = 81,
    ELIBMAX = 82,
    ELIBEXEC = 83,
    EILSEQ = 84,
    ERESTART = 85,
    ESTRPIPE = 86,
    EUSERS = 87,
    ENOTSOCK = 88,
    EDESTADDRREQ = 89,
    EMSGSIZE = 90,
    EPROTOTYPE = 91,
    ENOPROTOOPT = 92,
    EPROTONOSUPPORT = 93,
    ESOCKTNOSUPPORT = 94,
    EOPNOTSUPP = 95,
    EPFNOSUPPORT = 96,
    EAFNOSUPPORT = 97,
    EADDRINUSE = 98,
    EADDRNOTAVAIL = 99,
    ENETDOWN = 100,
    ENETUNREACH = 101,
    ENETRESET = 102,
    ECONNABORTED = 103,
    ECONNRESET = 104,
    ENOBUFS = 105,
    EISCONN = 106,
    ENOTCONN = 107,
    ESHUTDOWN = 108,
    ETOOMANYREFS = 109,
    ETIMEDOUT = 110,
    ECONNREFUSED = 111,
    EHOSTDOWN = 112,
    EHOSTUNREACH = 113,
    EALREADY = 114,
    EINPROGRESS = 115,
    ESTALE = 116,
    EUCLEAN = 117,
    ENOTNAM = 118,
    ENAVAIL = 119,
    EISNAM = 120,
    EREMOTEIO = 121,
    EDQUOT = 122,
    ENOMEDIUM = 123,
    EMEDIUMTYPE = 124,
    ECANCELED = 125,
    ENOKEY = 126,
    EKEYEXPIRED = 127,
    EKEYREVOKED = 128,
    EKEYREJECTED = 129,
    EOWNERDEAD = 130,
    ENOTRECOVERABLE = 131,
    ERFKILL = 132,
    EHWPOISON = 133,
    /// <summary>Kernel-internal "not supported" that some netlink handlers return as is.</summary>
    ENOTSUPP = 524,
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

    /// <summary>What the user can do about it, when the errno alone would suggest the wrong thing (shown as RecommendedAction).</summary>
    public string? Recommendation { get; init; }

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

    /// <summary>"Too many open files (errno 24 EMFILE)": the text, the number and the name (the number alone when unnamed).</summary>
    public static string Describe(Errno e)
        => Enum.IsDefined(e) ? $"{StrError(e)} (errno {(int)e} {e})" : $"{StrError(e)} (errno {(int)e})";

    /// <summary>The NetnsException for the last errno with "what: strerror (errno N NAME)" as message.</summary>
    public static NetnsException Error(string code, string what, object? target = null) => Error(code, LastErrno(), what, target);

    /// <summary>
    /// The NetnsException for <paramref name="e"/>; running out of descriptors (EMFILE, ENFILE) is always
    /// TooManyOpenFiles, whatever the operation, with the limit and how to raise it.
    /// </summary>
    public static NetnsException Error(string code, Errno e, string what, object? target = null)
        => e is Errno.EMFILE or Errno.ENFILE ? Limits.TooManyOpenFiles(e, what, target) : new(code, e, $"{what}: {Describe(e)}", target);
}
