using System.Text;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Discovery;

/// <summary>
/// Which processes are in which network namespace: reads /proc/PID/task/TID/ns/net for every thread of
/// every process (a process whose threads sit in different namespaces is counted in each of them). This module's own
/// program launcher threads (<see cref="LauncherThreads"/>) are left out: they keep no namespace alive
/// once released, and Remove-NetNamespace releases them before it looks.
/// </summary>
public static class ProcScanner
{
    /// <summary>Namespace inode -> ids of processes with at least one thread in it.</summary>
    public static Dictionary<ulong, SortedSet<int>> ScanByInode()
    {
        var map = new Dictionary<ulong, SortedSet<int>>();
        foreach (var pid in EnumeratePids())
        {
            foreach (var ino in ThreadNamespaceInodes(pid))
            {
                if (!map.TryGetValue(ino, out var set)) map[ino] = set = new SortedSet<int>();
                set.Add(pid);
            }
        }
        return map;
    }

    /// <summary>Processes with at least one thread in the namespace with this inode.</summary>
    public static IReadOnlyCollection<int> ProcessesIn(ulong inode)
    {
        var result = new SortedSet<int>();
        foreach (var pid in EnumeratePids())
            foreach (var ino in ThreadNamespaceInodes(pid))
                if (ino == inode) { result.Add(pid); break; }
        return result;
    }

    public static IEnumerable<int> EnumeratePids()
    {
        using var dirs = Open().GetEnumerator();
        while (true)
        {
            // Out of descriptors, /proc cannot be read: a clear error, not a raw IOException (nor an empty list).
            try { if (!dirs.MoveNext()) yield break; }
            catch (IOException ex) { Limits.ThrowIfOutOfDescriptors(ex, "Cannot read /proc", "/proc"); throw; }
            var name = dirs.Current.AsSpan(6);
            if (name.Length > 0 && char.IsAsciiDigit(name[0]) && int.TryParse(name, out int pid)) yield return pid;
        }

        static IEnumerable<string> Open()
        {
            try { return Directory.EnumerateDirectories("/proc"); }
            catch (IOException ex) { Limits.ThrowIfOutOfDescriptors(ex, "Cannot read /proc", "/proc"); throw; }
        }
    }

    /// <summary>Distinct namespace inodes of the threads of a process (empty when it is gone or unreadable).</summary>
    public static IEnumerable<ulong> ThreadNamespaceInodes(int pid)
    {
        IEnumerable<string> tasks;
        try { tasks = Directory.GetDirectories($"/proc/{pid}/task"); }
        catch (IOException ex) { Limits.ThrowIfOutOfDescriptors(ex, $"Cannot read /proc/{pid}/task", pid); yield break; }
        catch (UnauthorizedAccessException) { yield break; }
        ulong last = 0;
        HashSet<ulong>? seen = null;
        bool self = pid == Environment.ProcessId;
        foreach (var task in tasks)
        {
            if (self && IsOwnLauncher(task)) continue;
            if (!ProcNs.TryReadNetInode(task + "/ns/net", out ulong ino)) continue;
            if (ino == last) continue;
            if (last != 0)
            {
                seen ??= new HashSet<ulong> { last };
                if (!seen.Add(ino)) continue;
            }
            last = ino;
            yield return ino;
        }
    }

    /// <summary>
    /// Distinct namespaces of the threads of a process, each with a path that opens it: /proc/PID/ns/net when the
    /// main thread is in it, else /proc/PID/task/TID/ns/net of the first thread found in it. Empty when the process is gone.
    /// </summary>
    public static List<(ulong Inode, string Path)> ThreadNamespaces(int pid)
    {
        var result = new List<(ulong, string)>(1);
        string[] tasks;
        try { tasks = Directory.GetDirectories($"/proc/{pid}/task"); }
        catch (IOException ex) { Limits.ThrowIfOutOfDescriptors(ex, $"Cannot read /proc/{pid}/task", pid); return result; }
        catch (UnauthorizedAccessException) { return result; }
        string leader = $"/proc/{pid}/task/{pid}";
        bool self = pid == Environment.ProcessId;
        foreach (var task in tasks)
        {
            if (self && IsOwnLauncher(task)) continue;
            if (!ProcNs.TryReadNetInode(task + "/ns/net", out ulong ino)) continue;
            int at = result.FindIndex(r => r.Item1 == ino);
            string path = task == leader ? $"/proc/{pid}/ns/net" : task + "/ns/net";
            if (at < 0) result.Add((ino, path));
            else if (task == leader) result[at] = (ino, path);
        }
        return result;
    }

    /// <summary>True for /proc/SELF/task/TID of one of this module's launcher threads.</summary>
    private static bool IsOwnLauncher(string taskDir)
        => int.TryParse(Path.GetFileName(taskDir.AsSpan()), out int tid) && LauncherThreads.Contains(tid);

    /// <summary>The command name of a process (for messages).</summary>
    public static string? Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm", Encoding.UTF8).TrimEnd('\n'); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
