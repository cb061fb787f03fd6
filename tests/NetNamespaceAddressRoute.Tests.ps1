BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:A = "${Prefix}a"; $script:B = "${Prefix}b"
    New-NetNamespace -Name $A, $B | Out-Null
    New-NetVethPair -Name e0 -PeerName e1 -Namespace $A -PeerNamespace $B | Out-Null
    Get-NetNamespaceAdapter -Namespace $A, $B | Set-NetNamespaceAdapter -State Up
}
AfterAll { Remove-TestLeftovers }

Describe 'New-NetNamespaceAddress' {
    It 'adds <Text> (<Form>) as ip -j addr shows it' -ForEach @(
        @{ Form = 'address/prefix'; Text = '10.31.0.1/24'; Params = @{ IPAddress = '10.31.0.1/24' }; Family = 'inet'; Local = '10.31.0.1'; Len = 24 }
        @{ Form = '-PrefixLength'; Text = '10.32.0.1/16'; Params = @{ IPAddress = '10.32.0.1'; PrefixLength = 16 }; Family = 'inet'; Local = '10.32.0.1'; Len = 16 }
        @{ Form = 'host address'; Text = '10.33.0.9'; Params = @{ IPAddress = '10.33.0.9' }; Family = 'inet'; Local = '10.33.0.9'; Len = 32 }
        @{ Form = 'IPv6 without DAD'; Text = 'fd00:31::1/64'; Params = @{ IPAddress = 'fd00:31::1/64'; SkipDuplicateAddressDetection = $true }; Family = 'inet6'; Local = 'fd00:31::1'; Len = 64 }
    ) {
        $o = New-NetNamespaceAddress -Namespace $A -InterfaceAlias e0 @Params
        $o.IPAddress | Should -Be $Local
        $o.PrefixLength | Should -Be $Len
        $o.InterfaceAlias | Should -Be 'e0'
        $o.Namespace | Should -Be $A
        $ip = (Get-IpAddr $A | Where-Object ifname -eq 'e0').addr_info | Where-Object local -eq $Local
        $ip.prefixlen | Should -Be $Len
        $ip.family | Should -Be $Family
        if ($Family -eq 'inet6') { $o.AddressState | Should -Be 'Preferred'; $ip.tentative | Should -BeNullOrEmpty }
    }

    It 'gives <Id> for <Case>, and adds nothing' -ForEach @(
        @{ Case = 'a duplicate'; Params = @{ IPAddress = '10.31.0.1/24' }; Id = 'AddressAlreadyExists' }
        @{ Case = 'an octet over 255'; Params = @{ IPAddress = '10.31.0.300/24' }; Id = 'InvalidIPAddress' }
        @{ Case = 'text'; Params = @{ IPAddress = 'abc' }; Id = 'InvalidIPAddress' }
        @{ Case = 'IPv4 prefix 33'; Params = @{ IPAddress = '10.31.0.7/33' }; Id = 'InvalidPrefixLength' }
        @{ Case = 'IPv4 -PrefixLength 40'; Params = @{ IPAddress = '10.31.0.7'; PrefixLength = 40 }; Id = 'InvalidPrefixLength' }
        @{ Case = 'IPv6 prefix 129'; Params = @{ IPAddress = 'fd00:31::7/129' }; Id = 'InvalidPrefixLength' }
        @{ Case = 'a missing adapter'; Params = @{ IPAddress = '10.31.0.7/24'; InterfaceAlias = 'nope0' }; Id = 'AdapterNotFound' }
    ) {
        $before = (Get-IpAddr $A | ForEach-Object addr_info).Count
        $p = @{ InterfaceAlias = 'e0' }
        foreach ($k in $Params.Keys) { $p[$k] = $Params[$k] }
        { New-NetNamespaceAddress -Namespace $A @p -ErrorAction Stop } | Should -Throw -ErrorId "$Id,NetnsPS.Commands.NewNetNamespaceAddressCommand"
        (Get-IpAddr $A | ForEach-Object addr_info).Count | Should -Be $before
    }
}

Describe 'Unknown namespace' {
    It '<Cmd> gives NamespaceNotFound' -ForEach @(
        @{ Cmd = 'New-NetNamespaceAddress'; Run = { param($n) New-NetNamespaceAddress -Namespace $n -InterfaceAlias e0 -IPAddress 10.1.1.1/24 -ErrorAction Stop } }
        @{ Cmd = 'New-NetNamespaceRoute'; Run = { param($n) New-NetNamespaceRoute -Namespace $n -DestinationPrefix default -NextHop 10.1.1.2 -ErrorAction Stop } }
        @{ Cmd = 'Set-NetNamespaceAdapter'; Run = { param($n) Set-NetNamespaceAdapter -Namespace $n -Name e0 -State Up -ErrorAction Stop } }
        @{ Cmd = 'Get-NetNamespaceSysctl'; Run = { param($n) Get-NetNamespaceSysctl -Namespace $n -ErrorAction Stop } }
    ) {
        $class = ($Cmd -replace '-', '') + 'Command'
        { & $Run "${Prefix}nosuch" } | Should -Throw -ErrorId "NamespaceNotFound,NetnsPS.Commands.$class"
    }
}

Describe 'Get-NetNamespaceAddress' {
    It 'lists what ip -j addr lists' {
        $ours = Get-NetNamespaceAddress -Namespace $A
        $ip = Get-IpAddr $A | ForEach-Object { $n = $_.ifname; $_.addr_info | ForEach-Object { "$n $($_.local)/$($_.prefixlen)" } }
        ($ours | ForEach-Object { "$($_.InterfaceAlias) $($_.IPAddress)/$($_.PrefixLength)" } | Sort-Object) | Should -Be ($ip | Sort-Object)
    }

    It 'filters by adapter, family and address' {
        (Get-NetNamespaceAddress -Namespace $A -InterfaceAlias e0 -AddressFamily IPv4).IPAddress | Sort-Object |
            Should -Be '10.31.0.1', '10.32.0.1', '10.33.0.9'
        (Get-NetNamespaceAddress -Namespace $A -AddressFamily IPv6 -IPAddress 'fd00:31:*').IPAddress | Should -Be 'fd00:31::1'
    }
}

Describe 'Remove-NetNamespaceAddress' {
    It 'removes by value and through the pipeline' {
        Remove-NetNamespaceAddress -Namespace $A -InterfaceAlias e0 -IPAddress 10.33.0.9/32
        (Get-IpAddr $A).addr_info.local | Should -Not -Contain '10.33.0.9'
        Get-NetNamespaceAddress -Namespace $A -IPAddress 10.32.0.1 | Remove-NetNamespaceAddress
        (Get-IpAddr $A).addr_info.local | Should -Not -Contain '10.32.0.1'
    }

    It 'gives AddressNotFound for an address that is not there' {
        { Remove-NetNamespaceAddress -Namespace $A -IPAddress 10.99.99.99 -ErrorAction Stop } |
            Should -Throw -ErrorId 'AddressNotFound,NetnsPS.Commands.RemoveNetNamespaceAddressCommand'
    }
}

Describe 'Routes' {
    BeforeAll {
        New-NetNamespaceAddress -Namespace $B -InterfaceAlias e1 -IPAddress 10.31.0.2/24 | Out-Null
        New-NetNamespaceAddress -Namespace $B -InterfaceAlias e1 -IPAddress fd00:31::2/64 -SkipDuplicateAddressDetection | Out-Null
    }

    It 'adds <Case> as ip -j route shows it' -ForEach @(
        @{ Case = 'a default route (default)'; Params = @{ DestinationPrefix = 'default'; NextHop = '10.31.0.2' }; Dst = 'default'; Gw = '10.31.0.2'; Fam = '-4'; Table = 'main' }
        @{ Case = 'a /16 via a gateway with a metric'; Params = @{ DestinationPrefix = '10.40.0.0/16'; NextHop = '10.31.0.2'; RouteMetric = 77 }; Dst = '10.40.0.0/16'; Gw = '10.31.0.2'; Metric = 77; Fam = '-4'; Table = 'main' }
        @{ Case = 'a device route'; Params = @{ DestinationPrefix = '10.41.0.0/24'; InterfaceAlias = 'e0' }; Dst = '10.41.0.0/24'; Fam = '-4'; Table = 'main'; Scope = 'link' }
        @{ Case = 'a route in table 100 (0.0.0.0/0)'; Params = @{ DestinationPrefix = '0.0.0.0/0'; NextHop = '10.31.0.2'; Table = 100 }; Dst = 'default'; Gw = '10.31.0.2'; Fam = '-4'; Table = '100' }
        @{ Case = 'an IPv6 route'; Params = @{ DestinationPrefix = 'fd00:99::/48'; NextHop = 'fd00:31::2' }; Dst = 'fd00:99::/48'; Gw = 'fd00:31::2'; Fam = '-6'; Table = 'main' }
    ) {
        $o = New-NetNamespaceRoute -Namespace $A @Params
        $o.Namespace | Should -Be $A
        $r = Get-IpRoute $A $Fam $Table | Where-Object dst -eq $Dst
        $r | Should -Not -BeNullOrEmpty
        if ($Gw) { $r.gateway | Should -Be $Gw; $o.NextHop | Should -Be $Gw }
        if ($Metric) { $r.metric | Should -Be $Metric; $o.RouteMetric | Should -Be $Metric }
        if ($Scope) { $r.scope | Should -Be $Scope }
        $r.dev | Should -Be 'e0'
        $o.InterfaceAlias | Should -Be 'e0'
    }

    It 'lists what ip -j route lists (main table, IPv4)' {
        $ours = Get-NetNamespaceRoute -Namespace $A -AddressFamily IPv4
        $ip = Get-IpRoute $A '-4' 'main'
        ($ours.DestinationPrefix | ForEach-Object { if ($_ -eq '0.0.0.0/0') { 'default' } else { $_ } } | Sort-Object) |
            Should -Be (($ip.dst | ForEach-Object { if ($_ -match '/|default') { $_ } else { "$_/32" } }) | Sort-Object)
        (Get-NetNamespaceRoute -Namespace $A -DestinationPrefix default -AddressFamily IPv4).NextHop | Should -Be '10.31.0.2'
        (Get-NetNamespaceRoute -Namespace $A -Table 100).DestinationPrefix | Should -Be '0.0.0.0/0'
    }

    It 'gives <Id> for <Case>' -ForEach @(
        @{ Case = 'an unreachable gateway'; Params = @{ DestinationPrefix = '10.50.0.0/16'; NextHop = '192.0.2.77' }; Id = 'RouteGatewayUnreachable'; Cmd = 'New' }
        @{ Case = 'a duplicate'; Params = @{ DestinationPrefix = '10.40.0.0/16'; NextHop = '10.31.0.2'; RouteMetric = 77 }; Id = 'RouteAlreadyExists'; Cmd = 'New' }
        @{ Case = 'no gateway and no adapter'; Params = @{ DestinationPrefix = '10.51.0.0/16' }; Id = 'InvalidRoute'; Cmd = 'New' }
        @{ Case = 'a bad prefix'; Params = @{ DestinationPrefix = '10.51.0.0/40'; NextHop = '10.31.0.2' }; Id = 'InvalidPrefixLength'; Cmd = 'New' }
        @{ Case = 'removing a route that is not there'; Params = @{ DestinationPrefix = '10.52.0.0/16' }; Id = 'RouteNotFound'; Cmd = 'Remove' }
    ) {
        $before = (Get-IpRoute $A '-4' 'main').Count
        $class = "${Cmd}NetNamespaceRouteCommand"
        { & "$Cmd-NetNamespaceRoute" -Namespace $A @Params -ErrorAction Stop } | Should -Throw -ErrorId "$Id,NetnsPS.Commands.$class"
        (Get-IpRoute $A '-4' 'main').Count | Should -Be $before
    }

    It 'removes routes by value and through the pipeline' {
        Remove-NetNamespaceRoute -Namespace $A -DestinationPrefix 10.40.0.0/16 -NextHop 10.31.0.2 -RouteMetric 77
        (Get-IpRoute $A).dst | Should -Not -Contain '10.40.0.0/16'
        Get-NetNamespaceRoute -Namespace $A -Table 100 | Remove-NetNamespaceRoute
        Get-IpRoute $A '-4' '100' | Should -BeNullOrEmpty
        Get-NetNamespaceRoute -Namespace $A -DestinationPrefix 'fd00:99::/48' | Remove-NetNamespaceRoute
        (Get-IpRoute $A '-6').dst | Should -Not -Contain 'fd00:99::/48'
    }
}

Describe 'Sysctls' {
    It 'reads the forwarding switches of each namespace like /proc/sys inside it' {
        $o = Get-NetNamespaceSysctl -Namespace $A, $B
        $o.Count | Should -Be 4
        foreach ($s in $o) {
            $path = '/proc/sys/' + ($s.Name -replace '\.', '/')
            $s.Value | Should -Be (ip netns exec $s.Namespace cat $path)
        }
    }

    It 'sets a value in one namespace only; the other and the host keep theirs' {
        $hostBefore = Get-Content /proc/sys/net/ipv4/ip_forward
        $bBefore = ip netns exec $B cat /proc/sys/net/ipv4/ip_forward
        $o = Set-NetNamespaceSysctl -Namespace $A -Name net.ipv4.ip_forward -Value 1 -PassThru
        $o.Value | Should -Be '1'
        ip netns exec $A cat /proc/sys/net/ipv4/ip_forward | Should -Be '1'
        ip netns exec $B cat /proc/sys/net/ipv4/ip_forward | Should -Be $bBefore
        Get-Content /proc/sys/net/ipv4/ip_forward | Should -Be $hostBefore
        Set-NetNamespaceSysctl -Namespace $A -Name net.ipv6.conf.all.forwarding -Value 1
        ip netns exec $A cat /proc/sys/net/ipv6/conf/all/forwarding | Should -Be '1'
    }

    It 'expands wildcards inside the namespace' {
        $o = Get-NetNamespaceSysctl -Namespace $A -Name 'net.ipv4.conf.*.forwarding'
        $o.Name | Should -Contain 'net.ipv4.conf.e0.forwarding'
        $o.Name | Should -Contain 'net.ipv4.conf.all.forwarding'
        $o.Name | Should -Not -Contain 'net.ipv4.conf.eth0.forwarding'   # the host's adapter is not in here
    }

    It 'gives <Id> for <Case>' -ForEach @(
        @{ Case = 'an unknown name'; Cmd = { Get-NetNamespaceSysctl -Namespace $A -Name net.ipv4.nope -ErrorAction Stop }; Id = 'SysctlNotFound,NetnsPS.Commands.GetNetNamespaceSysctlCommand' }
        @{ Case = 'a name outside net.'; Cmd = { Get-NetNamespaceSysctl -Namespace $A -Name kernel.hostname -ErrorAction Stop }; Id = 'InvalidSysctlName,NetnsPS.Commands.GetNetNamespaceSysctlCommand' }
        @{ Case = 'Set without a namespace'; Cmd = { Set-NetNamespaceSysctl -Name net.ipv4.ip_forward -Value 1 -ErrorAction Stop }; Id = 'NamespaceRequired,NetnsPS.Commands.SetNetNamespaceSysctlCommand' }
        @{ Case = 'a value the kernel refuses'; Cmd = { Set-NetNamespaceSysctl -Namespace $A -Name net.ipv4.ip_forward -Value banana -ErrorAction Stop }; Id = 'SysctlWriteFailed,NetnsPS.Commands.SetNetNamespaceSysctlCommand' }
    ) {
        $Cmd | Should -Throw -ErrorId $Id
    }
}
