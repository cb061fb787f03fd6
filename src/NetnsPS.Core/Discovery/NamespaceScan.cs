using System.Text;
using NetnsPS.Core.Interop;

namespace NetnsPS.Core.Discovery;

/// <summary>A network namespace seen by a system-wide scan: processes in it, nsfs mounts of it, and a path to open it by.</summary>
public sealed class ScannedNamespace
{
    internal ScannedNamespace(ulong inode) => Inode = inode;

    public ulong Inode { get; }

    /// <summary>Processes with at least one thread in the namespace, ascending.</summary>
    public SortedSet<int> ProcessIds { get; } = new();

    /// <summary>Mount points of nsfs mounts of the namespace in our mount namespace (/proc/self/mountinfo), ascending (ordinal).</summary>
    public List<string> MountPaths { get; } = new();

    /// <summary>
    /// A file that opens the namespace: a mount outside /run/netns (else any mount), else /proc/PID/ns/net of the
    /// lowest process id (or /proc/PID/task/TID/ns/net when only a thread of it is in the namespace).
    /// </summary>
    public string Path => MountPaths.FirstOrDefault(p => !p.StartsWith(NamespaceScan.RunDir + "/", StringComparison.Ordinal))
        ?? MountPaths.FirstOrDefault() ?? ProcessPath ?? string.Empty;

    internal string? ProcessPath { get; set; }
    internal int ProcessPathPid { get; set; } = int.MaxValue;
}

/// <summary>
/// Every network namespace visible from here, named or not: /proc/PID/task/TID/ns/net of every thread and every
/// nsfs mount of /proc/self/mountinfo. Processes that vanish (or cannot be read) while scanning are skipped.
/// </summary>
public static class NamespaceScan
{
    /// <summary>Where names live (ip netns and Namespaces/NamespaceStore): mounts below it are names, not paths.</summary>
    public const string RunDir = "/run/netns";

    /// <summary>inode → what was found about it.</summary>
    public static Dictionary<ulong, ScannedNamespace> Scan()
    {
        var map = new Dictionary<ulong, ScannedNamespace>();
        foreach (var pid in ProcScanner.EnumeratePids())
        {
            foreach (var (ino, path) in ProcScanner.ThreadNamespaces(pid))
            {
                var s = Get(map, ino);
                s.ProcessIds.Add(pid);
                if (pid < s.ProcessPathPid) { s.ProcessPathPid = pid; s.ProcessPath = path; }
            }
        }
        foreach (var (ino, mountPoint) in NsfsMounts())
        {
            var s = Get(map, ino);
            if (!s.MountPaths.Contains(mountPoint)) s.MountPaths.Add(mountPoint);
        }
        foreach (var s in map.Values) s.MountPaths.Sort(StringComparer.Ordinal);
        return map;
    }

    private static ScannedNamespace Get(Dictionary<ulong, ScannedNamespace> map, ulong ino)
    {
        if (!map.TryGetValue(ino, out var s)) map[ino] = s = new ScannedNamespace(ino);
        return s;
    }

    /// <summary>Inode of the initial (host) network namespace: that of PID 1; when PID 1 cannot be read, that of kthreadd (PID 2), a kernel thread always in the initial namespace.</summary>
    public static ulong? InitNamespaceInode()
    {
        if (ProcNs.TryReadNetInode("/proc/1/ns/net", out ulong ino)) return ino;
        if (ProcScanner.Comm(2) == "kthreadd" && ProcNs.TryReadNetInode("/proc/2/ns/net", out ino)) return ino;
        return null;
    }

    /// <summary>Inode of the caller's own network namespace (the one "" stands for).</summary>
    public static ulong? CurrentNamespaceInode()
        => ProcNs.TryReadNetInode("/proc/thread-self/ns/net", out ulong ino) ? ino : null;

    /// <summary>(inode, mount point) of every nsfs mount of a network namespace in /proc/self/mountinfo.</summary>
    public static List<(ulong Inode, string MountPoint)> NsfsMounts(string mountInfoPath = "/proc/self/mountinfo")
    {
        var result = new List<(ulong, string)>();
        string[] lines;
        try { lines = File.ReadAllLines(mountInfoPath); }
        catch (IOException ex) { Limits.ThrowIfOutOfDescriptors(ex, $"Cannot read {mountInfoPath}", mountInfoPath); return result; }
        foreach (var line in lines)
            if (TryParseMountInfoLine(line, out ulong ino, out var mp)) result.Add((ino, mp));
        return result;
    }

    /// <summary>
    /// One line of mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS".
    /// For nsfs the root is "net:[INODE]"; the mount point has octal escapes (\040 for a space...).
    /// </summary>
    public static bool TryParseMountInfoLine(string line, out ulong inode, out string mountPoint)
    {
        inode = 0; mountPoint = string.Empty;
        var f = line.Split(' ');
        if (f.Length < 7) return false;
        int sep = Array.IndexOf(f, "-", 6);
        if (sep < 0 || sep + 1 >= f.Length || f[sep + 1] != "nsfs") return false;
        if (!ProcNs.TryParseLink(Encoding.ASCII.GetBytes(f[3]), out inode)) return false;
        mountPoint = Unescape(f[4]);
        return true;
    }

    /// <summary>Decodes the \NNN octal escapes the kernel writes for space, tab, newline and backslash.</summary>
    public static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var bytes = new List<byte>(s.Length);
        var raw = Encoding.UTF8.GetBytes(s);
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] == (byte)'\\' && i + 3 < raw.Length
                && IsOctal(raw[i + 1]) && IsOctal(raw[i + 2]) && IsOctal(raw[i + 3]))
            {
                bytes.Add((byte)(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0')));
                i += 3;
            }
            else bytes.Add(raw[i]);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(byte b) => b >= '0' && b <= '7';
}
