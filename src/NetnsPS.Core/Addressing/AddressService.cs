using System.Net;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Netlink.Rtnl;

namespace NetnsPS.Core.Addressing;

/// <summary>Addresses of namespaces (ip addr), with kernel errors turned into stable codes.</summary>
public static class AddressService
{
    public static List<NetNamespaceAddress> ListAddresses(NamespaceContext ctx, byte family = Af.UNSPEC, int index = 0)
    {
        var names = Links.Dump(ctx.Socket, ctx.DisplayName).ToDictionary(l => l.Index, l => l.Name);
        return Addresses.Dump(ctx.Socket, family, index, ctx.DisplayName)
            .Select(a => ToObject(ctx, a, names.TryGetValue(a.InterfaceIndex, out var n) ? n : a.InterfaceIndex.ToString()))
            .ToList();
    }

    public static NetNamespaceAddress ToObject(NamespaceContext ctx, AddressInfo a, string ifName) => new()
    {
        Namespace = ctx.Name,
        InterfaceAlias = ifName,
        InterfaceIndex = a.InterfaceIndex,
        IPAddress = a.Address.ToString(),
        PrefixLength = a.PrefixLength,
        AddressFamily = Af.Name(a.Family),
        Scope = a.Scope.ToString(),
        AddressState = (a.Flags & Ifa.F_DADFAILED) != 0 ? "Duplicate" : a.IsTentative ? "Tentative" : "Preferred",
        Flags = (NetAddressFlags)a.Flags,
    };

    public static NetNamespaceAddress AddAddress(NamespaceContext ctx, LinkInfo link, IPAddress address, int prefixLength, bool skipDad)
    {
        IpPrefix.ValidatePrefixLength(address, prefixLength);
        try
        {
            ctx.Socket.Execute(Addresses.AddRequest(link.Index, address, prefixLength, noDad: skipDad),
                $"add address {address}/{prefixLength} to {link.Name}", ErrorIds.AddressAddFailed, address.ToString());
        }
        catch (NetlinkException ex)
        {
            throw ex.Errno switch
            {
                Errno.EEXIST => new NetnsException(ErrorIds.AddressAlreadyExists, ex.Errno,
                    $"Address {address}/{prefixLength} already exists on '{link.Name}' in {ctx.Description}: {ex.Ack.Describe()}", address.ToString(), ex),
                Errno.EINVAL => new NetnsException(ErrorIds.InvalidIPAddress, ex.Errno,
                    $"Cannot add {address}/{prefixLength} to '{link.Name}' in {ctx.Description}: {ex.Ack.Describe()}", address.ToString(), ex),
                _ => new NetnsException(ErrorIds.AddressAddFailed, ex.Errno,
                    $"Cannot add {address}/{prefixLength} to '{link.Name}' in {ctx.Description}: {ex.Ack.Describe()}", address.ToString(), ex),
            };
        }
        var added = Addresses.Dump(ctx.Socket, Af.Of(address), link.Index, ctx.DisplayName)
            .FirstOrDefault(a => a.Address.Equals(address) && a.PrefixLength == prefixLength)
            ?? throw new NetnsException(ErrorIds.AddressAddFailed, Errno.EIO, $"{address}/{prefixLength} was accepted but is not on '{link.Name}'.", address.ToString());
        return ToObject(ctx, added, link.Name);
    }

    public static void RemoveAddress(NamespaceContext ctx, int index, string ifName, IPAddress address, int prefixLength)
    {
        try
        {
            ctx.Socket.Execute(Addresses.DeleteRequest(index, address, prefixLength),
                $"delete address {address}/{prefixLength} from {ifName}", ErrorIds.AddressRemoveFailed, address.ToString());
        }
        catch (NetlinkException ex)
        {
            throw ex.Errno is Errno.EADDRNOTAVAIL or Errno.ENOENT or Errno.ENODEV
                ? new NetnsException(ErrorIds.AddressNotFound, Errno.ENOENT,
                    $"Address {address}/{prefixLength} is not on '{ifName}' in {ctx.Description}: {ex.Ack.Describe()}", address.ToString(), ex)
                : new NetnsException(ErrorIds.AddressRemoveFailed, ex.Errno,
                    $"Cannot remove {address}/{prefixLength} from '{ifName}' in {ctx.Description}: {ex.Ack.Describe()}", address.ToString(), ex);
        }
    }
}
