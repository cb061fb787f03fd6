# Bridges and their ports: New-NetNamespaceAdapter -Kind Bridge, Set-NetNamespaceAdapter -Master/-NoMaster, adapter
# details (master, txqueuelen, operstate, carrier, link-netnsid, statistics), checked with `ip -j -d` and real TCP.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:Hub, $script:P1, $script:P2, $script:P3 = New-TestNamespace hub, p1, p2, p3
    $script:Bridge = New-NetNamespaceAdapter -Namespace $Hub -Name br0 -Kind Bridge -ErrorAction Stop
    $i = 0
    foreach ($p in $P1, $P2, $P3) {
        $i++
        New-NetNamespaceAdapter -Namespace $Hub -Name "port$i" -Kind Veth -PeerName eth0 -PeerNamespace $p -ErrorAction Stop | Out-Null
        Set-NetNamespaceAdapter -Namespace $p -Name eth0, lo -State Up -ErrorAction Stop
        New-NetNamespaceAddress -Namespace $p -InterfaceAlias eth0 -IPAddress "10.62.0.$i/24" -ErrorAction Stop | Out-Null
    }
    $script:Ports = Set-NetNamespaceAdapter -Namespace $Hub -Name port1, port2, port3 -Master br0 -State Up -PassThru -ErrorAction Stop
    Set-NetNamespaceAdapter -Namespace $Hub -Name br0 -State Up -ErrorAction Stop
}
AfterAll { Remove-TestLeftovers }

Describe 'New-NetNamespaceAdapter -Kind Bridge' {
    It 'creates a bridge that ip sees with its kind' {
        $ip = Get-OLink $Hub br0
        $ip | Should -HaveCount 1
        $ip.linkinfo.info_kind | Should -BeExactly 'bridge'
        $Bridge.Kind | Should -BeExactly 'bridge'
        $Bridge.Namespace | Should -BeExactly $Hub
        $Bridge.InterfaceIndex | Should -Be $ip.ifindex
    }

    It 'fails with AdapterAlreadyExists for a second bridge of the same name and changes nothing' {
        $before = (Get-OLinkNames $Hub | Sort-Object) -join ','
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $Hub -Name br0 -Kind Bridge -ErrorAction Stop } |
            Should -BeExactly 'AdapterAlreadyExists,NetnsPS.Commands.NewNetNamespaceAdapterCommand'
        (Get-OLinkNames $Hub | Sort-Object) -join ',' | Should -BeExactly $before
    }

    It 'supports -WhatIf' {
        New-NetNamespaceAdapter -Namespace $Hub -Name brwi -Kind Bridge -WhatIf | Should -BeNullOrEmpty
        Get-OLink $Hub brwi | Should -BeNullOrEmpty
    }
}

Describe 'Bridge ports (-Master / -NoMaster)' {
    It 'attached the three ports: ip shows br0 as their master, the objects say so too' {
        foreach ($n in 'port1', 'port2', 'port3') {
            $ip = Get-OLink $Hub $n
            $ip.master | Should -BeExactly 'br0'
            $ip.linkinfo.info_slave_kind | Should -BeExactly 'bridge'
        }
        $Ports | Should -HaveCount 3
        $Ports.Master | Sort-Object -Unique | Should -BeExactly 'br0'
        $Ports.PortKind | Sort-Object -Unique | Should -BeExactly 'bridge'
        (Get-NetNamespaceAdapter -Namespace $Hub -Name port2).MasterIndex | Should -Be (Get-OLink $Hub br0).ifindex
    }

    It 'carries TCP between two of the namespaces through the bridge' {
        $out = Test-TcpBetween -ServerNamespace $P3 -ServerAddress 10.62.0.3 -ClientNamespace $P1 -Port 18101
        "$out" | Should -Match 'hello over 18101'
    }

    It 'shows traffic in the statistics like ip -s does' {
        $obj = Get-NetNamespaceAdapter -Namespace $Hub -Name port1
        $ip = Get-OStats $Hub port1
        $obj.RxPackets | Should -BeGreaterThan 0
        $obj.RxBytes | Should -BeGreaterThan 0
        $obj.TxBytes | Should -BeGreaterThan 0
        # counters only grow; ip read them after the module did
        $ip.rx.bytes | Should -BeGreaterOrEqual $obj.RxBytes
        $ip.tx.packets | Should -BeGreaterOrEqual $obj.TxPackets
        $ip.rx.errors | Should -Be $obj.RxErrors
        $ip.rx.dropped | Should -BeGreaterOrEqual $obj.RxDropped
    }

    It 'reports txqueuelen, operstate, carrier and link-netnsid as ip does' {
        foreach ($o in Get-NetNamespaceAdapter -Namespace $Hub -Name port*) {
            $ip = Get-OLink $Hub $o.Name
            $o.TxQueueLength | Should -Be $ip.txqlen
            "$($o.OperationalStatus)".ToUpperInvariant() | Should -BeExactly $ip.operstate
            $o.Carrier | Should -Be ($ip.flags -contains 'LOWER_UP')
            $o.LinkNetnsId | Should -Be $ip.link_netnsid
        }
    }

    It 'keeps the default table short and has a Statistics view' {
        $table = Get-NetNamespaceAdapter -Namespace $Hub -Name port1 | Format-Table | Out-String
        $table | Should -Not -Match 'RxBytes'
        $stats = Get-NetNamespaceAdapter -Namespace $Hub -Name port1 | Format-Table -View Statistics | Out-String
        $stats | Should -Match 'RxBytes'
        $stats | Should -Match 'port1'
    }

    It 'detaches a port with -NoMaster and attaches it again with -Master' {
        $o = Set-NetNamespaceAdapter -Namespace $Hub -Name port2 -NoMaster -PassThru
        $o.Master | Should -BeNullOrEmpty
        (Get-OLink $Hub port2).master | Should -BeNullOrEmpty
        $out = Test-TcpBetween -ServerNamespace $P2 -ServerAddress 10.62.0.2 -ClientNamespace $P1 -Port 18102
        "$out" | Should -Not -Match 'hello over'
        Set-NetNamespaceAdapter -Namespace $Hub -Name port2 -Master br0
        (Get-OLink $Hub port2).master | Should -BeExactly 'br0'
    }

    It 'fails with MasterNotFound for a bridge that is not in the namespace' {
        Get-ErrorId { Set-NetNamespaceAdapter -Namespace $P1 -Name eth0 -Master br0 -ErrorAction Stop } |
            Should -BeExactly 'MasterNotFound,NetnsPS.Commands.SetNetNamespaceAdapterCommand'
        (Get-OLink $P1 eth0).master | Should -BeNullOrEmpty
    }

    It 'fails with InvalidMaster when the master is not a bridge' {
        Get-ErrorId { Set-NetNamespaceAdapter -Namespace $Hub -Name port3 -Master port1 -ErrorAction Stop } |
            Should -BeExactly 'InvalidMaster,NetnsPS.Commands.SetNetNamespaceAdapterCommand'
        (Get-OLink $Hub port3).master | Should -BeExactly 'br0'
    }

    It 'rejects -Master together with -NoMaster' {
        { Set-NetNamespaceAdapter -Namespace $Hub -Name port3 -Master br0 -NoMaster -ErrorAction Stop } | Should -Throw
    }

    It 'leaves the ports in place, unattached, when the bridge is removed' {
        Remove-NetNamespaceAdapter -Namespace $Hub -Name br0 -Confirm:$false -ErrorAction Stop
        Get-OLink $Hub br0 | Should -BeNullOrEmpty
        foreach ($n in 'port1', 'port2', 'port3') {
            $ip = Get-OLink $Hub $n
            $ip | Should -HaveCount 1
            $ip.master | Should -BeNullOrEmpty
            (Get-NetNamespaceAdapter -Namespace $Hub -Name $n).Master | Should -BeNullOrEmpty
        }
    }
}
