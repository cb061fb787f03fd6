using System.Management.Automation;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Addressing;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>Get-NetNamespaceAddress: ip -n NS addr show.</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespaceAddress")]
[OutputType(typeof(NetNamespaceAddress))]
public sealed class GetNetNamespaceAddressCommand : InterfaceAddressQueryCmdlet
{
    protected override void Query(NamespaceContext ctx)
    {
        var filter = EntryFilter();
        foreach (var a in AddressService.ListAddresses(ctx, Family))
            if (filter(a.InterfaceAlias, a.IPAddress)) WriteObject(a);
    }
}

/// <summary>New-NetNamespaceAddress: ip -n NS addr add ADDR/LEN dev IF.</summary>
[Cmdlet(VerbsCommon.New, "NetNamespaceAddress", SupportsShouldProcess = true)]
[OutputType(typeof(NetNamespaceAddress))]
public sealed class NewNetNamespaceAddressCommand : NamespaceTargetCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string IPAddress { get; set; } = string.Empty;

    /// <summary>Prefix length; also accepted as part of -IPAddress ("10.0.0.1/24").</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 128)]
    public int? PrefixLength { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string InterfaceAlias { get; set; } = string.Empty;

    /// <summary>IPv6: skip duplicate address detection (the address is usable at once, IFA_F_NODAD).</summary>
    [Parameter]
    public SwitchParameter SkipDuplicateAddressDetection { get; set; }

    protected override void BeginProcessingLocal() => RequireNetAdmin("Adding an address");

    protected override void ProcessRecordLocal()
    {
        try
        {
            var (address, len) = IpPrefix.ParseAddressAndPrefix(IPAddress, PrefixLength);
            var ctx = GetContext(Namespace);
            var link = AdapterService.Require(ctx, InterfaceAlias);
            if (!ShouldProcess(ctx.Target(InterfaceAlias), $"Add address {address}/{len}")) return;
            WriteObject(AddressService.AddAddress(ctx, link, address, len, SkipDuplicateAddressDetection));
        }
        catch (NetnsException ex) { WriteNetnsError(ex, IPAddress); }
    }
}

/// <summary>Remove-NetNamespaceAddress: ip -n NS addr del ADDR/LEN dev IF.</summary>
[Cmdlet(VerbsCommon.Remove, "NetNamespaceAddress", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveNetNamespaceAddressCommand : NamespaceTargetCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(AddressCompleter))]
    [ValidateNotNullOrEmpty]
    public string IPAddress { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 128)]
    public int? PrefixLength { get; set; }

    /// <summary>Adapter; when omitted, the adapter that has the address.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    public string? InterfaceAlias { get; set; }

    protected override void BeginProcessingLocal() => RequireNetAdmin("Removing an address");

    protected override void ProcessRecordLocal()
    {
        try
        {
            int slash = IPAddress.IndexOf('/');
            var address = IpPrefix.ParseAddress(slash < 0 ? IPAddress : IPAddress[..slash]);
            int? len = PrefixLength;
            if (slash >= 0) len = IpPrefix.ParseAddressAndPrefix(IPAddress, PrefixLength).Item2;
            var ctx = GetContext(Namespace);
            foreach (var a in AddressService.FindAddresses(ctx, address, len, InterfaceAlias, IPAddress))
            {
                if (!ShouldProcess(ctx.Target(a.InterfaceAlias), $"Remove address {a.IPAddress}/{a.PrefixLength}")) continue;
                AddressService.RemoveAddress(ctx, a.InterfaceIndex, a.InterfaceAlias, address, a.PrefixLength);
            }
        }
        catch (NetnsException ex) { WriteNetnsError(ex, IPAddress); }
    }
}
