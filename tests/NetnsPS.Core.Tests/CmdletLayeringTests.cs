using System.Text.RegularExpressions;
using Xunit;

namespace NetnsPS.Core.Tests;

/// <summary>
/// The cmdlets (src/NetnsPS) stay thin: no netlink or libc layer, no wire constants, no raw sockets; they call the
/// Core services (docs/ARCHITECTURE.md). Limits: a text scan of src/NetnsPS/**/*.cs with regular expressions, not a
/// compiler: it sees the usings and the names below, not a type reached through `var` from a service's return value
/// (the link records AdapterService hands out are Core.Netlink.Rtnl.LinkInfo, which the cmdlets may name and pass
/// back, nothing else of Core.Netlink), nor reflection. No file is excepted: address text is parsed by
/// IpPrefix (Model/), the capability check is Namespaces/Capabilities.
/// </summary>
public class CmdletLayeringTests
{
    private const string UsingNetlink = "using NetnsPS.Core.Netlink*";
    private const string UsingInterop = "using NetnsPS.Core.Interop";
    private const string NetlinkName = "Core.Netlink.* other than LinkInfo";
    private const string InteropName = "Core.Interop.*";
    private const string WireConstant = "wire constants or syscalls (Ifla, Ifa, Nl, Nda, Rta, Rtn, Af, Libc)";
    private const string Codec = "netlink codecs (Links, NsIds, Routes, Neighbors, Addresses, NftMessages)";

    private static readonly (string What, Regex Pattern)[] Forbidden =
    {
        (UsingNetlink, new Regex(@"^\s*using\s+NetnsPS\.Core\.Netlink", RegexOptions.Multiline)),
        (UsingInterop, new Regex(@"^\s*using\s+NetnsPS\.Core\.Interop", RegexOptions.Multiline)),
        (NetlinkName, new Regex(@"^(?!\s*using\b).*?Core\.Netlink\.(?!Rtnl\.LinkInfo\b)", RegexOptions.Multiline)),
        (InteropName, new Regex(@"^(?!\s*using\b).*?Core\.Interop\.", RegexOptions.Multiline)),
        (WireConstant, new Regex(@"(?<![\w.])(Ifla|Ifa|Nl|Nda|Rta|Rtn|Af|Libc)\.[A-Z_]")),
        (Codec, new Regex(@"(?<![\w.])(Links|NsIds|Routes|Neighbors|Addresses|NftMessages)\.[A-Z]")),
        ("NetlinkSocket", new Regex(@"\bNetlinkSocket\b")),
        ("signals (ProcessKiller)", new Regex(@"\bProcessKiller\b")),
    };

    [Fact]
    public void CmdletsUseNoNetlinkInteropOrWireConstants()
    {
        var root = ErrorIdTests.RepoRoot();
        var bad = new List<string>();
        foreach (var file in ErrorIdTests.SourceFiles(Path.Combine("src", "NetnsPS")))
        {
            var rel = Path.GetRelativePath(root, file).Replace('\\', '/');
            var text = File.ReadAllText(file);
            foreach (var (what, pattern) in Forbidden)
            {
                var m = pattern.Match(text);
                if (!m.Success) continue;
                int line = text[..m.Index].Count(c => c == '\n') + 1;
                bad.Add($"{rel}:{line}: {what}: '{m.Value.Trim()}' (call a Core service)");
            }
        }
        Assert.True(bad.Count == 0, "cmdlets reaching below the services:\n" + string.Join("\n", bad));
    }

    [Fact]
    public void ThePatternsSeeWhatTheyForbid()
    {
        bool Hit(string what, string code) => Forbidden.Single(f => f.What == what).Pattern.IsMatch(code);
        Assert.True(Hit(UsingNetlink, "using NetnsPS.Core.Netlink.Rtnl;"));
        Assert.True(Hit(UsingInterop, "using NetnsPS.Core.Interop;"));
        Assert.True(Hit(WireConstant, "AddressService.ListAddresses(ctx, Af.Parse(AddressFamily))"));
        Assert.False(Hit(WireConstant, "AddressService.ListAddresses(ctx, IpPrefix.ParseFamily(AddressFamily))"));
        Assert.True(Hit(NetlinkName, "foreach (var l in Core.Netlink.Rtnl.Links.Dump(s))"));
        Assert.False(Hit(NetlinkName, "void RememberPeer(NamespaceContext ctx, Core.Netlink.Rtnl.LinkInfo link)"));
        Assert.True(Hit(WireConstant, "x = Ifla.MACVLAN_MODE_BRIDGE;"));
        Assert.True(Hit(Codec, "NsIds.Get(from.Socket, h)"));
        Assert.False(Hit(Codec, "def.Links.Count"));
    }
}
