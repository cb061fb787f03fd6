using System.Runtime.InteropServices;
using NetnsPS.Core.Errors;

namespace NetnsPS.Core.Interop;

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
    /// TooManyOpenFiles, and out of memory (ENOMEM) MemoryLimitReached, whatever the operation, with the limit and how to raise it.
    /// </summary>
    public static NetnsException Error(string code, Errno e, string what, object? target = null) => e switch
    {
        Errno.EMFILE or Errno.ENFILE => Limits.TooManyOpenFiles(e, what, target),
        Errno.ENOMEM => Limits.OutOfMemory(what, target),
        _ => new(code, e, $"{what}: {Describe(e)}", target),
    };
}
