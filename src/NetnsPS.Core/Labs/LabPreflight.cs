using System.Net;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Addressing;
using NetnsPS.Core.Diagnostics;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Core.Labs;

/// <summary>What a host answered to the preflight: its problems (none = ready), the underlay adapter's MTU, the VNIs in use.</summary>
public sealed class LabPreflightResult
{
    public string[] Problems { get; init; } = Array.Empty<string>();
    public int UnderlayMtu { get; init; }
    public uint[] UsedVnis { get; init; } = Array.Empty<uint>();
}

/// <summary>
/// The checks a host of a spanning lab passes before anything is made on any host; they change nothing. Root
/// (CAP_SYS_ADMIN and CAP_NET_ADMIN), vxlan in the kernel (a create request the kernel must refuse for its VNI: an
/// unknown kind is refused before that), the underlay address on an adapter of the underlay namespace (its MTU is the
/// tunnels'), every peer reachable from there (a TCP connect to its ssh port: an answer, even a refusal, proves the
/// path; no ping), the lab's names free (no namespace, no state file), and the VNIs in use (vxlan adapters there, and
/// the tunnels of other labs' state files, which live in those labs' namespaces).
/// </summary>
public static class LabPreflight
{
    public static LabPreflightResult Check(string prefix, string[] namespaces, string underlay, string underlayNamespace,
        string[] peers, int vxlanPort, double peerTimeoutSeconds = 3)
    {
        var problems = new List<string>();
        foreach (var (cap, name) in new[] { (Privileges.CAP_SYS_ADMIN, "CAP_SYS_ADMIN"), (Privileges.CAP_NET_ADMIN, "CAP_NET_ADMIN") })
            if (!Privileges.Has(cap)) problems.Add($"not root: {name} is missing (run the session as root)");
        foreach (var n in namespaces)
            if (NamespaceStore.Find(prefix + n) is not null) problems.Add($"namespace '{prefix + n}' already exists");
        if (File.Exists(LabStateFile.PathOf(prefix))) problems.Add($"a lab with prefix '{prefix}' already exists ({LabStateFile.PathOf(prefix)})");

        int mtu = 0;
        var used = new HashSet<uint>();
        using var sessions = new NamespaceSessions();
        NamespaceContext? ctx = null;
        try { ctx = sessions.Get(underlayNamespace); }
        catch (NetnsException ex) { problems.Add($"underlay namespace '{underlayNamespace}': {ex.Message}"); }
        if (ctx is not null)
        {
            if (!IPAddress.TryParse(underlay, out var local)) problems.Add($"underlay '{underlay}' is not an address");
            else
            {
                var on = AddressService.ListAddresses(ctx).FirstOrDefault(a => IPAddress.TryParse(a.IPAddress, out var x) && x.Equals(local));
                if (on is null) problems.Add($"no adapter of {ctx.Description} has the underlay address {underlay}");
                else mtu = Netlink.Rtnl.Links.TryGet(ctx.Socket, on.InterfaceIndex)?.Mtu ?? 0;
            }
            if (!VxlanAvailable(ctx, out var why)) problems.Add($"no vxlan: {why}");
            foreach (var l in Netlink.Rtnl.Links.Dump(ctx.Socket, ctx.DisplayName))
                if (l.VxlanId is uint v && (l.VxlanPort ?? AdapterFactory.DefaultVxlanPort) == vxlanPort) used.Add(v);
            foreach (var peer in peers)
            {
                var (address, port) = LabDefinition.ParseEndpoint(peer, 22);
                var r = ConnectionTester.Tcp(ctx.Handle, ctx.DisplayName, address, port, 1, TimeSpan.FromSeconds(peerTimeoutSeconds));
                if (r.Status is not ("Success" or "Refused"))
                    problems.Add($"peer {address} is not reachable from {ctx.Description} (TCP {port}: {r.Status}{(r.Message is null ? "" : $", {r.Message}")})");
            }
        }
        foreach (var lab in LabStateFile.ReadAll())
            if (lab.Definition?.Data.TryGetValue("Tunnels", out var ts) == true && ts is IEnumerable<object?> list)
                foreach (var t in list.OfType<IDictionary<string, object?>>())
                    if (t.TryGetValue("Vni", out var v) && v is not null && Convert.ToInt32(t.TryGetValue("Port", out var p) && p is not null ? p : vxlanPort) == vxlanPort)
                        used.Add(Convert.ToUInt32(v));
        return new LabPreflightResult { Problems = problems.ToArray(), UnderlayMtu = mtu, UsedVnis = used.Order().ToArray() };
    }

    /// <summary>
    /// Asks the kernel to make a vxlan with VNI 2^24: with vxlan there, validation refuses the VNI (ERANGE or EINVAL) and
    /// nothing is made; without it the kind is unknown (EOPNOTSUPP).
    /// </summary>
    public static bool VxlanAvailable(NamespaceContext ctx, out string why)
    {
        var probe = Netlink.Rtnl.Links.NewLinkRequest("nlvxprobe", "vxlan", null, null, null, b => b.AddU32(Ifla.VXLAN_ID, 0x1000000));
        try
        {
            ctx.Socket.Execute(probe, "probe vxlan", new ErrnoMap(ErrorIds.AdapterCreateFailed), "nlvxprobe");
            // Accepted after all (it should not be): take it away again.
            if (Netlink.Rtnl.Links.TryGet(ctx.Socket, "nlvxprobe") is LinkInfo made) AdapterService.Remove(ctx, made);
            why = "";
            return true;
        }
        catch (NetlinkException ex) when (ex.Errno is Errno.ERANGE or Errno.EINVAL)
        {
            why = "";
            return true;
        }
        catch (NetlinkException ex)
        {
            why = ex.Ack.Describe();
            return false;
        }
    }
}
