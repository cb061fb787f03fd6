# Labs: New-NetLab / Get-NetLab / Remove-NetLab and Test-NetNamespaceConnection, checked with ip -j, nft -j,
# /proc and perl sockets inside the namespaces. Every address lives in namespaces the tests make.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:Example = Join-Path $PSScriptRoot '../examples/seed004.lab.psd1'
    # nft is only the oracle here (the module talks nf_tables itself): without it those checks are skipped, visibly.
    $script:Nft = Get-NftOracle
    $script:HasNft = [bool]$Nft
    $script:NoNft = $NoNftReason

    function Get-LabLeftover([string] $P) {
        # Everything with prefix $P: /run/netns entries, nsfs mounts, host links, lab state files.
        $found = [System.Collections.Generic.List[string]]::new()
        Get-ChildItem /run/netns -Filter "$P*" -ErrorAction SilentlyContinue | ForEach-Object { $found.Add($_.Name) }
        Get-Content /proc/self/mountinfo | ForEach-Object { ($_ -split ' ')[4] } | Where-Object { $_ -like "/run/netns/$P*" } | ForEach-Object { $found.Add($_) }
        ip -o link show | ForEach-Object { ($_ -split ': ')[1] -replace '@.*' } | Where-Object { $_ -like "$P*" } | ForEach-Object { $found.Add($_) }
        Get-ChildItem /run/netnsps/labs -Filter "$([uri]::EscapeDataString($P)).json" -ErrorAction SilentlyContinue | ForEach-Object { $found.Add($_.FullName) }
        $found.ToArray()
    }
}
AfterAll {
    Get-ChildItem /run/netnsps/labs -Filter "$([uri]::EscapeDataString($Prefix))*" -ErrorAction SilentlyContinue | Remove-Item -Force
    Remove-TestLeftovers
    Assert-NoLeftovers
}

# The seed scenario by hand: client -- router -- server built with the cmdlets New-NetLab runs (veth pairs, lo up,
# addresses, default routes, forwarding in the router), checked with ip, /proc/sys and TCP between the namespaces.
Describe 'A routed lab by hand: client -- router -- server' {
    BeforeAll {
        $script:C, $script:R, $script:S = New-TestNamespace cli, rtr, srv

        # wiring: C:c0 <-> R:r0 (10.81.1.0/24, fd00:81:1::/64), R:r1 <-> S:s0 (10.81.2.0/24, fd00:81:2::/64)
        New-NetVethPair -Name c0 -PeerName r0 -Namespace $C -PeerNamespace $R -ErrorAction Stop | Out-Null
        New-NetVethPair -Name s0 -PeerName r1 -Namespace $S -PeerNamespace $R -ErrorAction Stop | Out-Null
        Get-NetNamespaceAdapter -Namespace $C, $R, $S | Set-NetNamespaceAdapter -State Up -ErrorAction Stop
        $addresses = @(
            @{ Namespace = $C; InterfaceAlias = 'c0'; IPAddress = '10.81.1.2/24' }
            @{ Namespace = $R; InterfaceAlias = 'r0'; IPAddress = '10.81.1.1/24' }
            @{ Namespace = $R; InterfaceAlias = 'r1'; IPAddress = '10.81.2.1/24' }
            @{ Namespace = $S; InterfaceAlias = 's0'; IPAddress = '10.81.2.2/24' }
            @{ Namespace = $C; InterfaceAlias = 'c0'; IPAddress = 'fd00:81:1::2/64' }
            @{ Namespace = $R; InterfaceAlias = 'r0'; IPAddress = 'fd00:81:1::1/64' }
            @{ Namespace = $R; InterfaceAlias = 'r1'; IPAddress = 'fd00:81:2::1/64' }
            @{ Namespace = $S; InterfaceAlias = 's0'; IPAddress = 'fd00:81:2::2/64' }
        )
        foreach ($a in $addresses) { New-NetNamespaceAddress @a -SkipDuplicateAddressDetection -ErrorAction Stop | Out-Null }
        New-NetNamespaceRoute -Namespace $C -DestinationPrefix default -NextHop 10.81.1.1 -ErrorAction Stop | Out-Null
        New-NetNamespaceRoute -Namespace $S -DestinationPrefix default -NextHop 10.81.2.1 -ErrorAction Stop | Out-Null
        New-NetNamespaceRoute -Namespace $C -DestinationPrefix ::/0 -NextHop fd00:81:1::1 -ErrorAction Stop | Out-Null
        New-NetNamespaceRoute -Namespace $S -DestinationPrefix ::/0 -NextHop fd00:81:2::1 -ErrorAction Stop | Out-Null
        Wait-Until { @('c0', 'r0', 'r1', 's0' | Where-Object { $n = @{ c0 = $C; r0 = $R; r1 = $R; s0 = $S }[$_]; (Get-OLink $n $_).operstate -eq 'UP' }).Count -eq 4 } -What 'carrier on the veths'
    }

    It 'is wired as ip sees it: veth ends across namespaces, all up' {
        foreach ($pair in @(@($C, 'c0', $R, 'r0'), @($R, 'r0', $C, 'c0'), @($R, 'r1', $S, 's0'), @($S, 's0', $R, 'r1'))) {
            $l = Get-OLink $pair[0] $pair[1]
            $l.linkinfo.info_kind | Should -BeExactly 'veth'
            $l.flags | Should -Contain 'UP'
            $l.operstate | Should -BeExactly 'UP'
            $l.link_index | Should -Be (Get-OLink $pair[2] $pair[3]).ifindex
            $l.link_netnsid | Should -Not -BeNullOrEmpty -Because 'the peer is in another namespace'
            $o = Get-NetNamespaceAdapter -Namespace $pair[0] -Name $pair[1]
            $o.PeerNamespace | Should -BeExactly $pair[2]
            $o.PeerName | Should -BeExactly $pair[3]
        }
        foreach ($n in $C, $R, $S) {
            (Get-OLink $n lo).flags | Should -Contain 'UP'
            (Get-OLinkNames $n | Sort-Object) -join ',' | Should -BeExactly $(switch ($n) { $C { 'c0,lo' } $R { 'lo,r0,r1' } $S { 'lo,s0' } })
        }
    }

    It 'has the addresses ip shows' {
        ((Get-OAddr $C c0 '-4').local) | Should -BeExactly '10.81.1.2'
        ((Get-OAddr $R r0 '-4').local) | Should -BeExactly '10.81.1.1'
        ((Get-OAddr $R r1 '-4').local) | Should -BeExactly '10.81.2.1'
        ((Get-OAddr $S s0 '-4').local) | Should -BeExactly '10.81.2.2'
        ((Get-OAddr $S s0 '-6' | Where-Object scope -eq 'global').local) | Should -BeExactly 'fd00:81:2::2'
        (Get-OAddr $C lo '-4').local | Should -BeExactly '127.0.0.1'
    }

    It 'has default routes via the router in client and server, as ip shows' {
        (Get-ORoute $C | Where-Object dst -eq 'default').gateway | Should -BeExactly '10.81.1.1'
        (Get-ORoute $S | Where-Object dst -eq 'default').gateway | Should -BeExactly '10.81.2.1'
        (Get-ORoute $C '-6' | Where-Object dst -eq 'default').gateway | Should -BeExactly 'fd00:81:1::1'
        (Get-ORoute $S '-6' | Where-Object dst -eq 'default').gateway | Should -BeExactly 'fd00:81:2::1'
        Get-ORoute $R | Where-Object dst -eq 'default' | Should -BeNullOrEmpty -Because 'the router only has its two connected networks'
        (Get-NetNamespaceRoute -Namespace $C -DestinationPrefix default -AddressFamily IPv4).NextHop | Should -BeExactly '10.81.1.1'
    }

    It 'does not connect while the router does not forward (the default)' {
        Get-OSysctl $R net.ipv4.ip_forward | Should -BeExactly '0'
        $l = Start-SocketListener $S 10.81.2.2 18091 -Reply 'hello from srv'
        $r = Invoke-SocketClient $C 10.81.2.2 18091
        $r.ExitCode | Should -Not -Be 0
        $r.Output | Should -Not -Match 'hello from srv'
        Test-SocketListenerWaiting $l | Should -BeTrue -Because 'nothing reached the listener'
        Stop-SocketListener $l
    }

    It 'connects over TCP from the client namespace to the server namespace once forwarding is on in the router' {
        Set-NetNamespaceSysctl -Namespace $R -Name net.ipv4.ip_forward -Value 1 -ErrorAction Stop
        Get-OSysctl $R net.ipv4.ip_forward | Should -BeExactly '1'
        Get-OSysctl $C net.ipv4.ip_forward | Should -BeExactly '0'
        Get-OSysctl $S net.ipv4.ip_forward | Should -BeExactly '0'
        $l = Start-SocketListener $S 10.81.2.2 18092 -Reply 'hello from srv'
        $r = Invoke-SocketClient $C 10.81.2.2 18092
        $r.Output | Should -BeExactly 'hello from srv'
        $r.ExitCode | Should -Be 0
        Receive-SocketListener $l | Should -BeExactly '10.81.1.2' -Because 'the router forwards, it does not translate'
    }

    It 'connects over IPv6 once IPv6 forwarding is on in the router' {
        Set-NetNamespaceSysctl -Namespace $R -Name net.ipv6.conf.all.forwarding -Value 1 -ErrorAction Stop
        Get-OSysctl $R net.ipv6.conf.all.forwarding | Should -BeExactly '1'
        $l = Start-SocketListener $S fd00:81:2::2 18093 -Reply 'hello over v6'
        $r = Invoke-SocketClient $C fd00:81:2::2 18093
        $r.Output | Should -BeExactly 'hello over v6'
        Receive-SocketListener $l | Should -BeExactly 'fd00:81:1::2'
    }

    It 'stops connecting when forwarding is turned off again' {
        Set-NetNamespaceSysctl -Namespace $R -Name net.ipv4.ip_forward -Value 0 -ErrorAction Stop
        Get-OSysctl $R net.ipv4.ip_forward | Should -BeExactly '0'
        $l = Start-SocketListener $S 10.81.2.2 18094 -Reply 'hello from srv'
        $r = Invoke-SocketClient $C 10.81.2.2 18094
        $r.ExitCode | Should -Not -Be 0
        $r.Output | Should -Not -Match 'hello from srv'
        Test-SocketListenerWaiting $l | Should -BeTrue
        Stop-SocketListener $l
    }

    It 'tears down: removing the namespaces removes the veths with them' {
        Remove-NetNamespace -Name $C, $R, $S -Force -ErrorAction Stop -WarningAction SilentlyContinue
        foreach ($n in $C, $R, $S) { Get-IpNetnsNames | Should -Not -Contain $n }
        Get-OLink '' c0 | Should -BeNullOrEmpty
        Get-OLink '' r0 | Should -BeNullOrEmpty
    }
}

Describe 'New-NetLab with the seed 004 example' {
    BeforeAll {
        $script:P = "${Prefix}a-"
        $script:Lab = New-NetLab -Definition $Example -Prefix $P
        $script:Client = "${P}client"; $script:Router = "${P}router"; $script:Outside = "${P}outside"
    }
    AfterAll { if ($Lab) { Remove-NetLab -InputObject $Lab -Confirm:$false } }

    It 'emits a NetLab naming its namespaces, links, routes and NAT' {
        $Lab.PSObject.TypeNames[0] | Should -Be 'NetnsPS.NetLab'
        $Lab.Name | Should -Be 'seed004'
        $Lab.Prefix | Should -Be $P
        $Lab.Namespaces | Should -Be @($Client, $Router, $Outside)
        $Lab.NamespaceOf('router') | Should -Be $Router
        $Lab.Links.Count | Should -Be 2
        $Lab.Routes | Should -Be @("${Client}: default via 10.0.1.1")
        $Lab.Nat | Should -Be @("${Router}: masquerade on wan0")
    }

    It 'made the namespaces (ip netns list) with lo up' {
        $names = Get-IpNetnsNames
        foreach ($n in $Client, $Router, $Outside) {
            $names | Should -Contain $n
            (Get-IpLink $n 'lo').operstate | Should -Be 'UNKNOWN'
            (Get-IpLink $n 'lo').flags | Should -Contain 'UP'
        }
    }

    It 'wired veth pairs between the right namespaces (ip -j -d link)' {
        $eth0 = Get-IpLink $Client 'eth0'
        $eth0.linkinfo.info_kind | Should -Be 'veth'
        $eth0.flags | Should -Contain 'UP'
        $lan0 = Get-IpLink $Router 'lan0'
        # each end's peer index is the other end's ifindex
        $eth0.link_index | Should -Be $lan0.ifindex
        $lan0.link_index | Should -Be $eth0.ifindex
        (Get-IpLink $Outside 'eth0').link_index | Should -Be (Get-IpLink $Router 'wan0').ifindex
    }

    It 'put the addresses on the adapters (ip -j addr)' {
        function Local([string] $Ns, [string] $If) { ((Get-IpAddr $Ns | Where-Object ifname -eq $If).addr_info | Where-Object family -eq inet).local }
        Local $Client eth0 | Should -Be '10.0.1.2'
        Local $Router lan0 | Should -Be '10.0.1.1'
        Local $Router wan0 | Should -Be '198.51.100.1'
        Local $Outside eth0 | Should -Be '198.51.100.2'
    }

    It 'added the default route in the client (ip -j route)' {
        $r = Get-IpRoute $Client | Where-Object dst -eq 'default'
        $r.gateway | Should -Be '10.0.1.1'
        $r.dev | Should -Be 'eth0'
        Get-IpRoute $Outside | Where-Object dst -eq 'default' | Should -BeNullOrEmpty
    }

    It 'turned on forwarding in the router only (/proc/sys inside each namespace)' {
        (ip netns exec $Router cat /proc/sys/net/ipv4/ip_forward) | Should -Be '1'
        (ip netns exec $Router cat /proc/sys/net/ipv6/conf/all/forwarding) | Should -Be '1'
        (ip netns exec $Client cat /proc/sys/net/ipv4/ip_forward) | Should -Be '0'
    }

    It 'loaded a masquerade rule on wan0 in the router (nft -j list ruleset)' {
        $nft = Get-NftOracle
        if (-not $nft) { Set-ItResult -Skipped -Because $NoNftReason; return }
        $rules = (ip netns exec $Router $nft -j list ruleset | ConvertFrom-Json).nftables | Where-Object { $_.rule }
        $rules.Count | Should -Be 1
        $json = $rules[0].rule | ConvertTo-Json -Depth 20 -Compress
        $json | Should -Match '"masquerade"'
        $json | Should -Match '"oifname"'
        $json | Should -Match '"wan0"'
        (ip netns exec $Client $nft -j list ruleset | ConvertFrom-Json).nftables | Where-Object { $_.rule } | Should -BeNullOrEmpty
        (ip netns exec $Outside $nft -j list ruleset | ConvertFrom-Json).nftables | Where-Object { $_.table } | Should -BeNullOrEmpty
    }

    It 'lets the client ping the outside address (ICMP from a raw socket inside the client)' {
        $r = @(Test-NetNamespaceConnection -Namespace $Client -Target 198.51.100.2 -Count 2 -Delay 0)
        $r.Count | Should -Be 2
        $r.Status | Should -Be @('Success', 'Success')
        $r[0].PSObject.TypeNames[0] | Should -Be 'NetnsPS.NetConnectionResult'
        $r[0].ReplyFrom | Should -Be '198.51.100.2'
        $r[0].RoundTripMs | Should -BeGreaterThan 0
        $r[1].Sequence | Should -Be 2
    }

    It 'lets the client reach the outside over TCP, seen there from the router address (NAT)' {
        $l = Start-SocketListener $Outside 198.51.100.2 18301
        $r = Test-NetNamespaceConnection -Namespace $Client -Target 198.51.100.2 -Port 18301
        $r.Status | Should -Be 'Success'
        $r.Source | Should -Be '10.0.1.2'
        Receive-SocketListener $l | Should -Be '198.51.100.1'
    }

    It 'NAT is what hides the client: a perl client from the client namespace is seen as the router too' {
        $l = Start-SocketListener $Outside 198.51.100.2 18302
        (Invoke-SocketClient $Client 198.51.100.2 18302).ExitCode | Should -Be 0
        Receive-SocketListener $l | Should -Be '198.51.100.1'
    }

    It 'reports a refused port, an unanswered address and -Quiet as Booleans' {
        (Test-NetNamespaceConnection -Namespace $Client -Target 198.51.100.2 -Port 18399).Status | Should -Be 'Refused'
        $t = Test-NetNamespaceConnection -Namespace $Client -Target 198.51.100.77 -TimeoutSeconds 0.3
        $t.Status | Should -BeIn 'TimedOut', 'Unreachable'
        $t.Success | Should -BeFalse
        Test-NetNamespaceConnection -Namespace $Client -Target 198.51.100.2, 198.51.100.77 -TimeoutSeconds 0.3 -Quiet | Should -Be @($true, $false)
    }

    It 'is listed by Get-NetLab with every namespace present' {
        $l = Get-NetLab -Prefix $P
        $l.Name | Should -Be 'seed004'
        $l.NamespacesPresent | Should -Be 3
        $l.Namespaces | Should -Be $Lab.Namespaces
        @(Get-NetLab -Name seed004 | Where-Object Prefix -eq $P).Count | Should -Be 1
    }
}

Describe 'Remove-NetLab' {
    It 'removes everything the lab made and nothing else, and is idempotent' {
        $p = "${Prefix}r-"
        ip netns add "${p}bystander"
        try {
            $lab = New-NetLab -Definition $Example -Prefix $p
            (Get-LabLeftover $p).Count | Should -BeGreaterThan 3
            $lab | Remove-NetLab -Confirm:$false
            Get-LabLeftover $p | Should -Be @("${p}bystander", "/run/netns/${p}bystander")
            Get-IpNetnsNames | Should -Contain "${p}bystander"
            { $lab | Remove-NetLab -Confirm:$false -ErrorAction Stop } | Should -Not -Throw
            Get-NetLab -Prefix $p -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally { ip netns delete "${p}bystander" 2>$null }
    }

    It 'finishes a half-deleted lab' {
        $p = "${Prefix}h-"
        New-NetLab -Definition $Example -Prefix $p | Out-Null
        ip netns delete "${p}router"
        (Get-NetLab -Prefix $p).NamespacesPresent | Should -Be 2
        Remove-NetLab -Prefix $p -Confirm:$false -ErrorAction Stop
        Get-LabLeftover $p | Should -BeNullOrEmpty
    }

    It 'kills processes inside the lab with -Force' {
        $p = "${Prefix}k-"
        $lab = New-NetLab -Definition $Example -Prefix $p
        $sleeper = Start-InNamespace "${p}client" 60
        $lab | Remove-NetLab -Force -Confirm:$false
        $sleeper.WaitForExit(5000) | Should -BeTrue
        Get-LabLeftover $p | Should -BeNullOrEmpty
    }

    It 'writes NetLabNotFound for a literal name that matches no lab' {
        Remove-NetLab -Name "${Prefix}nosuchlab" -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'NetLabNotFound,*'
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'honours -WhatIf' {
        $p = "${Prefix}w-"
        $lab = New-NetLab -Definition $Example -Prefix $p
        try {
            $lab | Remove-NetLab -WhatIf
            (Get-NetLab -Prefix $p).NamespacesPresent | Should -Be 3
        }
        finally { $lab | Remove-NetLab -Confirm:$false }
    }
}

Describe 'New-NetLab definitions' {
    It 'builds two labs from one definition side by side with different prefixes' {
        $a = New-NetLab -Definition $Example -Prefix "${Prefix}x-"
        $b = New-NetLab -Definition $Example -Prefix "${Prefix}y-"
        try {
            (Get-NetLab -Name seed004 | Where-Object Prefix -like "${Prefix}*").Prefix | Sort-Object | Should -Be @("${Prefix}x-", "${Prefix}y-")
            (Test-NetNamespaceConnection -Namespace "${Prefix}x-client" -Target 198.51.100.2).Success | Should -BeTrue
            (Test-NetNamespaceConnection -Namespace "${Prefix}y-client" -Target 198.51.100.2).Success | Should -BeTrue
            $a | Remove-NetLab -Confirm:$false
            (Get-NetLab -Prefix "${Prefix}y-").NamespacesPresent | Should -Be 3
        }
        finally { $a, $b | Remove-NetLab -Confirm:$false }
        Get-LabLeftover "${Prefix}x-" | Should -BeNullOrEmpty
        Get-LabLeftover "${Prefix}y-" | Should -BeNullOrEmpty
    }

    It 'leaves nothing behind when its fifth step fails, and names the step' {
        $p = "${Prefix}f-"
        $def = @{
            Name       = 'broken'
            Namespaces = 'a', 'b'
            Links      = @(@{ Mtu = 70000; Endpoints = @(@{ Namespace = 'a'; Adapter = 'e0'; Address = '10.9.0.1/24' }, @{ Namespace = ''; Adapter = 'h0' }) })
        }
        # steps: create a, create b, lo up in a, lo up in b, create the veth (fails: MTU too large for the kernel)
        { New-NetLab -Definition $def -Prefix $p -ErrorAction Stop } | Should -Throw -ErrorId 'NetLabBuildFailed,NetnsPS.Commands.NewNetLabCommand' -ExpectedMessage '*step 5 of *create veth*'
        Get-LabLeftover $p | Should -BeNullOrEmpty
        Get-IpNetnsNames | Where-Object { $_ -like "$p*" } | Should -BeNullOrEmpty
    }

    It 'links a namespace to the host with a prefixed host adapter, removed with the lab' {
        $p = "${Prefix}o-"
        $def = @{ Namespaces = @('n'); Links = @(@{ Endpoints = @(@{ Namespace = 'n'; Adapter = 'eth0'; Address = '10.9.1.2/30' }, @{ Namespace = ''; Adapter = 'h0' }) }) }
        $lab = New-NetLab -Definition $def -Prefix $p
        try {
            $lab.HostAdapters | Should -Be @("${p}h0")
            $h = Get-IpLink '' "${p}h0"
            $h.linkinfo.info_kind | Should -Be 'veth'
            $h.link_index | Should -Be (Get-IpLink "${p}n" 'eth0').ifindex
        }
        finally { $lab | Remove-NetLab -Confirm:$false }
        Get-IpLink '' "${p}h0" | Should -BeNullOrEmpty
        Get-LabLeftover $p | Should -BeNullOrEmpty
    }

    It 'reads JSON definitions, and builds dual-stack' {
        $json = "/tmp/${Prefix}lab.json"
        @{
            Name       = 'json'
            Namespaces = @(@{ Name = 'l' }, @{ Name = 'r' })
            Links      = @(@{ Endpoints = @(
                        @{ Namespace = 'l'; Adapter = 'e0'; Address = @('10.9.2.1/24', 'fd00:9:2::1/64') },
                        @{ Namespace = 'r'; Adapter = 'e0'; Address = @('10.9.2.2/24', 'fd00:9:2::2/64') }) })
        } | ConvertTo-Json -Depth 10 | Set-Content $json
        $lab = New-NetLab -Definition $json -Prefix "${Prefix}j-"
        try {
            $lab.Name | Should -Be 'json'
            ((Get-IpAddr "${Prefix}j-r" | Where-Object ifname -eq 'e0').addr_info | Where-Object family -eq inet6 | Where-Object scope -eq global).local | Should -Be 'fd00:9:2::2'
            (Test-NetNamespaceConnection -Namespace "${Prefix}j-l" -Target fd00:9:2::2).Status | Should -Be 'Success'
            (Test-NetNamespaceConnection -Namespace "${Prefix}j-l" -Target fd00:9:2::2).Protocol | Should -Be 'IcmpV6'
        }
        finally { $lab | Remove-NetLab -Confirm:$false }
    }

    It 'rejects <Case> before making anything (InvalidLabDefinition)' -ForEach @(
        @{ Case = 'an unknown key'; Def = @{ Namespaces = 'a'; Colour = 'red' }; Msg = "*unknown key 'Colour'*" }
        @{ Case = 'a link to an undefined namespace'; Def = @{ Namespaces = 'a'; Links = @(@{ Endpoints = @(@{ Namespace = 'a'; Adapter = 'e0' }, @{ Namespace = 'zz'; Adapter = 'e0' }) }) }; Msg = "*'zz' is not one of the lab's namespaces*" }
        @{ Case = 'a bad address'; Def = @{ Namespaces = 'a', 'b'; Links = @(@{ Endpoints = @(@{ Namespace = 'a'; Adapter = 'e0'; Address = '10.1.2.300/24' }, @{ Namespace = 'b'; Adapter = 'e0' }) }) }; Msg = '*Address*' }
        @{ Case = 'an address without prefix length'; Def = @{ Namespaces = 'a', 'b'; Links = @(@{ Endpoints = @(@{ Namespace = 'a'; Adapter = 'e0'; Address = '10.1.2.3' }, @{ Namespace = 'b'; Adapter = 'e0' }) }) }; Msg = '*needs a prefix length*' }
        @{ Case = 'a one-ended link'; Def = @{ Namespaces = 'a'; Links = @(@{ Endpoints = @(@{ Namespace = 'a'; Adapter = 'e0' }) }) }; Msg = '*exactly two endpoints*' }
        @{ Case = 'masquerade on an unknown adapter'; Def = @{ Namespaces = @(@{ Name = 'a'; Masquerade = 'nope0' }) }; Msg = "*'nope0' is not an endpoint*" }
        @{ Case = 'a duplicate namespace'; Def = @{ Namespaces = 'a', 'a' }; Msg = '*defined twice*' }
    ) {
        $p = "${Prefix}v-"
        { New-NetLab -Definition $Def -Prefix $p -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidLabDefinition,NetnsPS.Commands.NewNetLabCommand' -ExpectedMessage $Msg
        Get-LabLeftover $p | Should -BeNullOrEmpty
    }

    It 'refuses a prefix already in use (NetLabAlreadyExists) without touching the first lab' {
        $p = "${Prefix}d-"
        $lab = New-NetLab -Definition $Example -Prefix $p
        try {
            { New-NetLab -Definition @{ Name = 'other'; Namespaces = 'q' } -Prefix $p -ErrorAction Stop } | Should -Throw -ErrorId 'NetLabAlreadyExists,NetnsPS.Commands.NewNetLabCommand'
            (Get-NetLab -Prefix $p).NamespacesPresent | Should -Be 3
            Get-IpNetnsNames | Should -Not -Contain "${p}q"
        }
        finally { $lab | Remove-NetLab -Confirm:$false }
    }

    It 'removes what it made when stopped midway (Ctrl+C, StopProcessing)' {
        $p = "${Prefix}c-"
        $links = foreach ($i in 1..59) {
            @{ Endpoints = @(@{ Namespace = "n$i"; Adapter = 'r'; Address = "10.8.$i.1/24" }, @{ Namespace = "n$($i + 1)"; Adapter = 'l'; Address = "10.8.$i.2/24" }) }
        }
        $def = @{ Name = 'big'; Namespaces = @(1..60 | ForEach-Object { "n$_" }); Links = @($links) }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument($env:NETNSPS_MODULE_PATH).AddStatement().
                AddCommand('New-NetLab').AddParameter('Definition', $def).AddParameter('Prefix', $p)
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while (@(Get-ChildItem /run/netns -Filter "$p*" -ErrorAction SilentlyContinue).Count -lt 5 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 2 }
            $ps.Stop()
            try { $null = $ps.EndInvoke($async) } catch { }
        }
        finally { $ps.Dispose() }
        Get-LabLeftover $p | Should -BeNullOrEmpty
    }

    It 'completes lab names and prefixes' {
        $p = "${Prefix}q-"
        $lab = New-NetLab -Definition @{ Name = "${Prefix}cmpl"; Namespaces = 'a' } -Prefix $p
        try {
            $line = "Remove-NetLab -Name ${Prefix}cm"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be "${Prefix}cmpl"
            $line = "Get-NetLab -Prefix ${Prefix}q"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be $p
        }
        finally { $lab | Remove-NetLab -Confirm:$false }
    }

    It 'makes nothing with -WhatIf' {
        New-NetLab -Definition $Example -Prefix "${Prefix}n-" -WhatIf | Should -BeNullOrEmpty
        Get-LabLeftover "${Prefix}n-" | Should -BeNullOrEmpty
    }
}

Describe 'New-NetLab bridges' {
    BeforeAll {
        # A switch namespace holding br0 (with its own address) and three hosts, each cabled to a port of br0.
        $script:P = "${Prefix}b-"
        $script:BridgeDef = @{
            Name       = 'lan'
            Namespaces = 'sw', 'h1', 'h2', 'h3'
            Bridges    = @(@{ Namespace = 'sw'; Name = 'br0'; Address = '10.9.5.254/24' })
            Links      = @(1..3 | ForEach-Object {
                    @{ Endpoints = @(@{ Namespace = "h$_"; Adapter = 'eth0'; Address = "10.9.5.$_/24" }, @{ Namespace = 'sw'; Adapter = "p$_"; Bridge = 'br0' }) }
                })
        }
        $script:Lab = New-NetLab -Definition $BridgeDef -Prefix $P
        $script:Sw = "${P}sw"
    }
    AfterAll { if ($Lab) { Remove-NetLab -InputObject $Lab -Confirm:$false } }

    It 'made br0 in the switch namespace only, a bridge, up, with its address (ip -j -d link, ip -j addr)' {
        $br = Get-IpLink $Sw 'br0'
        $br.linkinfo.info_kind | Should -Be 'bridge'
        $br.flags | Should -Contain 'UP'
        $br.operstate | Should -Be 'UP'
        ((Get-IpAddr $Sw | Where-Object ifname -eq 'br0').addr_info | Where-Object family -eq inet).local | Should -Be '10.9.5.254'
        foreach ($h in 'h1', 'h2', 'h3') { Get-IpLink "${P}$h" | Where-Object { $_.linkinfo.info_kind -eq 'bridge' } | Should -BeNullOrEmpty }
        Get-IpLink '' | Where-Object { $_.ifname -like "$P*" } | Should -BeNullOrEmpty
    }

    It 'made every switch end of a link an up port of br0 without addresses, cabled to its host' {
        $ports = @(ip -n $Sw -j -d link show master br0 | ConvertFrom-Json)
        $ports.ifname | Sort-Object | Should -Be @('p1', 'p2', 'p3')
        foreach ($i in 1..3) {
            $port = Get-IpLink $Sw "p$i"
            $port.master | Should -Be 'br0'
            $port.linkinfo.info_kind | Should -Be 'veth'
            $port.linkinfo.info_slave_kind | Should -Be 'bridge'
            $port.linkinfo.info_slave_data.state | Should -Be 'forwarding'
            $port.flags | Should -Contain 'UP'
            $port.operstate | Should -Be 'UP'
            $port.link_index | Should -Be (Get-IpLink "${P}h$i" 'eth0').ifindex
            (Get-IpAddr $Sw | Where-Object ifname -eq "p$i").addr_info | Where-Object family -eq inet | Should -BeNullOrEmpty
        }
    }

    It 'carries traffic between the hosts through the bridge (perl TCP inside the namespaces, ICMP)' {
        # h1 -> h2 over TCP with perl on both sides (no module code); h2 sees h1's own address: plain L2, no NAT.
        $l = Start-SocketListener "${P}h2" 10.9.5.2 18311
        (Invoke-SocketClient "${P}h1" 10.9.5.2 18311).ExitCode | Should -Be 0
        Receive-SocketListener $l | Should -Be '10.9.5.1'
        (Test-NetNamespaceConnection -Namespace "${P}h2" -Target 10.9.5.3, 10.9.5.254).Status | Should -Be @('Success', 'Success')
        # the bridge learned the hosts' MACs on their ports (bridge fdb, independent of the module)
        $mac1 = (Get-IpLink "${P}h1" 'eth0').address
        $fdb = @(bridge -n $Sw -j fdb show br br0 | ConvertFrom-Json)
        ($fdb | Where-Object { $_.mac -eq $mac1 }).ifname | Should -Be 'p1'
        # and an address nobody has is not answered
        (Test-NetNamespaceConnection -Namespace "${P}h1" -Target 10.9.5.77 -TimeoutSeconds 0.3).Success | Should -BeFalse
    }

    It 'draws each port''s link to br0 in ConvertTo-NetNamespaceGraph (dashed edges)' {
        $text = Get-NetNamespaceAdapter -Namespace $Sw, "${P}h1" | ConvertTo-NetNamespaceGraph -Format Mermaid
        # namespaces in ordinal order: h1 (n0: eth0, lo), sw (n1: br0, lo, p1, p2, p3)
        $text | Should -Match "subgraph ns1\[`"$([regex]::Escape($Sw))`"\]"
        $text | Should -Match '(?m)^  n0_0 --- n1_2$'
        foreach ($k in 2..4) { $text | Should -Match "(?m)^  n1_$k -\.- n1_0$" }
        @([regex]::Matches($text, ' -\.- ')).Count | Should -Be 3
        $dot = Get-NetNamespaceAdapter -Namespace $Sw | ConvertTo-NetNamespaceGraph -Format Dot
        @([regex]::Matches($dot, ' -- n0_0 \[style=dashed\];')).Count | Should -Be 3
    }

    It 'reports the bridge in its output, Get-NetLab and the state file' {
        $Lab.Bridges.Count | Should -Be 1
        $Lab.Bridges[0].Namespace | Should -Be $Sw
        $Lab.Bridges[0].Name | Should -Be 'br0'
        $Lab.Bridges[0].Addresses | Should -Be @('10.9.5.254/24')
        $Lab.Bridges[0].Ports | Should -Be @('p1', 'p2', 'p3')
        $Lab.Links[0].B.Bridge | Should -Be 'br0'
        $Lab.Links[0].A.Bridge | Should -BeNullOrEmpty
        $l = Get-NetLab -Prefix $P
        $l.Bridges[0].Name | Should -Be 'br0'
        $l.Bridges[0].Ports | Should -Be @('p1', 'p2', 'p3')
        $l.Links[2].B.Bridge | Should -Be 'br0'
        $state = Get-Content $l.StatePath -Raw | ConvertFrom-Json
        $state.Bridges[0].Namespace | Should -Be $Sw
        $state.Definition.Bridges[0].Name | Should -Be 'br0'
        $state.Definition.Links[1].Endpoints[1].Bridge | Should -Be 'br0'
        ($l | Format-List | Out-String) | Should -Match "$([regex]::Escape($Sw))/br0 \(10\.9\.5\.254/24\) ports: p1, p2, p3"
    }

    It 'shows its Definition as a summary and a list, never as .NET type names, and keeps it usable as data (<Source>)' -ForEach @(
        @{ Source = 'New-NetLab' }
        @{ Source = 'Get-NetLab' }
    ) {
        $l = if ($Source -eq 'New-NetLab') { $Lab } else { Get-NetLab -Prefix $P }
        $d = $l.Definition
        $d | Should -BeOfType ([NetnsPS.NetLabDefinition])
        "$d" | Should -BeExactly 'lan: 4 namespaces, 3 links, 1 bridge'
        $shown = ($l | Format-List * | Out-String) + ($l | Format-List | Out-String) + ($d | Out-String) + ($l | Select-Object * | Out-String)
        $shown | Should -Not -Match 'System\.Collections|`[12]\['
        ($l | Format-List | Out-String) | Should -Match 'Definition\s*:\s*lan: 4 namespaces, 3 links, 1 bridge'
        $list = $d | Out-String
        $list | Should -Match 'Namespaces\s*:\s*sw, h1, h2, h3'
        $list | Should -Match 'h1/eth0 \(10\.9\.5\.1/24\) <-> sw/p1 \[br0\]'
        $list | Should -Match 'sw/br0 \(10\.9\.5\.254/24\)'
        # as data: what the definition said, and JSON with the same content as the state file's Definition
        $d.Name | Should -BeExactly 'lan'
        $d.Namespaces.Name | Should -Be @('sw', 'h1', 'h2', 'h3')
        $d.Links[2].Endpoints[1].Adapter | Should -BeExactly 'p3'
        $d.Bridges[0].Address | Should -Be @('10.9.5.254/24')
        $state = (Get-Content $l.StatePath -Raw | ConvertFrom-Json).Definition
        ($d.ToJson() | ConvertFrom-Json | ConvertTo-Json -Depth 10 -Compress) | Should -BeExactly ($state | ConvertTo-Json -Depth 10 -Compress)
    }

    It 'builds the same lab again from the Definition in its state file (round trip through JSON, with -Name)' {
        $p2 = "${Prefix}b2-"
        $again = New-NetLab -Definition (Get-NetLab -Prefix $P).Definition -Prefix $p2 -Name 'lan2'
        try {
            $again.Name | Should -Be 'lan2'
            $again.Bridges[0].Ports | Should -Be @('p1', 'p2', 'p3')
            (Get-IpLink "${p2}sw" 'p2').master | Should -Be 'br0'
            (Test-NetNamespaceConnection -Namespace "${p2}h1" -Target 10.9.5.3).Success | Should -BeTrue
        }
        finally { $again | Remove-NetLab -Confirm:$false }
        Get-LabLeftover $p2 | Should -BeNullOrEmpty
    }

    It 'is removed completely by Remove-NetLab' {
        $p3 = "${Prefix}b3-"
        $lab3 = New-NetLab -Definition $BridgeDef -Prefix $p3
        (Get-IpLink "${p3}sw" 'br0').linkinfo.info_kind | Should -Be 'bridge'
        $lab3 | Remove-NetLab -Confirm:$false
        Get-LabLeftover $p3 | Should -BeNullOrEmpty
        Get-IpLink '' | Where-Object { $_.linkinfo.info_kind -eq 'bridge' -and $_.ifname -like "$p3*" } | Should -BeNullOrEmpty
    }

    It 'leaves nothing behind when step <Step> (<Case>) fails' -ForEach @(
        # steps: create sw, create h1, lo up in sw, lo up in h1, create bridge (5), create veth (6), make p1 a port (7),
        # bridge address (8), h1/eth0 address (9), bridge up (10), eth0 and p1 up (11, 12), route (13)
        @{ Case = 'the bridge itself'; Step = 5; What = 'create bridge*'; Def = @{ Namespaces = 'sw', 'h1'; Bridges = @(@{ Namespace = 'sw'; Name = 'lo' }) } }
        @{ Case = 'the first port''s veth'; Step = 6; What = 'create veth*'; Def = @{ Namespaces = 'sw', 'h1'; Bridges = @(@{ Namespace = 'sw'; Name = 'br0' })
                Links = @(@{ Mtu = 70000; Endpoints = @(@{ Namespace = 'h1'; Adapter = 'eth0' }, @{ Namespace = 'sw'; Adapter = 'p1'; Bridge = 'br0' }) }) } }
        @{ Case = 'a route after the bridge is wired and up'; Step = 13; What = 'add route*'
            Def = @{ Namespaces = 'sw', @{ Name = 'h1'; Routes = @(@{ Destination = '10.77.0.0/16'; Gateway = '10.66.0.1' }) }
                Bridges = @(@{ Namespace = 'sw'; Name = 'br0'; Address = '10.9.6.254/24' })
                Links = @(@{ Endpoints = @(@{ Namespace = 'h1'; Adapter = 'eth0'; Address = '10.9.6.1/24' }, @{ Namespace = 'sw'; Adapter = 'p1'; Bridge = 'br0' }) }) } }
    ) {
        $p = "${Prefix}bf-"
        # Note each namespace's inode while the build runs (its verbose step records stream through the pipeline).
        $inodes = @{}
        $err = $null
        try {
            New-NetLab -Definition $Def -Prefix $p -Verbose -ErrorAction Stop 4>&1 | ForEach-Object {
                Get-ChildItem /run/netns -Filter "$p*" | ForEach-Object { $inodes[$_.Name] = Get-FileInode $_.FullName }
            }
        }
        catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'NetLabBuildFailed,NetnsPS.Commands.NewNetLabCommand'
        $err.Exception.Message | Should -BeLike "*step $Step of *$What"
        $inodes.Keys | Sort-Object | Should -Be @("${p}h1", "${p}sw")
        Get-LabLeftover $p | Should -BeNullOrEmpty
        # Nothing keeps a namespace (and so its bridge) alive unseen: no thread or descriptor of this process, no process anywhere.
        $fds = @(Get-ChildItem /proc/self/fd | ForEach-Object { $_.LinkTarget })
        $inNs = @(lsns -t net -J | ConvertFrom-Json | ForEach-Object namespaces | ForEach-Object ns)
        foreach ($i in $inodes.Values) {
            Get-TasksInNamespace $i | Should -BeNullOrEmpty
            $fds | Should -Not -Contain "net:[$i]"
            $inNs | Should -Not -Contain $i
        }
        Get-IpNetnsNames | Where-Object { $_ -like "$p*" } | Should -BeNullOrEmpty
        Get-NetLab -Prefix $p -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'rejects <Case> before making anything (InvalidLabDefinition naming the key)' -ForEach @(
        @{ Case = 'an unknown bridge'; Msg = "*Links``[0``].Endpoints``[1``].Bridge: no bridge 'br9' in namespace 'sw'*"
            Def = @{ Namespaces = 'sw', 'h'; Bridges = @(@{ Namespace = 'sw'; Name = 'br0' }); Links = @(@{ Endpoints = @(@{ Namespace = 'h'; Adapter = 'e0' }, @{ Namespace = 'sw'; Adapter = 'p1'; Bridge = 'br9' }) }) } }
        @{ Case = 'a bridge of another namespace'; Msg = "*Links``[0``].Endpoints``[0``].Bridge: no bridge 'br0' in namespace 'h'*"
            Def = @{ Namespaces = 'sw', 'h'; Bridges = @(@{ Namespace = 'sw'; Name = 'br0' }); Links = @(@{ Endpoints = @(@{ Namespace = 'h'; Adapter = 'e0'; Bridge = 'br0' }, @{ Namespace = 'sw'; Adapter = 'p1' }) }) } }
        @{ Case = 'a bridge in the host'; Msg = '*Bridges`[0`].Namespace: *never in the host*'
            Def = @{ Namespaces = 'sw'; Bridges = @(@{ Namespace = ''; Name = 'br0' }) } }
        @{ Case = 'a bridge without a namespace'; Msg = '*Bridges`[0`].Namespace: *never in the host*'
            Def = @{ Namespaces = 'sw'; Bridges = @(@{ Name = 'br0' }) } }
        @{ Case = 'a bridge in an undefined namespace'; Msg = "*Bridges``[0``].Namespace: 'zz' is not one of the lab's namespaces*"
            Def = @{ Namespaces = 'sw'; Bridges = @(@{ Namespace = 'zz'; Name = 'br0' }) } }
        @{ Case = 'a host end joining a bridge'; Msg = '*Links`[0`].Endpoints`[1`].Bridge: the host end*'
            Def = @{ Namespaces = 'sw'; Bridges = @(@{ Namespace = 'sw'; Name = 'br0' }); Links = @(@{ Endpoints = @(@{ Namespace = 'sw'; Adapter = 'p1' }, @{ Namespace = ''; Adapter = 'h0'; Bridge = 'br0' }) }) } }
        @{ Case = 'Bridge together with Address'; Msg = "*Links``[0``].Endpoints``[1``].Bridge: a bridge port has no addresses*10.9.7.1/24*"
            Def = @{ Namespaces = 'sw', 'h'; Bridges = @(@{ Namespace = 'sw'; Name = 'br0' }); Links = @(@{ Endpoints = @(@{ Namespace = 'h'; Adapter = 'e0' }, @{ Namespace = 'sw'; Adapter = 'p1'; Bridge = 'br0'; Address = '10.9.7.1/24' }) }) } }
        @{ Case = 'a duplicate bridge in one namespace'; Msg = "*Bridges``[1``].Name: bridge 'br0' is defined twice in namespace 'sw'*"
            Def = @{ Namespaces = 'sw'; Bridges = @(@{ Namespace = 'sw'; Name = 'br0' }, @{ Namespace = 'sw'; Name = 'br0' }) } }
        @{ Case = 'a link adapter named like a bridge'; Msg = "*Links``[0``].Endpoints``[1``].Adapter: 'br0' is the name of a bridge*"
            Def = @{ Namespaces = 'sw', 'h'; Bridges = @(@{ Namespace = 'sw'; Name = 'br0' }); Links = @(@{ Endpoints = @(@{ Namespace = 'h'; Adapter = 'e0' }, @{ Namespace = 'sw'; Adapter = 'br0' }) }) } }
        @{ Case = 'a link with both ends on one bridge (a loop)'; Msg = '*Links`[0`].Endpoints: both ends join bridges*loop*'
            Def = @{ Namespaces = 'sw'; Bridges = @(@{ Namespace = 'sw'; Name = 'br0' }); Links = @(@{ Endpoints = @(@{ Namespace = 'sw'; Adapter = 'p1'; Bridge = 'br0' }, @{ Namespace = 'sw'; Adapter = 'p2'; Bridge = 'br0' }) }) } }
        @{ Case = 'two links between two bridges (a loop)'; Msg = "*Links``[1``].Endpoints: both ends join bridges ('br0' in 's2', 'br0' in 's1') that are already one segment*"
            Def = @{ Namespaces = 's1', 's2'; Bridges = @(@{ Namespace = 's1'; Name = 'br0' }, @{ Namespace = 's2'; Name = 'br0' })
                Links = @(@{ Endpoints = @(@{ Namespace = 's1'; Adapter = 'u1'; Bridge = 'br0' }, @{ Namespace = 's2'; Adapter = 'u1'; Bridge = 'br0' }) }
                    @{ Endpoints = @(@{ Namespace = 's2'; Adapter = 'u2'; Bridge = 'br0' }, @{ Namespace = 's1'; Adapter = 'u2'; Bridge = 'br0' }) }) } }
        @{ Case = 'a bridge without a name'; Msg = '*Bridges`[0`]: has no Name*'
            Def = @{ Namespaces = 'sw'; Bridges = @(@{ Namespace = 'sw' }) } }
        @{ Case = 'an unknown bridge key (Ports: ports are named by the endpoints)'; Msg = "*Bridges``[0``]: unknown key 'Ports'*"
            Def = @{ Namespaces = 'sw'; Bridges = @(@{ Namespace = 'sw'; Name = 'br0'; Ports = 'p1' }) } }
        @{ Case = 'a bridge address without prefix length'; Msg = '*Bridges`[0`].Address: *needs a prefix length*'
            Def = @{ Namespaces = 'sw'; Bridges = @(@{ Namespace = 'sw'; Name = 'br0'; Address = '10.9.7.1' }) } }
    ) {
        $p = "${Prefix}bv-"
        { New-NetLab -Definition $Def -Prefix $p -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidLabDefinition,NetnsPS.Commands.NewNetLabCommand' -ExpectedMessage $Msg
        Get-LabLeftover $p | Should -BeNullOrEmpty
    }

    It 'joins two switches with one uplink (bridge to bridge, no loop): hosts on both reach each other' {
        $p = "${Prefix}bu-"
        $def = @{
            Namespaces = 's1', 's2', 'a', 'b'
            Bridges    = @(@{ Namespace = 's1'; Name = 'br0' }, @{ Namespace = 's2'; Name = 'br0' })
            Links      = @(
                @{ Endpoints = @(@{ Namespace = 's1'; Adapter = 'up'; Bridge = 'br0' }, @{ Namespace = 's2'; Adapter = 'up'; Bridge = 'br0' }) }
                @{ Endpoints = @(@{ Namespace = 'a'; Adapter = 'eth0'; Address = '10.9.9.1/24' }, @{ Namespace = 's1'; Adapter = 'pa'; Bridge = 'br0' }) }
                @{ Endpoints = @(@{ Namespace = 'b'; Adapter = 'eth0'; Address = '10.9.9.2/24' }, @{ Namespace = 's2'; Adapter = 'pb'; Bridge = 'br0' }) })
        }
        $lab = New-NetLab -Definition $def -Prefix $p
        try {
            (Get-IpLink "${p}s1" 'up').master | Should -Be 'br0'
            (Get-IpLink "${p}s2" 'up').master | Should -Be 'br0'
            (Test-NetNamespaceConnection -Namespace "${p}a" -Target 10.9.9.2).Status | Should -Be 'Success'
        }
        finally { $lab | Remove-NetLab -Confirm:$false }
        Get-LabLeftover $p | Should -BeNullOrEmpty
    }

    It 'lets routes and masquerading name a bridge' {
        $p = "${Prefix}bm-"
        $def = @{
            Namespaces = @('h', @{ Name = 'sw'; Routes = @(@{ Destination = '10.9.8.0/24'; Adapter = 'br0' }); Masquerade = 'br0' })
            Bridges    = @(@{ Namespace = 'sw'; Name = 'br0' })
            Links      = @(@{ Endpoints = @(@{ Namespace = 'h'; Adapter = 'e0'; Address = '10.9.8.2/24' }, @{ Namespace = 'sw'; Adapter = 'p1'; Bridge = 'br0' }) })
        }
        $lab = New-NetLab -Definition $def -Prefix $p
        try {
            (Get-IpRoute "${p}sw" | Where-Object dst -eq '10.9.8.0/24').dev | Should -Be 'br0'
            (Get-NetNamespaceNat -Namespace "${p}sw").InterfaceAlias | Should -Be 'br0'
            $nft = Get-NftOracle
            if (-not $nft) { Set-ItResult -Skipped -Because $NoNftReason; return }
            (ip netns exec "${p}sw" $nft -j list ruleset | ConvertFrom-Json).nftables.rule.expr | ConvertTo-Json -Depth 20 -Compress | Should -Match '"br0"'
        }
        finally { $lab | Remove-NetLab -Confirm:$false }
        Get-LabLeftover $p | Should -BeNullOrEmpty
    }
}

Describe 'Test-NetNamespaceConnection input errors' {
    It 'writes NamespaceNotFound for an unknown namespace' {
        Test-NetNamespaceConnection -Namespace "${Prefix}none" -Target 10.0.0.1 -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'NamespaceNotFound,*'
    }
    It 'writes InvalidIPAddress for a target that is not an address' {
        Test-NetNamespaceConnection -Namespace '' -Target 'not-an-ip' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidIPAddress,*'
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
    It 'pings loopback in the host namespace (no traffic leaves the machine)' {
        (Test-NetNamespaceConnection -Namespace '' -Target 127.0.0.1).Status | Should -Be 'Success'
    }
}
