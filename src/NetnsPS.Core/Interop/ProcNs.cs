namespace NetnsPS.Core.Interop;

/// <summary>The /proc/PID/ns/net magic links: which network namespace (by inode) a process or thread is in.</summary>
public static class ProcNs
{
    /// <summary>Parses the "net:[4026531840]" link text of a ns/net magic link.</summary>
    public static unsafe bool TryReadNetInode(string path, out ulong inode)
    {
        byte* buf = stackalloc byte[64];
        nint n = Libc.ReadLink(path, buf, 64);
        inode = 0;
        if (n <= 0) return false;
        return TryParseLink(new ReadOnlySpan<byte>(buf, (int)n), out inode);
    }

    public static bool TryParseLink(ReadOnlySpan<byte> link, out ulong inode)
    {
        inode = 0;
        ReadOnlySpan<byte> prefix = "net:["u8;
        if (!link.StartsWith(prefix) || link.Length < prefix.Length + 2 || link[^1] != (byte)']') return false;
        var digits = link[prefix.Length..^1];
        ulong v = 0;
        foreach (var b in digits)
        {
            if (b < '0' || b > '9' || v > (ulong.MaxValue - 9) / 10) return false;
            v = v * 10 + (ulong)(b - '0');
        }
        inode = v;
        return true;
    }
}
