<#
.SYNOPSIS
    Records the real kernel replies the parser tests read (run as root from the repo root after a Debug build):
    dotnet pwsh tests/NetnsPS.Core.Tests/Captures/record.ps1
#>
Add-Type -Path ./src/NetnsPS.Core/bin/Debug/net8.0/NetnsPS.Core.dll
$ErrorActionPreference = 'Stop'
ip netns add nncap1; ip netns add nncap2
try {
  ip -n nncap1 link add cap0 address 02:00:00:00:00:01 mtu 1400 type veth peer name cap1 address 02:00:00:00:00:02 netns nncap2
  ip -n nncap1 link set cap0 up; ip -n nncap1 link set lo up
  ip -n nncap1 addr add 10.20.30.1/24 dev cap0
  ip -n nncap1 addr add fd00:20::1/64 dev cap0 nodad
  ip -n nncap1 route add 10.99.0.0/16 via 10.20.30.2 metric 7
  ip -n nncap1 route add default via 10.20.30.2
  $h = [NetnsPS.Core.Threading.NamespaceHandle]::Open('/run/netns/nncap1')
  $s = [NetnsPS.Core.Netlink.NetlinkSocket]::Open($h)
  function Save($name, $builder, $type) {
    $msgs = $s.Execute($builder, $name)
    $lines = foreach ($m in $msgs) { if ($m.Type -eq $type) { [Convert]::ToHexString($m.Payload) } }
    Set-Content "tests/NetnsPS.Core.Tests/Captures/$name.hex" -Value $lines
    "$name : $(@($lines).Count) messages"
  }
  Save 'links' ([NetnsPS.Core.Netlink.Rtnl.Links]::DumpRequest()) 16
  Save 'addresses' ([NetnsPS.Core.Netlink.Rtnl.Addresses]::DumpRequest(0, 0)) 20
  Save 'routes' ([NetnsPS.Core.Netlink.Rtnl.Routes]::DumpRequest(2, 254)) 24
  ip -n nncap1 -d link show cap0
  $s.Dispose(); $h.Dispose()
} finally { ip netns delete nncap1; ip netns delete nncap2 }
