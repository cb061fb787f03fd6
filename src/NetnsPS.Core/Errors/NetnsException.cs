using System.Runtime.InteropServices;

namespace NetnsPS.Core.Errors;

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
    public string ErrnoText => Errno == Errno.None ? string.Empty : Marshal.GetPInvokeErrorMessage((int)Errno);
}

/// <summary>A thread could not be returned to its original namespace; it must never run other work again.</summary>
public sealed class NamespaceRestoreException : NetnsException
{
    public NamespaceRestoreException(string message, Errno errno = Errno.None)
        : base(ErrorIds.NamespaceRestoreFailed, errno, message) { }
}
