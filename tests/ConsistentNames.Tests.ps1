# One vocabulary (issue 17 step 4): New-NetNamespaceAdapter's kind parameters are named as the properties of the
# adapter they make, the old short names still work as aliases, and each Get- cmdlet's objects piped into the
# Remove-/Set- cmdlet of the same noun bind by property name and act on exactly those objects. The oracle is ip -j.
BeforeAll {
    . $PSScriptRoot/netlink-common.ps1
    Assert-NetlinkNoLeftovers
    $script:A, $script:B = New-TestNamespace a, b
    New-NetNamespaceAdapter -Namespace $A -Name ua -Kind Veth -PeerName ub -PeerNamespace $B -ErrorAction Stop | Out-Null
    Set-NetNamespaceAdapter -Namespace $A -Name ua, lo -State Up -ErrorAction Stop
    Set-NetNamespaceAdapter -Namespace $B -Name ub, lo -State Up -ErrorAction Stop
    New-NetNamespaceAddress -Namespace $A -InterfaceAlias ua -IPAddress 10.66.0.1/24 -ErrorAction Stop | Out-Null
    New-NetNamespaceAddress -Namespace $B -InterfaceAlias ub -IPAddress 10.66.0.2/24 -ErrorAction Stop | Out-Null
}
AfterAll { Remove-NetlinkTestLeftovers }

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
        $d = (Get-OLink $A vxn0).linkinfo.info_data
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
        $d = (Get-OLink $B vxn0).linkinfo.info_data
        $d.id | Should -Be 4711
        $d.local | Should -BeExactly '10.66.0.2'
        $d.remote | Should -BeExactly '10.66.0.1'
        $d.port | Should -Be 4799
        $o.VxlanId | Should -Be 4711
    }

    It 'makes a multicast vxlan with -VxlanGroup, shown in VxlanRemote as ip shows it under group' {
        $o = New-NetNamespaceAdapter -Namespace $A -Name vxn1 -Kind Vxlan -VxlanId 4712 -VxlanGroup 239.1.1.66 -Parent ua -ErrorAction Stop
        (Get-OLink $A vxn1).linkinfo.info_data.group | Should -BeExactly '239.1.1.66'
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
        Get-OLink $A brn9 | Should -BeNullOrEmpty
    }
}
