# Get-/New-/Remove-NetNamespaceNeighbor against `ip -j neigh`: entries learnt from traffic (ARP and NDP) and static ones.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:A, $script:B = New-TestNamespace a, b
    New-NetVethPair -Namespace $A -Name na0 -PeerName nb0 -PeerNamespace $B -ErrorAction Stop | Out-Null
    Set-NetNamespaceAdapter -Namespace $A -Name na0, lo -State Up -ErrorAction Stop
    Set-NetNamespaceAdapter -Namespace $B -Name nb0, lo -State Up -ErrorAction Stop
    New-NetNamespaceAddress -Namespace $A -InterfaceAlias na0 -IPAddress 10.66.0.1/24 -ErrorAction Stop | Out-Null
    New-NetNamespaceAddress -Namespace $B -InterfaceAlias nb0 -IPAddress 10.66.0.2/24 -ErrorAction Stop | Out-Null
    New-NetNamespaceAddress -Namespace $A -InterfaceAlias na0 -IPAddress fd00:66::1/64 -SkipDuplicateAddressDetection -ErrorAction Stop | Out-Null
    New-NetNamespaceAddress -Namespace $B -InterfaceAlias nb0 -IPAddress fd00:66::2/64 -SkipDuplicateAddressDetection -ErrorAction Stop | Out-Null
    $script:MacB = (Get-OLink $B nb0).address
    $script:New = 'NetnsPS.Commands.NewNetNamespaceNeighborCommand'
    $script:Remove = 'NetnsPS.Commands.RemoveNetNamespaceNeighborCommand'
}
AfterAll { Remove-TestLeftovers }

Describe 'Neighbours learnt from traffic' {
    BeforeAll {
        Wait-Until -What 'the link to come up' -Condition { (Get-OLink $A na0).operstate -eq 'UP' }
        # No ping here: a UDP datagram from A to B makes A resolve B (ARP, NDP); wait until ip shows the answers.
        foreach ($dst in '10.66.0.2', 'fd00:66::2') {
            Invoke-SocketClient $A $dst 9 udp | Out-Null
            Wait-Until -What "a neighbour entry for $dst" -Condition { (Get-ONeigh $A na0 | Where-Object dst -eq $dst).lladdr }
        }
    }

    It 'shows the ARP entry ip shows, with the peer''s MAC' {
        $ip = Get-ONeigh $A na0 | Where-Object dst -eq '10.66.0.2'
        $ip | Should -HaveCount 1
        $n = Get-NetNamespaceNeighbor -Namespace $A -IPAddress 10.66.0.2
        $n | Should -HaveCount 1
        $n.LinkLayerAddress | Should -BeExactly $MacB
        $n.LinkLayerAddress | Should -BeExactly $ip.lladdr
        $n.InterfaceAlias | Should -BeExactly 'na0'
        $n.AddressFamily | Should -BeExactly 'IPv4'
        $n.State.ToUpperInvariant() | Should -BeIn @($ip.state)
        $n.Namespace | Should -BeExactly $A
    }

    It 'shows the NDP entry for IPv6' {
        $ip = Get-ONeigh $A na0 | Where-Object dst -eq 'fd00:66::2'
        $ip | Should -HaveCount 1
        $n = Get-NetNamespaceNeighbor -Namespace $A -AddressFamily IPv6 -IPAddress 'fd00:66::2'
        $n | Should -HaveCount 1
        $n.LinkLayerAddress | Should -BeExactly $ip.lladdr
        $n.AddressFamily | Should -BeExactly 'IPv6'
    }

    It 'lists the same IPv4 entries as ip neigh (states other than noarp)' {
        $ipSet = @(Get-ONeigh $A | Where-Object { $_.dst -notmatch ':' -and 'NOARP' -notin $_.state } | ForEach-Object dst | Sort-Object)
        $ours = @(Get-NetNamespaceNeighbor -Namespace $A -AddressFamily IPv4 | ForEach-Object IPAddress | Sort-Object)
        $ours -join ',' | Should -BeExactly ($ipSet -join ',')
    }

    It 'filters by adapter and state' {
        Get-NetNamespaceNeighbor -Namespace $A -InterfaceAlias 'lo' | Should -BeNullOrEmpty
        Get-NetNamespaceNeighbor -Namespace $A -State Permanent -AddressFamily IPv4 | Should -BeNullOrEmpty
    }

    It 'formats as a table with the link-layer address' {
        Get-NetNamespaceNeighbor -Namespace $A -IPAddress 10.66.0.2 | Format-Table | Out-String | Should -Match ([regex]::Escape($MacB))
    }
}

Describe 'Static neighbours' {
    It 'adds a permanent IPv4 entry that ip sees, and removes it' {
        $o = New-NetNamespaceNeighbor -Namespace $A -InterfaceAlias na0 -IPAddress 10.66.0.9 -LinkLayerAddress 02-00-00-00-00-09 -ErrorAction Stop
        $o.State | Should -BeExactly 'Permanent'
        $o.LinkLayerAddress | Should -BeExactly '02:00:00:00:00:09'
        $ip = Get-ONeigh $A na0 | Where-Object dst -eq '10.66.0.9'
        $ip.lladdr | Should -BeExactly '02:00:00:00:00:09'
        $ip.state | Should -Contain 'PERMANENT'
        Get-NetNamespaceNeighbor -Namespace $A -IPAddress 10.66.0.9 | Remove-NetNamespaceNeighbor -ErrorAction Stop
        Get-ONeigh $A na0 | Where-Object dst -eq '10.66.0.9' | Should -BeNullOrEmpty
    }

    It 'adds and removes a static IPv6 entry' {
        New-NetNamespaceNeighbor -Namespace $A -InterfaceAlias na0 -IPAddress fd00:66::9 -LinkLayerAddress 02:00:00:00:00:19 -ErrorAction Stop | Out-Null
        (Get-ONeigh $A na0 | Where-Object dst -eq 'fd00:66::9').lladdr | Should -BeExactly '02:00:00:00:00:19'
        Remove-NetNamespaceNeighbor -Namespace $A -IPAddress fd00:66::9 -InterfaceAlias na0 -ErrorAction Stop
        Get-ONeigh $A na0 | Where-Object dst -eq 'fd00:66::9' | Should -BeNullOrEmpty
    }

    It 'fails with NeighborAlreadyExists for a duplicate, and replaces with -Force' {
        New-NetNamespaceNeighbor -Namespace $A -InterfaceAlias na0 -IPAddress 10.66.0.10 -LinkLayerAddress 02:00:00:00:00:0a -ErrorAction Stop | Out-Null
        Get-ErrorId { New-NetNamespaceNeighbor -Namespace $A -InterfaceAlias na0 -IPAddress 10.66.0.10 -LinkLayerAddress 02:00:00:00:00:0b -ErrorAction Stop } |
            Should -BeExactly "NeighborAlreadyExists,$New"
        (Get-ONeigh $A na0 | Where-Object dst -eq '10.66.0.10').lladdr | Should -BeExactly '02:00:00:00:00:0a'
        New-NetNamespaceNeighbor -Namespace $A -InterfaceAlias na0 -IPAddress 10.66.0.10 -LinkLayerAddress 02:00:00:00:00:0b -Force -ErrorAction Stop | Out-Null
        (Get-ONeigh $A na0 | Where-Object dst -eq '10.66.0.10').lladdr | Should -BeExactly '02:00:00:00:00:0b'
    }

    It 'adds a Stale entry' {
        $o = New-NetNamespaceNeighbor -Namespace $A -InterfaceAlias na0 -IPAddress 10.66.0.11 -LinkLayerAddress 02:00:00:00:00:0c -State Stale -ErrorAction Stop
        $o.State | Should -BeExactly 'Stale'
        (Get-ONeigh $A na0 | Where-Object dst -eq '10.66.0.11').state | Should -Contain 'STALE'
    }

    It 'supports -WhatIf' {
        New-NetNamespaceNeighbor -Namespace $A -InterfaceAlias na0 -IPAddress 10.66.0.12 -LinkLayerAddress 02:00:00:00:00:0d -WhatIf | Should -BeNullOrEmpty
        Get-ONeigh $A na0 | Where-Object dst -eq '10.66.0.12' | Should -BeNullOrEmpty
        Remove-NetNamespaceNeighbor -Namespace $A -IPAddress 10.66.0.10 -WhatIf
        Get-ONeigh $A na0 | Where-Object dst -eq '10.66.0.10' | Should -Not -BeNullOrEmpty
    }

    It 'gives stable ErrorIds for bad input' {
        Get-ErrorId { Remove-NetNamespaceNeighbor -Namespace $A -IPAddress 10.66.0.99 -ErrorAction Stop } | Should -BeExactly "NeighborNotFound,$Remove"
        Get-ErrorId { New-NetNamespaceNeighbor -Namespace $A -InterfaceAlias na0 -IPAddress 10.66.0.13 -LinkLayerAddress zz -ErrorAction Stop } | Should -BeExactly "InvalidMacAddress,$New"
        Get-ErrorId { New-NetNamespaceNeighbor -Namespace $A -InterfaceAlias na0 -IPAddress 10.66.0 -LinkLayerAddress 02:00:00:00:00:01 -ErrorAction Stop } | Should -BeExactly "InvalidIPAddress,$New"
        Get-ErrorId { New-NetNamespaceNeighbor -Namespace $A -InterfaceAlias nope0 -IPAddress 10.66.0.13 -LinkLayerAddress 02:00:00:00:00:01 -ErrorAction Stop } | Should -BeExactly "AdapterNotFound,$New"
        Get-ONeigh $A | Where-Object dst -eq '10.66.0.13' | Should -BeNullOrEmpty
    }
}
