using System.Buffers.Binary;
using System.Diagnostics;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Namespaces;

[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]

namespace NetnsPS.Core.Tests;

/// <summary>Base of the test classes that make namespaces: one <see cref="NamespaceFixture"/> per class (Fx).</summary>
public abstract class NamespaceTests : Xunit.IClassFixture<NamespaceFixture>
{
    protected NamespaceTests(NamespaceFixture fx) => Fx = fx;

    /// <summary>Unique names and the cleanup of this class's namespaces.</summary>
    protected NamespaceFixture Fx { get; }
}

/// <summary>Netlink bytes written by hand for the wire tests.</summary>
internal static class WireBytes
{
    /// <summary>One attribute: length, type, value, zero padding to 4 bytes.</summary>
    public static byte[] Attr(ushort type, byte[] value)
    {
        var a = new byte[Nl.Align(4 + value.Length)];
        BinaryPrimitives.WriteUInt16LittleEndian(a, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(a.AsSpan(2), type);
        value.CopyTo(a, 4);
        return a;
    }
}

/// <summary>Unique names, the independent `ip` oracle, and cleanup of everything a test made.</summary>
public sealed class NamespaceFixture : IDisposable
{
    public string Prefix { get; } = "nnx" + Guid.NewGuid().ToString("N")[..6] + "-";

    public string Name(string suffix) => Prefix + suffix;

    public static (int Code, string Out, string Err) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, o.Result, e.Result);
    }

    public static string Ip(params string[] args)
    {
        var (code, o, e) = Run("ip", args);
        if (code != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)}: {e}");
        return o;
    }

    /// <summary>Names `ip netns list` shows (first word of each line).</summary>
    public static HashSet<string> IpNetnsList()
        => Ip("netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToHashSet();

    /// <summary>Inode of a path as `stat -L -c %i` prints it.</summary>
    public static ulong StatInode(string path) => ulong.Parse(Run("stat", "-L", "-c", "%i", path).Out.Trim());

    public static bool IsNsfsMount(string path)
        => File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Any(f => f.Length > 4 && f[4] == path && l_has_nsfs(f));

    private static bool l_has_nsfs(string[] f) => Array.IndexOf(f, "nsfs") > 4;

    public void Dispose()
    {
        if (!Directory.Exists(NamespaceStore.RunDir)) return;
        foreach (var p in Directory.GetFiles(NamespaceStore.RunDir, Prefix + "*"))
            Run("ip", "netns", "delete", Path.GetFileName(p));
    }
}
