using System.Globalization;
using System.Runtime.InteropServices;
using NetnsPS.Core.Errors;

namespace NetnsPS.Core.Interop;

/// <summary>
/// Running out of process resources (descriptors, threads, memory) as clear errors: TooManyOpenFiles and
/// MemoryLimitReached with the limit and how to raise it, ThreadStartFailed for a thread the system would not create, never a raw .NET exception
/// (OutOfMemoryException from Thread.Start, IOException "Too many open files").
/// </summary>
public static unsafe partial class Limits
{
    private const int RLIMIT_NOFILE = 7;

    [LibraryImport("libc.so.6", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, ulong* limits);

    /// <summary>The soft and hard RLIMIT_NOFILE (what `ulimit -n` and `ulimit -Hn` show); null when unknown.</summary>
    public static (ulong Soft, ulong Hard)? OpenFileLimit()
    {
        ulong* l = stackalloc ulong[2];
        return GetRLimit(RLIMIT_NOFILE, l) == 0 ? (l[0], l[1]) : null;
    }

    private static string Show(ulong v) => v == ulong.MaxValue ? "unlimited" : v.ToString(CultureInfo.InvariantCulture);

    /// <summary>TooManyOpenFiles for EMFILE (this process's limit) or ENFILE (the system's), saying which limit and how to raise it.</summary>
    public static NetnsException TooManyOpenFiles(Errno e, string what, object? target = null, Exception? inner = null)
    {
        string why;
        if (e == Errno.ENFILE)
        {
            string max = "?";
            try { max = File.ReadAllText("/proc/sys/fs/file-max").Trim(); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            why = $"the system-wide table of open files is full (fs.file-max = {max}): close programs that hold many files, or raise /proc/sys/fs/file-max.";
        }
        else
        {
            var limit = OpenFileLimit();
            var (soft, hard) = limit ?? (0, 0);
            why = limit is null
                ? "this process has used every file descriptor its limit (ulimit -n) allows."
                : $"this process has used every file descriptor its limit allows (ulimit -n is {Show(soft)}, hard limit {Show(hard)}).";
            why += " A command holds descriptors for the few namespaces it is working on at the moment (a namespace handle and a netlink socket each), "
                 + "so the rest are held by this process: raise the limit before starting pwsh (for example `ulimit -n 65536`, up to the hard limit; "
                 + "LimitNOFILE= for a systemd service), or close what it holds (open files, sessions, running programs).";
        }
        return new NetnsException(ErrorIds.TooManyOpenFiles, e, $"{what}: {Sys.Describe(e)}: {why}", target, inner);
    }

    /// <summary>
    /// NamespaceLimitReached for ENOSPC from unshare(CLONE_NEWNET): the user namespace (or one of its ancestors) already
    /// has user.max_net_namespaces network namespaces; the message gives the value and how to raise it.
    /// </summary>
    public static NetnsException NamespaceLimitReached(string what, object? target = null)
    {
        string max = "?";
        try { max = File.ReadAllText("/proc/sys/user/max_net_namespaces").Trim(); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return new NetnsException(ErrorIds.NamespaceLimitReached, Errno.ENOSPC,
            $"{what}: {Sys.Describe(Errno.ENOSPC)}: the kernel's limit on network namespaces is reached (user.max_net_namespaces = {max} " +
            "in this user namespace; the limits of its parent user namespaces apply too). Remove namespaces that are no longer needed, or raise " +
            "the limit (for example `sysctl -w user.max_net_namespaces=200000`, in the user namespace that is full).", target);
    }

    /// <summary>
    /// MemoryLimitReached for ENOMEM: the kernel could not allocate memory for <paramref name="what"/>. The message
    /// names the limit that applies (the memory cgroup's limit and usage when it has one, else the machine's available
    /// memory), what a network namespace costs, and how to raise it.
    /// </summary>
    public static NetnsException OutOfMemory(string what, object? target = null, Exception? inner = null)
        => new(ErrorIds.MemoryLimitReached, Errno.ENOMEM, $"{what}: {Sys.Describe(Errno.ENOMEM)}: {OutOfMemoryReason()}", target, inner);

    /// <summary>Why the kernel may have said ENOMEM and what to do, for <see cref="OutOfMemory"/> and netlink refusals.</summary>
    public static string OutOfMemoryReason()
    {
        string limit;
        var cg = MemoryCgroup();
        if (cg is var (path, max, usage))
            limit = $"this process's memory cgroup ({path}) allows {Show(max / 1024)} KiB and uses {Show(usage / 1024)} KiB, kernel memory included; " +
                    "raise its limit (memory.max, or memory.limit_in_bytes under cgroup v1; MemoryMax= for a systemd service)";
        else
            limit = $"the machine has {MemAvailableKiB() ?? "?"} KiB available (MemAvailable in /proc/meminfo) and this process's memory cgroup sets no limit; free memory or add some";
        return "the kernel could not allocate memory. " + char.ToUpperInvariant(limit[0]) + limit[1..] +
               ". A network namespace takes roughly 50-250 KiB of kernel memory (Slab and Percpu in /proc/meminfo), freed a few seconds after " +
               "its last reference goes: remove namespaces that are no longer needed.";
    }

    /// <summary>The memory cgroup of this process with a limit (v2 memory.max, v1 memory.limit_in_bytes) and its usage; null without one.</summary>
    private static (string Path, ulong Max, ulong Usage)? MemoryCgroup()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/cgroup"))
            {
                var parts = line.Split(':', 3);
                if (parts.Length != 3) continue;
                string dir, maxFile, usageFile;
                if (parts[0] == "0" && parts[1].Length == 0 && File.Exists("/sys/fs/cgroup/cgroup.controllers"))
                    (dir, maxFile, usageFile) = ("/sys/fs/cgroup" + parts[2], "memory.max", "memory.current");
                else if (parts[1].Split(',').Contains("memory"))
                    (dir, maxFile, usageFile) = ("/sys/fs/cgroup/memory" + parts[2], "memory.limit_in_bytes", "memory.usage_in_bytes");
                else continue;
                var max = File.ReadAllText(Path.Combine(dir, maxFile)).Trim();
                if (!ulong.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m >= 1UL << 62) return null; // "max": no limit
                ulong.TryParse(File.ReadAllText(Path.Combine(dir, usageFile)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var u);
                return (parts[2], m, u);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    private static string? MemAvailableKiB()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)) return line[13..].Trim().Split(' ')[0];
        }
        catch (IOException) { }
        return null;
    }

    /// <summary>Whether <paramref name="ex"/> is .NET's IOException for EMFILE or ENFILE (its HResult is the errno on Unix).</summary>
    public static bool IsOutOfDescriptors(Exception ex)
        => ex is IOException { HResult: (int)Errno.EMFILE or (int)Errno.ENFILE };

    /// <summary>Throws TooManyOpenFiles when <paramref name="ex"/> is an IOException for EMFILE or ENFILE; returns otherwise.</summary>
    public static void ThrowIfOutOfDescriptors(Exception ex, string what, object? target = null)
    {
        if (IsOutOfDescriptors(ex)) throw TooManyOpenFiles((Errno)ex.HResult, what, target, ex);
    }

    /// <summary>
    /// Starts <paramref name="thread"/>. .NET reports any refusal to create the OS thread as OutOfMemoryException; it
    /// becomes TooManyOpenFiles when the process is out of descriptors at that moment (creating a thread needs some),
    /// else ThreadStartFailed with the thread count and the limits that apply.
    /// </summary>
    public static void StartThread(Thread thread, string what, object? target = null)
    {
        try { thread.Start(); }
        catch (Exception ex) when (ex is OutOfMemoryException or ThreadStartException)
        {
            throw ThreadStartFailed(what, target, ex);
        }
    }

    internal static NetnsException ThreadStartFailed(string what, object? target, Exception inner)
    {
        var message = $"Cannot start a thread for {what}";
        int fd = Libc.Open("/", Libc.O_RDONLY | Libc.O_PATH | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            var e = Sys.LastErrno();
            if (e is Errno.EMFILE or Errno.ENFILE) return TooManyOpenFiles(e, message, target, inner);
        }
        else Libc.Close(fd);
        string threads = "?";
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("Threads:", StringComparison.Ordinal)) { threads = line[8..].Trim(); break; }
        }
        catch (IOException) { }
        return new NetnsException(ErrorIds.ThreadStartFailed, Errno.EAGAIN,
            $"{message}: the system refused a new thread ({inner.GetType().Name}; this process has {threads} threads). " +
            "Limits that apply: `ulimit -u` (processes and threads of the user), /proc/sys/kernel/threads-max, the cgroup's pids.max, " +
            "and memory for the thread's stack.", target, inner);
    }
}
