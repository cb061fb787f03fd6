using System.Diagnostics;
using NetnsPS.Core.Interop;

namespace NetnsPS.Core.Namespaces;

/// <summary>
/// Starts native programs with `ip netns exec` semantics: from a fresh dedicated thread that enters the network
/// namespace, gets a private mount namespace (unshare CLONE_NEWNS|CLONE_FS, / made a slave so nothing propagates
/// back), remounts /sys so it shows the namespace's devices, bind-mounts /etc/netns/NAME/* over /etc/*, and then
/// forks the program. The child inherits all of that; the caller's thread and mounts are never touched, and the
/// prepared thread ends right after the fork, so it can never run other work.
/// </summary>
public static class NetnsExec
{
    public const string EtcNetns = "/etc/netns";

    /// <summary>Starts <paramref name="psi"/> inside the named namespace; returns the started process.</summary>
    public static Process Start(string name, ProcessStartInfo psi)
    {
        NamespaceStore.ValidateName(name);
        ThreadHygiene.WarmUp();
        using var ns = NamespaceHandle.Open(NamespaceStore.PathOf(name), name);
        Process? process = null;
        Exception? failure = null;
        var t = new Thread(() =>
        {
            try
            {
                Prepare(name, ns);
                process = Process.Start(psi) ?? throw new NetnsException("ProcessStartFailed", Errno.EIO, $"'{psi.FileName}' did not start.", psi.FileName);
            }
            catch (Exception ex) { failure = ex; }
            // The thread ends here, still inside the namespace and its private mount namespace: it is discarded.
        }) { IsBackground = true, Name = $"NetnsPS exec {name}" };
        t.Start();
        t.Join();
        if (failure is NetnsException) throw failure;
        if (failure is System.ComponentModel.Win32Exception w)
            throw new NetnsException("ProgramNotFound", Errno.ENOENT, $"Cannot run '{psi.FileName}' in network namespace '{name}': {w.Message}", psi.FileName, w);
        if (failure is not null)
            throw new NetnsException("ProcessStartFailed", Errno.EIO, $"Cannot run '{psi.FileName}' in network namespace '{name}': {failure.Message}", psi.FileName, failure);
        return process!;
    }

    /// <summary>Makes the calling thread look like `ip netns exec NAME` to anything it forks.</summary>
    public static void Prepare(string name, NamespaceHandle ns)
    {
        if (Libc.SetNs(ns, Libc.CLONE_NEWNET) != 0)
            throw Sys.Error("NamespaceEnterFailed", $"Cannot enter network namespace '{name}'", name);
        if (Libc.Unshare(Libc.CLONE_NEWNS | Libc.CLONE_FS) != 0)
            throw Sys.Error("MountNamespaceFailed", "unshare(CLONE_NEWNS)", name);
        // Nothing mounted below may propagate back to the caller's mount namespace.
        if (Libc.Mount("", "/", "none", Libc.MS_SLAVE | Libc.MS_REC, 0) != 0)
            throw Sys.Error("MountNamespaceFailed", "mount --make-rslave /", name);
        bool readOnly = SysIsReadOnly();
        if (Libc.Umount2("/sys", Libc.MNT_DETACH) != 0 && Sys.LastErrno() != Errno.EINVAL)
            throw Sys.Error("MountNamespaceFailed", "umount /sys", name);
        if (Libc.Mount(name, "/sys", "sysfs", readOnly ? MS_RDONLY : 0, 0) != 0)
            throw Sys.Error("MountNamespaceFailed", "mount sysfs on /sys", name);
        BindEtc(name);
    }

    private const ulong MS_RDONLY = 1;

    private static bool SysIsReadOnly()
    {
        foreach (var line in File.ReadLines("/proc/thread-self/mountinfo"))
        {
            var f = line.Split(' ');
            if (f.Length > 5 && f[4] == "/sys") return f[5].Split(',').Contains("ro");
        }
        return false;
    }

    /// <summary>Bind /etc/netns/NAME/x over /etc/x for every x that exists in both (as iproute2 does).</summary>
    private static void BindEtc(string name)
    {
        var dir = Path.Combine(EtcNetns, name);
        if (!Directory.Exists(dir)) return;
        foreach (var src in Directory.EnumerateFileSystemEntries(dir))
        {
            var dst = Path.Combine("/etc", Path.GetFileName(src));
            if (!File.Exists(dst) && !Directory.Exists(dst)) continue; // iproute2 skips (with a warning) what /etc lacks
            if (Libc.Mount(src, dst, "none", Libc.MS_BIND, 0) != 0)
                throw Sys.Error("MountNamespaceFailed", $"bind {src} on {dst}", name);
        }
    }
}
