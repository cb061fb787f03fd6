# One vocabulary (issue 17 step 4): New-NetNamespaceAdapter's kind parameters are named as the properties of the
# adapter they make, the old short names still work as aliases, and each Get- cmdlet's objects piped into the
# Remove-/Set- cmdlet of the same noun bind by property name and act on exactly those objects. The oracle is ip -j.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:A, $script:B = New-TestNamespace a, b
    New-NetNamespaceAdapter -Namespace $A -Name ua -Kind Veth -PeerName ub -PeerNamespace $B -ErrorAction Stop | Out-Null
    Set-NetNamespaceAdapter -Namespace $A -Name ua, lo -State Up -ErrorAction Stop
    Set-NetNamespaceAdapter -Namespace $B -Name ub, lo -State Up -ErrorAction Stop
    New-NetNamespaceAddress -Namespace $A -InterfaceAlias ua -IPAddress 10.66.0.1/24 -ErrorAction Stop | Out-Null
    New-NetNamespaceAddress -Namespace $B -InterfaceAlias ub -IPAddress 10.66.0.2/24 -ErrorAction Stop | Out-Null
}
AfterAll { Remove-TestLeftovers }

Describe 'New-NetNamespaceAdapter kind parameters named as the adapter properties' {
    It 'has -<Name> with the alias -<Alias>, the property the adapter shows' -TestCases @(
        @{ Name = 'VxlanId'; Alias = 'Vni' }
        @{ Name = 'VxlanLocal'; Alias = 'Local' }
        @{ Name = 'VxlanRemote'; Alias = 'Remote' }
        @{ Name = 'VxlanGroup'; Alias = 'Group' }
        @{ Name = 'VxlanPort'; Alias = 'Port' }
        @{ Name = 'TunOwner'; Alias = 'Owner' }
    ) {
        $p = (Get-Command New-NetNamespaceAdapter).Parameters[$Name]
        $p | Should -Not -BeNullOrEmpty
        $p.Aliases | Should -Contain $Alias
        if ($Name -ne 'VxlanGroup') { [NetnsPS.NetNamespaceAdapter].GetProperty($Name) | Should -Not -BeNullOrEmpty }
    }

    It 'creates a vxlan from the property names, and each property reads back what was asked (ip -j -d link)' {
        $o = New-NetNamespaceAdapter -Namespace $A -Name vxn0 -Kind Vxlan -VxlanId 4711 -VxlanLocal 10.66.0.1 -VxlanRemote 10.66.0.2 -VxlanPort 4799 -Parent ua -ErrorAction Stop
        $d = (Get-IpLink $A vxn0).linkinfo.info_data
        $d.id | Should -Be 4711
        $d.local | Should -BeExactly '10.66.0.1'
        $d.remote | Should -BeExactly '10.66.0.2'
        $d.port | Should -Be 4799
        $o.VxlanId | Should -Be $d.id
        $o.VxlanLocal | Should -BeExactly $d.local
        $o.VxlanRemote | Should -BeExactly $d.remote
        $o.VxlanPort | Should -Be $d.port
    }

    It 'still takes the short names -Vni -Local -Remote -Port of earlier versions' {
        $o = New-NetNamespaceAdapter -Namespace $B -Name vxn0 -Kind Vxlan -Vni 4711 -Local 10.66.0.2 -Remote 10.66.0.1 -Port 4799 -Parent ub -ErrorAction Stop
        $d = (Get-IpLink $B vxn0).linkinfo.info_data
        $d.id | Should -Be 4711
        $d.local | Should -BeExactly '10.66.0.2'
        $d.remote | Should -BeExactly '10.66.0.1'
        $d.port | Should -Be 4799
        $o.VxlanId | Should -Be 4711
    }

    It 'makes a multicast vxlan with -VxlanGroup, shown in VxlanRemote as ip shows it under group' {
        $o = New-NetNamespaceAdapter -Namespace $A -Name vxn1 -Kind Vxlan -VxlanId 4712 -VxlanGroup 239.1.1.66 -Parent ua -ErrorAction Stop
        (Get-IpLink $A vxn1).linkinfo.info_data.group | Should -BeExactly '239.1.1.66'
        $o.VxlanRemote | Should -BeExactly '239.1.1.66'
    }

    It 'takes -TunOwner and its alias -Owner (the owner file in /sys is the oracle)' {
        $t = New-NetNamespaceAdapter -Namespace $A -Name tunn0 -Kind Tun -TunOwner 4322 -ErrorAction Stop
        $u = New-NetNamespaceAdapter -Namespace $A -Name tapn0 -Kind Tap -Owner 4323 -ErrorAction Stop
        (ip netns exec $A cat /sys/class/net/tunn0/owner) | Should -Be '4322'
        (ip netns exec $A cat /sys/class/net/tapn0/owner) | Should -Be '4323'
        $t.TunOwner | Should -Be 4322
    }

    It 'names the new parameter in InvalidAdapterParameter, whichever spelling was typed' {
        $e = $null
        New-NetNamespaceAdapter -Namespace $A -Name brn9 -Kind Bridge -Vni 5 -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidAdapterParameter,*'
        $e[0].Exception.Message | Should -Match '-VxlanId does not apply'
        Get-IpLink $A brn9 | Should -BeNullOrEmpty
    }
}

Describe 'Enum-valued properties: typed, printed and compared as the strings were' {
    It 'types AddressFamily, Scope, State and OperationalStatus as enums' {
        $addr = Get-NetNamespaceAddress -Namespace $A -InterfaceAlias ua -AddressFamily IPv4
        $addr.AddressFamily | Should -BeOfType ([NetnsPS.NetAddressFamily])
        $addr.Scope | Should -BeOfType ([NetnsPS.NetScope])
        $l = Get-NetNamespaceAdapter -Namespace $A -Name ua
        $l.State | Should -BeOfType ([NetnsPS.NetAdapterState])
        $l.OperationalStatus | Should -BeOfType ([NetnsPS.NetAdapterOperationalStatus])
        (Get-NetNamespaceRoute -Namespace $A)[0].AddressFamily | Should -BeOfType ([NetnsPS.NetAddressFamily])
        $l.Kind | Should -BeOfType ([string]) -Because 'Kind is the kernel''s open-ended IFLA_INFO_KIND (wireguard, gre... and arphrdN)'
    }

    It 'matches ip -j addr: family, scope (global is Universe) and compares with strings in any case' {
        $ip = @(Get-OAddr $A | Where-Object ifname -eq ua)
        $ours = @(Get-NetNamespaceAddress -Namespace $A -InterfaceAlias ua)
        $ip.Count | Should -Be $ours.Count
        foreach ($o in $ours) {
            $i = $ip | Where-Object local -eq $o.IPAddress
            $o.AddressFamily -eq $(if ($i.family -eq 'inet6') { 'IPv6' } else { 'IPv4' }) | Should -BeTrue
            "$($o.Scope)" | Should -BeExactly $(switch ($i.scope) { 'global' { 'Universe' } 'link' { 'Link' } 'host' { 'Host' } default { $_ } })
        }
        $v4 = $ours | Where-Object AddressFamily -eq 'ipv4'
        $v4.IPAddress | Should -BeExactly '10.66.0.1'
        $v4.AddressFamily -eq 'IPv4' | Should -BeTrue
        'IPv4' -eq $v4.AddressFamily | Should -BeTrue
        $v4.AddressFamily -ne 'IPv6' | Should -BeTrue
        $v4.AddressFamily -eq 'IPv5' | Should -BeFalse
        $v4.AddressFamily -like 'IPv*' | Should -BeTrue
        "$($v4.AddressFamily)/$($v4.Scope)" | Should -BeExactly 'IPv4/Universe'
        [int]$v4.AddressFamily | Should -Be 2 -Because 'the value is AF_INET'
    }

    It 'matches ip -j link: State from the UP flag and OperationalStatus from operstate' {
        Set-NetNamespaceAdapter -Namespace $A -Name lo -State Up
        foreach ($o in Get-NetNamespaceAdapter -Namespace $A) {
            $i = Get-IpLink $A $o.Name
            $o.State -eq $(if ($i.flags -contains 'UP') { 'up' } else { 'down' }) | Should -BeTrue -Because $o.Name
            $o.OperationalStatus.ToString().ToUpperInvariant() | Should -BeExactly ($i.operstate -replace '_', '') -Because $o.Name
        }
        (Get-NetNamespaceAdapter -Namespace $A | Where-Object State -eq 'Up').Name | Should -Contain 'ua'
        (Get-NetNamespaceAdapter -Namespace $A | Where-Object Kind -eq 'VETH').Name | Should -Contain 'ua'
    }

    It 'formats the default views as before (names, not numbers)' {
        $text = Get-NetNamespaceAddress -Namespace $A -InterfaceAlias ua -AddressFamily IPv4 | Format-Table | Out-String -Width 250
        $text | Should -Match 'IPv4\s+Universe'
        $text = Get-NetNamespaceAdapter -Namespace $A -Name ua | Format-Table | Out-String -Width 250
        $text | Should -Match 'veth\s+Up'
        (Get-NetNamespaceAddress -Namespace $A -InterfaceAlias ua -AddressFamily IPv4 | ConvertTo-Csv | Select-Object -Last 1) | Should -Match '"IPv4","Universe"'
    }
}

Describe 'Objects piped into the next cmdlet bind by property name' {
    It 'Get-NetNamespaceAdapter | Set-NetNamespaceAdapter changes exactly those adapters' {
        New-NetNamespaceAdapter -Namespace $A -Name pipa -Kind Veth -PeerName pipb -ErrorAction Stop | Out-Null
        Get-NetNamespaceAdapter -Namespace $A -Name pipa, pipb | Set-NetNamespaceAdapter -Mtu 1400 -State Up -ErrorAction Stop
        (Get-IpLink $A pipa).mtu | Should -Be 1400
        (Get-IpLink $A pipb).mtu | Should -Be 1400
        (Get-IpLink $A ua).mtu | Should -Be 1500
        (Get-IpLink $A pipa).flags | Should -Contain 'UP'
    }

    It 'Get-NetNamespaceAddress | Remove-NetNamespaceAddress removes exactly those addresses' {
        New-NetNamespaceAddress -Namespace $A -InterfaceAlias pipa -IPAddress 10.67.0.1/24 -ErrorAction Stop | Out-Null
        New-NetNamespaceAddress -Namespace $A -InterfaceAlias pipa -IPAddress 10.67.1.1/24 -ErrorAction Stop | Out-Null
        Get-NetNamespaceAddress -Namespace $A -IPAddress 10.67.0.1 | Remove-NetNamespaceAddress -Confirm:$false -ErrorAction Stop
        (Get-OAddr $A pipa '-4').local | Should -Be @('10.67.1.1')
        (Get-OAddr $A ua '-4').local | Should -Be @('10.66.0.1')
    }

    It 'Get-NetNamespaceRoute | Remove-NetNamespaceRoute removes exactly those routes (NextHop, InterfaceAlias, metric, table)' {
        Invoke-Ip $A route add 10.68.0.0/16 via 10.66.0.2 metric 33 | Out-Null
        Invoke-Ip $A route add 10.68.0.0/16 via 10.66.0.2 metric 44 | Out-Null
        Invoke-Ip $A route add 10.69.0.0/16 dev pipa table 77 | Out-Null
        Get-NetNamespaceRoute -Namespace $A -DestinationPrefix 10.68.0.0/16 | Where-Object RouteMetric -eq 33 | Remove-NetNamespaceRoute -Confirm:$false -ErrorAction Stop
        @(Get-IpRoute $A | Where-Object dst -eq '10.68.0.0/16').metric | Should -Be @(44)
        Get-NetNamespaceRoute -Namespace $A -Table 77 | Remove-NetNamespaceRoute -Confirm:$false -ErrorAction Stop
        Get-IpRoute $A -Table 77 | Should -BeNullOrEmpty
        @(Get-IpRoute $A | Where-Object dst -eq '10.68.0.0/16').Count | Should -Be 1
    }

    It 'Get-NetNamespaceNat | Remove-NetNamespaceNat and Get-NetNamespaceNatStaticMapping | Remove-NetNamespaceNatStaticMapping remove exactly those' {
        New-NetNamespaceNat -Namespace $A -Name keep -InterfaceAlias ua -ErrorAction Stop | Out-Null
        New-NetNamespaceNat -Namespace $A -Name drop -InterfaceAlias pipa -ErrorAction Stop | Out-Null
        Add-NetNamespaceNatStaticMapping -Namespace $A -Protocol TCP -ExternalPort 8081 -InternalIPAddress 10.67.1.2 -ErrorAction Stop | Out-Null
        Add-NetNamespaceNatStaticMapping -Namespace $A -Protocol TCP -ExternalPort 8082 -InternalIPAddress 10.67.1.2 -ErrorAction Stop | Out-Null
        Get-NetNamespaceNat -Namespace $A -Name drop | Remove-NetNamespaceNat -Confirm:$false -ErrorAction Stop
        (Get-NetNamespaceNat -Namespace $A).Name | Should -Be @('keep')
        Get-NetNamespaceNatStaticMapping -Namespace $A -ExternalPort 8081 | Remove-NetNamespaceNatStaticMapping -Confirm:$false -ErrorAction Stop
        (Get-NetNamespaceNatStaticMapping -Namespace $A).ExternalPort | Should -Be @(8082)
        # the oracle: the kernel's ruleset as nft prints it, when nft is installed
        if ($nft = Get-NftOracle) {
            $rules = ip netns exec $A $nft list table inet netnsps
            ($rules -match 'oifname "pipa"') | Should -BeNullOrEmpty
            ($rules -match 'oifname "ua"') | Should -Not -BeNullOrEmpty
            ($rules -match 'dport 8081') | Should -BeNullOrEmpty
            ($rules -match 'dport 8082') | Should -Not -BeNullOrEmpty
        }
    }
}
