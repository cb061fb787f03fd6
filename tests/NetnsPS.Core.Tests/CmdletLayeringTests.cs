using System.Text.RegularExpressions;
using Xunit;

namespace NetnsPS.Core.Tests;

/// <summary>
/// The cmdlets (src/NetnsPS) stay thin: no netlink or libc layer, no wire constants, no raw sockets; they call the
/// Core services (docs/ARCHITECTURE.md). Limits: a text scan of src/NetnsPS/**/*.cs with regular expressions, not a
/// compiler: it sees the usings and the names below, not a type reached through `var` from a service's return value
/// (the link records AdapterService hands out are Core.Netlink.Rtnl.LinkInfo, which the cmdlets may name and pass
/// back, nothing else of Core.Netlink), nor reflection. The known remainders are listed in <see cref="Remaining"/>
/// with the reason; the test also fails when one of them is gone, so the list only shrinks.
/// </summary>
public class CmdletLayeringTests
{
    private static readonly (string What, Regex Pattern)[] Forbidden =
    {
        ("using NetnsPS.Core.Netlink*", new Regex(@"^\s*using\s+NetnsPS\.Core\.Netlink", RegexOptions.Multiline)),
        ("using NetnsPS.Core.Interop", new Regex(@"^\s*using\s+NetnsPS\.Core\.Interop", RegexOptions.Multiline)),
        ("Core.Netlink.* other than LinkInfo", new Regex(@"^(?!\s*using\b).*?Core\.Netlink\.(?!Rtnl\.LinkInfo\b)", RegexOptions.Multiline)),
        ("Core.Interop.*", new Regex(@"^(?!\s*using\b).*?Core\.Interop\.", RegexOptions.Multiline)),
        ("Ifla./Ifa./Nl./Libc. wire constants or syscalls", new Regex(@"(?<![\w.])(Ifla|Ifa|Nl|Nda|Rta|Rtn|Af|Libc)\.[A-Z_]")),
        ("Links./NsIds./Routes./Neighbors./Addresses. netlink codecs", new Regex(@"(?<![\w.])(Links|NsIds|Routes|Neighbors|Addresses|NftMessages)\.[A-Z]")),
        ("NetlinkSocket", new Regex(@"\bNetlinkSocket\b")),
        ("signals (ProcessKiller)", new Regex(@"\bProcessKiller\b")),
    };

    /// <summary>File → what it may still do, and why (each is work left for issue 17 step 2).</summary>
    private static readonly Dictionary<string, (string What, string Why)[]> Remaining = new()
    {
        ["src/NetnsPS/NetnsCmdlet.cs"] = new[] { ("using NetnsPS.Core.Interop", "Privileges.Has: the one capability check of RequireSysAdmin/RequireNetAdmin") },
        ["src/NetnsPS/Commands/AddressCommands.cs"] = new[] { ("using NetnsPS.Core.Netlink*", "IpPrefix/Af address text parsing lives in Netlink/Rtnl"), ("Ifla./Ifa./Nl./Libc. wire constants or syscalls", "Af.Parse/Of/Bits: address families") },
        ["src/NetnsPS/Commands/NatCommands.cs"] = new[] { ("using NetnsPS.Core.Netlink*", "IpPrefix address text parsing lives in Netlink/Rtnl") },
        ["src/NetnsPS/Commands/NeighborCommands.cs"] = new[] { ("using NetnsPS.Core.Netlink*", "IpPrefix/Af address parsing lives in Netlink/Rtnl"), ("Ifla./Ifa./Nl./Libc. wire constants or syscalls", "Nda.ParseState, Af.Parse/Of: state names, address families") },
        ["src/NetnsPS/Commands/RouteCommands.cs"] = new[] { ("using NetnsPS.Core.Netlink*", "IpPrefix/Af address text parsing lives in Netlink/Rtnl"), ("Ifla./Ifa./Nl./Libc. wire constants or syscalls", "Af.Parse/Of/INET: address families") },
        ["src/NetnsPS/Commands/TestNetNamespaceConnectionCommand.cs"] = new[] { ("using NetnsPS.Core.Netlink*", "IpPrefix address text parsing lives in Netlink/Rtnl") },
    };

    [Fact]
    public void CmdletsUseNoNetlinkInteropOrWireConstants()
    {
        var root = ErrorIdTests.RepoRoot();
        var bad = new List<string>();
        var used = new HashSet<string>();
        foreach (var file in ErrorIdTests.SourceFiles(Path.Combine("src", "NetnsPS")))
        {
            var rel = Path.GetRelativePath(root, file).Replace('\\', '/');
            var text = File.ReadAllText(file);
            foreach (var (what, pattern) in Forbidden)
            {
                var m = pattern.Match(text);
                if (!m.Success) continue;
                if (Remaining.TryGetValue(rel, out var allowed) && allowed.Any(a => a.What == what)) { used.Add(rel + "|" + what); continue; }
                int line = text[..m.Index].Count(c => c == '\n') + 1;
                bad.Add($"{rel}:{line}: {what}: '{m.Value.Trim()}' (call a Core service instead)");
            }
        }
        var gone = Remaining.SelectMany(kv => kv.Value.Select(a => kv.Key + "|" + a.What)).Where(k => !used.Contains(k)).ToList();
        Assert.True(bad.Count == 0, "cmdlets reaching below the services:\n" + string.Join("\n", bad));
        Assert.True(gone.Count == 0, "no longer needed, remove from Remaining: " + string.Join(", ", gone));
    }

    [Fact]
    public void ThePatternsSeeWhatTheyForbid()
    {
        bool Hit(string what, string code) => Forbidden.Single(f => f.What == what).Pattern.IsMatch(code);
        Assert.True(Hit("using NetnsPS.Core.Netlink*", "using NetnsPS.Core.Netlink.Rtnl;"));
        Assert.True(Hit("Core.Netlink.* other than LinkInfo", "Core.Netlink.Rtnl.Links.Dump(s)"));
        Assert.False(Hit("Core.Netlink.* other than LinkInfo", "Core.Netlink.Rtnl.LinkInfo link"));
        Assert.True(Hit("Ifla./Ifa./Nl./Libc. wire constants or syscalls", "x = Ifla.MACVLAN_MODE_BRIDGE;"));
        Assert.True(Hit("Links./NsIds./Routes./Neighbors./Addresses. netlink codecs", "NsIds.Get(from.Socket, h)"));
        Assert.False(Hit("Links./NsIds./Routes./Neighbors./Addresses. netlink codecs", "def.Links.Count"));
    }
}
