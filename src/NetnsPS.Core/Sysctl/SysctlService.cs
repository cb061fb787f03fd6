using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Sysctl;

/// <summary>
/// net.* sysctls of a namespace, read and written through /proc/sys/net from a thread inside it
/// (/proc/sys/net shows the namespace of the task that opens the file).
/// </summary>
public static class SysctlService
{
    /// <summary>
    /// The dotted name of a sysctl given either way sysctl(8) accepts: "net.ipv4.ip_forward" or "net/ipv4/ip_forward".
    /// As in procps (slashdot), the first separator decides: when it is '/', the name is in path form, where dots are
    /// part of a level (net/ipv4/conf/eth0.1/forwarding), and '.' and '/' swap to give the dotted form, where such a dot
    /// is written '/' (net.ipv4.conf.eth0/1.forwarding). Wildcard patterns convert the same way.
    /// </summary>
    public static string Normalize(string name)
    {
        int first = name.IndexOfAny(s_separators);
        return first < 0 || name[first] == '.' ? name : SwapSeparators(name);
    }

    /// <summary>'.' and '/' swapped: the dotted form of a path-form name, and the path form of a dotted one.</summary>
    public static string SwapSeparators(string name)
        => string.Create(name.Length, name, static (span, n) =>
        {
            for (int i = 0; i < n.Length; i++) span[i] = n[i] switch { '.' => '/', '/' => '.', var c => c };
        });

    /// <summary>The dotted names of every file under /proc/sys/net as seen inside <paramref name="ctx"/> (for completion).</summary>
    public static List<string> ListNames(NamespaceContext ctx)
        => SharedNamespaceThread.InvokeIn(ctx.Handle, () =>
            Directory.EnumerateFiles("/proc/sys/net", "*", SearchOption.AllDirectories).Select(NameOf).OrderBy(n => n, StringComparer.Ordinal).ToList());

    private static readonly char[] s_separators = { '.', '/' };

    public static string PathOf(string name)
    {
        name = Normalize(name);
        if (!name.StartsWith("net.", StringComparison.Ordinal))
            throw new NetnsException(ErrorIds.InvalidSysctlName, Errno.EINVAL, $"'{name}' is not a net.* sysctl (only the per-namespace net tree is supported).", name);
        // Dots separate levels; interface names with dots are written with '/' (as sysctl(8) accepts).
        var parts = name.Split('.');
        if (parts.Any(p => p.Length == 0))
            throw new NetnsException(ErrorIds.InvalidSysctlName, Errno.EINVAL, $"Invalid sysctl name '{name}'.", name);
        return "/proc/sys/" + string.Join('/', parts.Select(p => p.Replace('/', '.')));
    }

    public static string NameOf(string path) => string.Join('.', path["/proc/sys/".Length..].Split('/').Select(p => p.Replace('.', '/')));

    /// <summary>Every sysctl file under net/ whose dotted name matches <paramref name="match"/> (inside the namespace).</summary>
    public static List<(string Name, string Value)> Read(NamespaceContext ctx, Func<string, bool> match, string? literal)
        => SharedNamespaceThread.InvokeIn(ctx.Handle, () =>
        {
            var result = new List<(string, string)>();
            if (literal is not null)
            {
                var path = PathOf(literal);
                try { result.Add((Normalize(literal), File.ReadAllText(path).TrimEnd('\n'))); }
                catch (FileNotFoundException) { throw NotFound(literal, ctx); }
                catch (DirectoryNotFoundException) { throw NotFound(literal, ctx); }
                return result;
            }
            foreach (var path in Directory.EnumerateFiles("/proc/sys/net", "*", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
            {
                var name = NameOf(path);
                if (!match(name)) continue;
                try { result.Add((name, File.ReadAllText(path).TrimEnd('\n'))); }
                catch (IOException ex) { Limits.ThrowIfOutOfDescriptors(ex, $"Cannot read {path}", name); } // write-only or vanished entries
                catch (UnauthorizedAccessException) { }
            }
            return result;
        });

    public static string Write(NamespaceContext ctx, string name, string value)
    {
        var path = PathOf(name);
        return SharedNamespaceThread.InvokeIn(ctx.Handle, () =>
        {
            if (!File.Exists(path)) throw NotFound(name, ctx);
            try { File.WriteAllText(path, value + "\n"); }
            catch (IOException ex)
            {
                Limits.ThrowIfOutOfDescriptors(ex, $"Cannot open {path}", name);
                throw new NetnsException(ErrorIds.SysctlWriteFailed, Errno.EINVAL,
                    $"Cannot set {name} = '{value}' in {ctx.DisplayName}: {ex.Message}", name, ex);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new NetnsException(ErrorIds.SysctlWriteFailed, Errno.EACCES, $"Cannot set {name} in {ctx.DisplayName}: {ex.Message}", name, ex);
            }
            return File.ReadAllText(path).TrimEnd('\n');
        });
    }

    private static NetnsException NotFound(string name, NamespaceContext ctx)
        => new(ErrorIds.SysctlNotFound, Errno.ENOENT, $"No sysctl '{name}' in {ctx.Description}.", name);
}
