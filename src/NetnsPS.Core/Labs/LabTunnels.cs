using NetnsPS.Core.Adapters;
using NetnsPS.Core.Addressing;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Core.Labs;

/// <summary>
/// The stitch steps of a lab part: one per vxlan end (<see cref="LabTunnel"/>). Each runs after the namespace and the
/// bridge it joins exist and before routes (a route's gateway behind the tunnel needs its address): the vxlan is made
/// in the host's own namespace on the underlay (so its UDP socket stays there), with learning off and the all-zero
/// FDB entry (the kernel's default destination) pointing at the peer, then moved into the lab namespace and renamed,
/// then given its addresses or bridge, and set up.
/// </summary>
internal static class LabTunnels
{
    public static IEnumerable<LabPlan.Step> Steps(LabDefinition def, NamespaceSessions sessions, Func<string, string> full)
    {
        foreach (var t in def.Tunnels)
            yield return new LabPlan.Step($"stitch vxlan {t.Vni} {full(t.Namespace)}/{t.Adapter} ({t.Local} -> {t.Remote}, UDP {t.Port}{(t.Mtu is int m ? $", MTU {m}" : "")})",
                () => Stitch(sessions, t, full(t.Namespace)));
    }

    private static void Stitch(NamespaceSessions sessions, LabTunnel t, string ns)
    {
        var host = sessions.Get(t.UnderlayNamespace);
        var ctx = sessions.Get(ns);
        AdapterFactory.Create(sessions, host, new AdapterSpec
        {
            Kind = AdapterKind.Vxlan, Name = t.Device, Vni = t.Vni, Local = t.Local, Remote = t.Remote, Port = t.Port, Mtu = t.Mtu, Learning = false,
        });
        try { AdapterService.Move(host, AdapterService.Require(host, t.Device), ctx, null, t.Adapter); }
        catch (NetnsException)
        {
            // Not moved: the device would stay in the host's namespace, where removing the lab's namespaces does not reach it.
            if (Netlink.Rtnl.Links.TryGet(host.Socket, t.Device) is LinkInfo left) AdapterService.Remove(host, left);
            throw;
        }
        var link = AdapterService.Require(ctx, t.Adapter);
        if (t.Bridge is not null)
            AdapterService.Set(ctx, link, null, null, null, null, master: AdapterService.Require(ctx, t.Bridge).Index);
        foreach (var (addr, len) in t.Addresses)
            AddressService.AddAddress(ctx, link, addr, len, skipDad: true);
        AdapterService.Set(ctx, AdapterService.Require(ctx, t.Adapter), true, null, null, null);
    }
}
