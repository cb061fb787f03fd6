# NAT and port forwards (New/Get/Remove-NetNamespaceNat, Add/Get/Remove-NetNamespaceNatStaticMapping) checked with real
# traffic: perl sockets inside the namespaces print the peer address they see (no module code on either end), and
# `nft -j` inside the namespace where nft is installed (skipped, visibly, where it is not).
#   client (10.0.1.2, fd00:1::2) -- lan0 router wan0 (198.51.100.1, fd00:2::1) -- outside (198.51.100.2, fd00:2::2)
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:Nft = Get-NftOracle
    $script:HasNft = [bool]$Nft
    $script:NoNft = $NoNftReason
    $script:P = "${Prefix}nat-"
    $def = @{
        Namespaces = @(
            @{ Name = 'client'; Routes = @(@{ Destination = 'default'; Gateway = '10.0.1.1' }, @{ Destination = 'default'; Gateway = 'fd00:1::1' }) }
            @{ Name = 'router'; Forwarding = $true }
            @{ Name = 'outside' }
        )
        Links = @(
            @{ Endpoints = @(@{ Namespace = 'client'; Adapter = 'eth0'; Address = '10.0.1.2/24', 'fd00:1::2/64' }, @{ Namespace = 'router'; Adapter = 'lan0'; Address = '10.0.1.1/24', 'fd00:1::1/64' }) }
            @{ Endpoints = @(@{ Namespace = 'router'; Adapter = 'wan0'; Address = '198.51.100.1/24', 'fd00:2::1/64' }, @{ Namespace = 'outside'; Adapter = 'eth0'; Address = '198.51.100.2/24', 'fd00:2::2/64' }) }
        )
    }
    $script:Lab = New-NetLab -Definition $def -Prefix $P
    $script:Client = "${P}client"; $script:Router = "${P}router"; $script:Outside = "${P}outside"
    $script:PortBase = 18400 + (Get-Random -Maximum 500)

    function Get-NftRules([string] $Namespace) { @((ip netns exec $Namespace $Nft -j list ruleset | ConvertFrom-Json).nftables | Where-Object { $_.rule } | ForEach-Object rule) }
}
AfterAll {
    if ($Lab) { $Lab | Remove-NetLab -Confirm:$false }
    Remove-TestLeftovers
}

Describe 'Source NAT' {
    It 'without NAT the outside cannot answer the client (no route back): the oracle can fail' {
        (Invoke-SocketClient $Client 198.51.100.2 ($PortBase + 1)).Output | Should -Match 'connect'
    }

    It 'masquerade: the outside sees the router''s address, never the client''s, and the counters grow' {
        $n = New-NetNamespaceNat -Namespace $Router -Name out -InterfaceAlias wan0
        $n.Kind | Should -Be 'Masquerade'
        $n.PSObject.TypeNames[0] | Should -Be 'NetnsPS.NetNamespaceNat'
        $n.Packets | Should -Be 0
        $peer = Start-SocketListener $Outside 198.51.100.2 ($PortBase + 2)
        (Invoke-SocketClient $Client 198.51.100.2 ($PortBase + 2)).Output | Should -BeNullOrEmpty
        Receive-SocketListener $peer | Should -Be '198.51.100.1'
        $after = Get-NetNamespaceNat -Namespace $Router -Name out
        $after.Packets | Should -BeGreaterThan 0
        $after.Bytes | Should -BeGreaterThan 0
        $after.Handle | Should -Be $n.Handle
        if ($HasNft) {
            $r = Get-NftRules $Router | Where-Object handle -EQ $n.Handle
            $r.comment | Should -Be 'out'
            ($r.expr | ConvertTo-Json -Depth 20 -Compress) | Should -Match '"masquerade"'
            ($r.expr.counter | Where-Object { $_ }).packets | Should -Be $after.Packets
        }
        else { Write-Host "  (nft -j check skipped: $NoNft)" }
    }

    It 'IPv6 masquerade: the outside sees fd00:2::1' {
        $peer = Start-SocketListener $Outside 'fd00:2::2' ($PortBase + 3)
        (Invoke-SocketClient $Client 'fd00:2::2' ($PortBase + 3)).Output | Should -BeNullOrEmpty
        Receive-SocketListener $peer | Should -Be 'fd00:2::1'
    }

    It 'SNAT to a fixed address: the outside sees that address' {
        Remove-NetNamespaceNat -Namespace $Router -Name out
        ip -n $Router addr add 198.51.100.9/24 dev wan0
        New-NetNamespaceNat -Namespace $Router -Name fixed -InterfaceAlias wan0 -InternalIPInterfaceAddressPrefix 10.0.1.0/24 -ExternalIPAddress 198.51.100.9 | Out-Null
        $peer = Start-SocketListener $Outside 198.51.100.2 ($PortBase + 4)
        (Invoke-SocketClient $Client 198.51.100.2 ($PortBase + 4)).Output | Should -BeNullOrEmpty
        Receive-SocketListener $peer | Should -Be '198.51.100.9'
        $n = Get-NetNamespaceNat -Namespace $Router
        $n.Kind | Should -Be 'Snat'
        $n.InternalIPInterfaceAddressPrefix | Should -Be '10.0.1.0/24'
        $n.Packets | Should -BeGreaterThan 0
    }

    It '-WhatIf changes nothing; removing the last NAT removes the table' {
        New-NetNamespaceNat -Namespace $Router -Name w -InterfaceAlias wan0 -WhatIf
        @(Get-NetNamespaceNat -Namespace $Router).Name | Should -Be 'fixed'
        Get-NetNamespaceNat -Namespace $Router | Remove-NetNamespaceNat
        Get-NetNamespaceNat -Namespace $Router | Should -BeNullOrEmpty
        if ($HasNft) { ip netns exec $Router $Nft list tables | Should -BeNullOrEmpty }
    }
}

Describe 'Port forwards' {
    It 'TCP: a connection to router:8080 from outside lands on client:80, and the server sees the caller''s real address' {
        $m = Add-NetNamespaceNatStaticMapping -Namespace $Router -Protocol TCP -ExternalPort ($PortBase + 10) -InternalIPAddress 10.0.1.2 -InternalPort ($PortBase + 11)
        $m.PSObject.TypeNames[0] | Should -Be 'NetnsPS.NetNamespaceNatStaticMapping'
        $m.OutputHandle | Should -Not -Be 0
        $peer = Start-SocketListener $Client 10.0.1.2 ($PortBase + 11)
        (Invoke-SocketClient $Outside 198.51.100.1 ($PortBase + 10)).Output | Should -BeNullOrEmpty
        Receive-SocketListener $peer | Should -Be '198.51.100.2'
        (Get-NetNamespaceNatStaticMapping -Namespace $Router -Protocol TCP).Packets | Should -BeGreaterThan 0
    }

    It 'TCP: a connection made inside the router to its own address is forwarded too (output chain)' {
        $before = (Get-NetNamespaceNatStaticMapping -Namespace $Router -Protocol TCP).Packets
        $peer = Start-SocketListener $Client 10.0.1.2 ($PortBase + 11)
        (Invoke-SocketClient $Router 198.51.100.1 ($PortBase + 10)).Output | Should -BeNullOrEmpty
        Receive-SocketListener $peer | Should -Be '198.51.100.1'
        (Get-NetNamespaceNatStaticMapping -Namespace $Router -Protocol TCP).Packets | Should -BeGreaterThan $before
    }

    It 'UDP: a datagram to router:5353 reaches client:53 from the caller''s address' {
        Add-NetNamespaceNatStaticMapping -Namespace $Router -Protocol UDP -ExternalIPAddress 198.51.100.1 -ExternalPort ($PortBase + 20) -InternalIPAddress 10.0.1.2 -InternalPort ($PortBase + 21) | Out-Null
        $peer = Start-SocketListener $Client 10.0.1.2 ($PortBase + 21) udp
        (Invoke-SocketClient $Outside 198.51.100.1 ($PortBase + 20) udp).Output | Should -BeNullOrEmpty
        Receive-SocketListener $peer | Should -Be '198.51.100.2'
    }

    It 'nft sees both rules of each forward (oracle)' {
        if (-not $HasNft) { Set-ItResult -Skipped -Because $NoNft; return }
        $rules = Get-NftRules $Router
        @($rules | Where-Object chain -EQ 'prerouting').Count | Should -Be 2
        @($rules | Where-Object chain -EQ 'output').Count | Should -Be 2
        $tcp = Get-NetNamespaceNatStaticMapping -Namespace $Router -Protocol TCP
        ($rules | Where-Object handle -EQ $tcp.StaticMappingID).chain | Should -Be 'prerouting'
        ($rules | Where-Object handle -EQ $tcp.OutputHandle).chain | Should -Be 'output'
    }

    It 'removes forwards from the pipeline, and the table goes with the last one' {
        Get-NetNamespaceNatStaticMapping -Namespace $Router | Remove-NetNamespaceNatStaticMapping
        Get-NetNamespaceNatStaticMapping -Namespace $Router | Should -BeNullOrEmpty
        $peer = Start-SocketListener $Client 10.0.1.2 ($PortBase + 11)
        (Invoke-SocketClient $Outside 198.51.100.1 ($PortBase + 10)).Output | Should -Match 'connect' -Because 'nothing forwards port 8080 any more'
        $peer.Process.Kill()
        if ($HasNft) { ip netns exec $Router $Nft list tables | Should -BeNullOrEmpty }
    }
}

Describe 'Tables made by others' {
    It 'a table made with nft survives every NetnsPS change and removal' {
        if (-not $HasNft) { Set-ItResult -Skipped -Because $NoNft; return }
        ip netns exec $Router $Nft 'add table ip theirs; add chain ip theirs c { type nat hook postrouting priority 50; }; add rule ip theirs c oifname "wan0" counter'
        $before = ip netns exec $Router $Nft list table ip theirs
        New-NetNamespaceNat -Namespace $Router -InterfaceAlias wan0 | Out-Null
        Add-NetNamespaceNatStaticMapping -Namespace $Router -Protocol TCP -ExternalPort 80 -InternalIPAddress 10.0.1.2 | Out-Null
        @(Get-NetNamespaceNat -Namespace $Router).Count | Should -Be 1 -Because 'their rule is not ours'
        Get-NetNamespaceNat -Namespace $Router | Remove-NetNamespaceNat
        Get-NetNamespaceNatStaticMapping -Namespace $Router | Remove-NetNamespaceNatStaticMapping
        ip netns exec $Router $Nft list table ip theirs | Should -Be $before
        ip netns exec $Router $Nft list tables | Should -Be 'table ip theirs'
        ip netns exec $Router $Nft delete table ip theirs
    }
}

Describe 'Labs' {
    It 'PortForwards in a definition: Get-NetLab shows them, traffic is forwarded, Remove-NetLab leaves nothing' {
        $p = "${Prefix}pf-"
        $def = @{
            Namespaces = @(@{ Name = 'srv'; Routes = @(@{ Destination = 'default'; Gateway = '10.0.7.1' }) },
                           @{ Name = 'r'; Forwarding = $true; Masquerade = 'wan0'; PortForwards = @(@{ Protocol = 'Tcp'; Port = ($PortBase + 30); To = "10.0.7.2:$($PortBase + 31)" }) },
                           'out')
            Links = @(@{ Endpoints = @(@{ Namespace = 'srv'; Adapter = 'eth0'; Address = '10.0.7.2/24' }, @{ Namespace = 'r'; Adapter = 'lan0'; Address = '10.0.7.1/24' }) },
                      @{ Endpoints = @(@{ Namespace = 'r'; Adapter = 'wan0'; Address = '203.0.113.1/24' }, @{ Namespace = 'out'; Adapter = 'eth0'; Address = '203.0.113.2/24' }) })
        }
        $lab = New-NetLab -Definition $def -Prefix $p
        try {
            $lab.PortForwards | Should -Be "${p}r: TCP *:$($PortBase + 30) -> 10.0.7.2:$($PortBase + 31)"
            (Get-NetLab -Prefix $p).PortForwards | Should -Be $lab.PortForwards
            (Get-NetLab -Prefix $p | Format-List | Out-String) | Should -Match 'PortForwards'
            $peer = Start-SocketListener "${p}srv" 10.0.7.2 ($PortBase + 31)
            (Invoke-SocketClient "${p}out" 203.0.113.1 ($PortBase + 30)).Output | Should -BeNullOrEmpty
            Receive-SocketListener $peer | Should -Be '203.0.113.2'
            (Get-NetNamespaceNat -Namespace "${p}r").InterfaceAlias | Should -Be 'wan0'
        }
        finally { $lab | Remove-NetLab -Confirm:$false }
        Get-ChildItem /run/netns -Filter "$p*" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Remove-NetLab: a namespace a process keeps alive keeps no NAT (nft -j through the process), the others are just freed' {
        if (-not $HasNft) { Set-ItResult -Skipped -Because $NoNft; return }
        $p = "${Prefix}alive-"
        $def = @{
            Namespaces = @('c', @{ Name = 'r'; Forwarding = $true; Masquerade = 'wan0'; PortForwards = @(@{ Protocol = 'Udp'; Port = ($PortBase + 40); To = "10.0.8.2:$($PortBase + 41)" }) }, 'o')
            Links = @(@{ Endpoints = @(@{ Namespace = 'c'; Adapter = 'eth0'; Address = '10.0.8.2/24' }, @{ Namespace = 'r'; Adapter = 'lan0'; Address = '10.0.8.1/24' }) },
                      @{ Endpoints = @(@{ Namespace = 'r'; Adapter = 'wan0'; Address = '203.0.114.1/24' }, @{ Namespace = 'o'; Adapter = 'eth0'; Address = '203.0.114.2/24' }) })
        }
        $lab = New-NetLab -Definition $def -Prefix $p
        $sleeper = $null
        try {
            $sleeper = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', "${p}r", 'sleep', '60' -PassThru
            $script:StartedProcesses.Add($sleeper)
            $want = (stat -L -c %i "/run/netns/${p}r")
            Wait-Until { (stat -L -c %i "/proc/$($sleeper.Id)/ns/net" 2>$null) -eq $want -and (Get-Content "/proc/$($sleeper.Id)/comm" -ErrorAction SilentlyContinue) -eq 'sleep' } -What 'sleep inside the router'
            (nsenter --net=/proc/$($sleeper.Id)/ns/net $Nft -j list ruleset | ConvertFrom-Json).nftables | Where-Object { $_.rule } | Should -HaveCount 3
            $lab | Remove-NetLab -Confirm:$false -WarningAction SilentlyContinue
            Get-ChildItem /run/netns -Filter "$p*" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $sleeper.HasExited | Should -BeFalse -Because 'Remove-NetLab without -Force stops nobody'
            (nsenter --net=/proc/$($sleeper.Id)/ns/net $Nft -j list ruleset | ConvertFrom-Json).nftables | Where-Object { $_.table } | Should -BeNullOrEmpty
        }
        finally {
            if ($sleeper -and -not $sleeper.HasExited) { $sleeper.Kill() }
            Get-NetLab -Prefix $p -ErrorAction SilentlyContinue | Remove-NetLab -Force -Confirm:$false
        }
    }
}

Describe 'NAT names with wildcard characters' {
    It '-LiteralName acts on exactly that NAT: ''o?t'' as a pattern also matches ''oxt'', which stays' {
        New-NetNamespaceNat -Namespace $Router -Name 'o?t' -InterfaceAlias wan0 | Out-Null
        New-NetNamespaceNat -Namespace $Router -Name 'oxt' -InterfaceAlias lan0 | Out-Null
        try {
            @(Get-NetNamespaceNat -Namespace $Router -Name 'o?t').Count | Should -Be 2 -Because 'as a pattern it matches both'
            @(Get-NetNamespaceNat -Namespace $Router -LiteralName 'o?t').Name | Should -Be @('o?t')
            @(Get-NetNamespaceNat -Namespace $Router -Name 'o`?t').Name | Should -Be @('o?t') -Because 'an escaped -Name is that name'
            Get-NetNamespaceNat -Namespace $Router -LiteralName 'o*t' -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeExactly 'NatNotFound,NetnsPS.Commands.GetNetNamespaceNatCommand'
            Remove-NetNamespaceNat -Namespace $Router -LiteralName 'o?t'
            # the kernel's view: only the rule on lan0 (oxt) is left
            if ($HasNft) {
                $rules = Get-NftRules $Router
                $rules | Should -HaveCount 1
                ($rules | ConvertTo-Json -Depth 20 -Compress) | Should -Match '"lan0"'
            }
            @(Get-NetNamespaceNat -Namespace $Router).Name | Should -Be @('oxt')
        }
        finally { Get-NetNamespaceNat -Namespace $Router | Remove-NetNamespaceNat -ErrorAction SilentlyContinue }
    }
}
