BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:A = "${Prefix}a"; $script:B = "${Prefix}b"
    New-NetNamespace -Name $A, $B | Out-Null
    # the host end of a pair we own, for the peer-in-host case; removed in AfterAll
    $script:HostEnd = "$($Prefix.Substring(0, 10))h"
}
AfterAll {
    ip link delete $HostEnd 2>$null
    Remove-TestLeftovers
}

Describe 'New-NetVethPair' {
    It 'creates both ends directly in their namespaces, as ip sees them' {
        $out = New-NetVethPair -Name va0 -PeerName vb0 -Namespace $A -PeerNamespace $B -Mtu 1400
        $out.Count | Should -Be 2
        $out[0].Namespace | Should -Be $A; $out[0].Name | Should -Be 'va0'
        $out[1].Namespace | Should -Be $B; $out[1].Name | Should -Be 'vb0'
        $ia = Get-IpLink $A 'va0'; $ib = Get-IpLink $B 'vb0'
        $ia.linkinfo.info_kind | Should -Be 'veth'
        $ia.mtu | Should -Be 1400; $ib.mtu | Should -Be 1400
        $ia.link_netnsid | Should -Not -BeNullOrEmpty
        $ia.link_index | Should -Be $ib.ifindex
        $out[0].PeerName | Should -Be 'vb0'; $out[0].PeerNamespace | Should -Be $B; $out[0].PeerIndex | Should -Be $ib.ifindex
        $out[1].PeerName | Should -Be 'va0'; $out[1].PeerNamespace | Should -Be $A
        Get-IpLink '' 'vb0' | Should -BeNullOrEmpty   # never passed through the host
    }

    It 'creates a pair within one namespace' {
        $out = New-NetVethPair -Name s0 -PeerName s1 -Namespace $A
        $out.Namespace | Should -Be $A, $A
        $out[0].PeerName | Should -Be 's1'; $out[0].PeerNamespace | Should -Be $A
        (Get-IpLink $A 's0').link | Should -Be 's1'   # ip names a same-namespace peer
    }

    It 'reports a peer in the host namespace as Namespace ''''' {
        $out = New-NetVethPair -Name $HostEnd -PeerName hp0 -PeerNamespace $A
        $out[0].Namespace | Should -Be ''
        $out[1].PeerNamespace | Should -Be ''
        $out[1].PeerName | Should -Be $HostEnd
        (Get-IpLink '' $HostEnd).ifindex | Should -Be $out[1].PeerIndex
        ip link delete $HostEnd
    }

    It 'fails with AdapterAlreadyExists and creates nothing when <Which> exists' -ForEach @(
        @{ Which = 'the first name'; First = 'va0'; Peer = 'vnew' }
        @{ Which = 'the peer name'; First = 'vnew'; Peer = 'vb0' }
    ) {
        $beforeA = (Get-IpLink $A).Count; $beforeB = (Get-IpLink $B).Count
        { New-NetVethPair -Name $First -PeerName $Peer -Namespace $A -PeerNamespace $B -ErrorAction Stop } |
            Should -Throw -ErrorId 'AdapterAlreadyExists,NetnsPS.Commands.NewNetVethPairCommand'
        (Get-IpLink $A).Count | Should -Be $beforeA
        (Get-IpLink $B).Count | Should -Be $beforeB
    }

    It 'refuses invalid name <Bad> with InvalidAdapterName' -ForEach @(@{ Bad = 'x' * 16 }, @{ Bad = 'a/b' }, @{ Bad = 'a b' }) {
        { New-NetVethPair -Name $Bad -PeerName ok0 -Namespace $A -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidAdapterName,NetnsPS.Commands.NewNetVethPairCommand'
        Get-IpLink $A 'ok0' | Should -BeNullOrEmpty
    }

    It '-WhatIf creates nothing' {
        New-NetVethPair -Name w0 -PeerName w1 -Namespace $A -WhatIf
        Get-IpLink $A 'w0' | Should -BeNullOrEmpty
    }
}

Describe 'Get-NetNamespaceAdapter' {
    It 'matches ip -j -d link for every field it reports' {
        foreach ($ns in $A, $B) {
            $ours = Get-NetNamespaceAdapter -Namespace $ns
            $ip = Get-IpLink $ns
            $ours.Count | Should -Be $ip.Count
            foreach ($l in $ip) {
                $o = $ours | Where-Object Name -eq $l.ifname
                $o.InterfaceIndex | Should -Be $l.ifindex
                $o.Mtu | Should -Be $l.mtu
                $o.MacAddress | Should -Be $l.address
                "$($o.OperationalStatus)".ToUpperInvariant() | Should -Be ($l.operstate -replace '_', '')
                $o.State | Should -Be $(if ($l.flags -contains 'UP') { 'Up' } else { 'Down' })
                $kind = if ($l.linkinfo) { $l.linkinfo.info_kind } elseif ($l.link_type -eq 'loopback') { 'loopback' } else { 'physical' }
                $o.Kind | Should -Be $kind
                $o.Namespace | Should -Be $ns
            }
        }
    }

    It 'reports addresses like ip -j addr' {
        Set-NetNamespaceAdapter -Namespace $A -Name lo -State Up
        ip -n $A addr add 10.66.0.1/24 dev va0
        $o = Get-NetNamespaceAdapter -Namespace $A -Name va0, lo
        $ipAddrs = Get-IpAddr $A
        foreach ($a in $o) {
            $expected = @(($ipAddrs | Where-Object ifname -eq $a.Name).addr_info | ForEach-Object { "$($_.local)/$($_.prefixlen)" })
            @($a.IPAddress) | Sort-Object | Should -Be ($expected | Sort-Object)
        }
        ($o | Where-Object Name -eq 'va0').IPAddress | Should -Contain '10.66.0.1/24'
    }

    It 'filters by wildcard name and several namespaces, and accepts NetNamespace objects' {
        (Get-NetNamespaceAdapter -Namespace $A, $B -Name 'v*').Name | Sort-Object | Should -Be 'va0', 'vb0'
        (Get-NetNamespaceAdapter -Namespace "${Prefix}*" -Name 'v*').Count | Should -Be 2
        (Get-NetNamespace -Name $B | Get-NetNamespaceAdapter -Name vb0).Namespace | Should -Be $B
    }

    It 'lists the host adapters without -Namespace, like ip link' {
        $ours = Get-NetNamespaceAdapter
        $ours.Name | Sort-Object | Should -Be ((Get-IpLink '').ifname | Sort-Object)
        ($ours | Where-Object Name -eq 'lo').Namespace | Should -Be ''
    }

    It 'gives AdapterNotFound for a missing literal adapter and NamespaceNotFound for a missing namespace' {
        { Get-NetNamespaceAdapter -Namespace $A -Name nope0 -ErrorAction Stop } |
            Should -Throw -ErrorId 'AdapterNotFound,NetnsPS.Commands.GetNetNamespaceAdapterCommand'
        { Get-NetNamespaceAdapter -Namespace "${Prefix}none" -ErrorAction Stop } |
            Should -Throw -ErrorId 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceAdapterCommand'
    }
}

Describe 'Set-NetNamespaceAdapter' {
    It 'brings adapters up and down, as ip sees' {
        Set-NetNamespaceAdapter -Namespace $A -Name va0 -State Up
        (Get-IpLink $A 'va0').flags | Should -Contain 'UP'
        Set-NetNamespaceAdapter -Namespace $A -Name va0 -State Down
        (Get-IpLink $A 'va0').flags | Should -Not -Contain 'UP'
    }

    It 'takes adapters from Get-NetNamespaceAdapter by property name' {
        Get-NetNamespaceAdapter -Namespace $B | Set-NetNamespaceAdapter -State Up
        foreach ($l in Get-IpLink $B) { $l.flags | Should -Contain 'UP' }
    }

    It 'changes MTU, MAC and name, and -PassThru shows the result' {
        $o = Set-NetNamespaceAdapter -Namespace $A -Name s0 -Mtu 1280 -MacAddress 02-00-00-00-00-2a -NewName s0new -PassThru
        $o.Name | Should -Be 's0new'; $o.Mtu | Should -Be 1280; $o.MacAddress | Should -Be '02:00:00:00:00:2a'
        $l = Get-IpLink $A 's0new'
        $l.mtu | Should -Be 1280
        $l.address | Should -Be '02:00:00:00:00:2a'
        Get-IpLink $A 's0' | Should -BeNullOrEmpty
    }

    It '-WhatIf changes nothing' {
        Set-NetNamespaceAdapter -Namespace $A -Name s1 -Mtu 1300 -WhatIf
        (Get-IpLink $A 's1').mtu | Should -Be 1500
    }

    It 'gives <Id> for <Case>' -ForEach @(
        @{ Case = 'a bad MAC'; Params = @{ Name = 's1'; MacAddress = 'zz:00' }; Id = 'InvalidMacAddress' }
        @{ Case = 'a missing adapter'; Params = @{ Name = 'nope0'; State = 'Up' }; Id = 'AdapterNotFound' }
        @{ Case = 'a multicast MAC the kernel refuses'; Params = @{ Name = 's1'; MacAddress = '01:00:5e:00:00:01' }; Id = 'InvalidAdapterArgument' }
        @{ Case = 'a rename onto an existing name'; Params = @{ Name = 's1'; NewName = 'va0' }; Id = 'AdapterAlreadyExists' }
    ) {
        { Set-NetNamespaceAdapter -Namespace $A @Params -ErrorAction Stop } | Should -Throw -ErrorId "$Id,NetnsPS.Commands.SetNetNamespaceAdapterCommand"
    }
}

Describe 'Move-NetAdapterToNamespace' {
    BeforeAll { New-NetVethPair -Name m0 -PeerName m1 -Namespace $A | Out-Null }

    It 'moves by name to another namespace and renames, -PassThru shows it there' {
        $o = Move-NetAdapterToNamespace -Name m1 -SourceNamespace $A -Namespace $B -NewName m1b -PassThru
        $o.Namespace | Should -Be $B; $o.Name | Should -Be 'm1b'
        Get-IpLink $A 'm1' | Should -BeNullOrEmpty
        (Get-IpLink $B 'm1b').ifname | Should -Be 'm1b'
        (Get-NetNamespaceAdapter -Namespace $A -Name m0).PeerNamespace | Should -Be $B
    }

    It 'moves objects from Get-NetNamespaceAdapter, and back to the host with -HostNamespace' {
        Get-NetNamespaceAdapter -Namespace $B -Name m1b | Move-NetAdapterToNamespace -HostNamespace -NewName $HostEnd
        try {
            (Get-IpLink '' $HostEnd).ifname | Should -Be $HostEnd
            Get-IpLink $B 'm1b' | Should -BeNullOrEmpty
            Move-NetAdapterToNamespace -Name $HostEnd -Namespace $A -NewName m1
            (Get-IpLink $A 'm1').ifname | Should -Be 'm1'
        }
        finally { ip link delete $HostEnd 2>$null }
    }

    It 'moves into the namespace of a process (-ProcessId)' {
        $p = Start-InNewNamespace
        try {
            Move-NetAdapterToNamespace -Name m1 -SourceNamespace $A -ProcessId $p.Id
            Get-IpLink $A 'm1' | Should -BeNullOrEmpty
            # the peer now lives in an unnamed namespace: found through the process, it stands as its path
            $m0 = Get-NetNamespaceAdapter -Namespace $A -Name m0
            $m0.PeerNamespace | Should -BeExactly "/proc/$($p.Id)/ns/net"
            $m0.PeerName | Should -BeExactly 'm1'
            $m0.PeerNamespaceId | Should -Be (Get-IpLink $A 'm0').link_netnsid
            ip netns attach "${Prefix}proc" $p.Id
            (Get-IpLink "${Prefix}proc" 'm1').ifname | Should -Be 'm1'
        }
        finally { $p.Kill(); $p.WaitForExit() }
    }

    It 'refuses a netns-local <Kind> with AdapterNetnsLocal and leaves it in place' -ForEach @(@{ Kind = 'loopback'; Dev = 'lo' }, @{ Kind = 'bridge'; Dev = 'br0' }) {
        if ($Dev -eq 'br0') { ip -n $A link add br0 type bridge }
        $err = $null
        Move-NetAdapterToNamespace -Name $Dev -SourceNamespace $A -Namespace $B -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'AdapterNetnsLocal,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
        $err[0].Exception.Message | Should -Match 'cannot change namespace'
        (Get-IpLink $A $Dev).ifname | Should -Be $Dev
    }

    It 'gives <Id> for <Case>' -ForEach @(
        @{ Case = 'a missing adapter'; Params = @{ Name = 'nope0'; Namespace = 'x' }; Id = 'AdapterNotFound' }
        @{ Case = 'a missing process'; Params = @{ Name = 'm0'; ProcessId = 2147483000 }; Id = 'ProcessNotFound' }
        @{ Case = 'two targets'; Params = @{ Name = 'm0'; HostNamespace = $true; ProcessId = 1 }; Id = 'AmbiguousTarget' }
    ) {
        $p = $Params.Clone()
        if ($p.Namespace -eq 'x') { $p.Namespace = $B }
        { Move-NetAdapterToNamespace -SourceNamespace $A @p -ErrorAction Stop } | Should -Throw -ErrorId "$Id,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand"
        (Get-IpLink $A 'm0').ifname | Should -Be 'm0'
    }

    It 'gives AdapterAlreadyExists when the target has the name, and the adapter stays' {
        New-NetVethPair -Name c0 -PeerName c1 -Namespace $A | Out-Null
        New-NetVethPair -Name c0 -PeerName c2 -Namespace $B | Out-Null
        { Move-NetAdapterToNamespace -Name c0 -SourceNamespace $A -Namespace $B -ErrorAction Stop } |
            Should -Throw -ErrorId 'AdapterAlreadyExists,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
        (Get-IpLink $A 'c0').ifname | Should -Be 'c0'
    }
}

Describe 'Remove-NetNamespaceAdapter' {
    It 'removes both ends of a veth pair across namespaces' {
        New-NetVethPair -Name r0 -PeerName r1 -Namespace $A -PeerNamespace $B | Out-Null
        Remove-NetNamespaceAdapter -Namespace $A -Name r0
        Get-IpLink $A 'r0' | Should -BeNullOrEmpty
        Get-IpLink $B 'r1' | Should -BeNullOrEmpty
    }

    It 'removes by wildcard and by pipeline, -WhatIf removes nothing' {
        New-NetVethPair -Name q0 -PeerName q1 -Namespace $A | Out-Null
        Get-NetNamespaceAdapter -Namespace $A -Name 'q*' | Remove-NetNamespaceAdapter -WhatIf
        (Get-IpLink $A 'q0').ifname | Should -Be 'q0'
        Remove-NetNamespaceAdapter -Namespace $A -Name 'q*'
        Get-IpLink $A 'q0' | Should -BeNullOrEmpty
        Get-IpLink $A 'q1' | Should -BeNullOrEmpty
    }

    It 'gives AdapterNotFound for a missing adapter' {
        { Remove-NetNamespaceAdapter -Namespace $A -Name nope0 -ErrorAction Stop } |
            Should -Throw -ErrorId 'AdapterNotFound,NetnsPS.Commands.RemoveNetNamespaceAdapterCommand'
    }
}
