# The seed scenario end to end: client -- router -- server, three namespaces of our own, built only with NetnsPS
# (veth pairs, lo up, addresses, default routes, forwarding in the router), checked with ip and /proc/sys, and with
# real TCP connections whose sockets live inside the namespaces (perl started with ip netns exec).
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
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

AfterAll {
    Remove-TestLeftovers
    Assert-NoLeftovers
    @(Get-IpNetnsNames | Where-Object { $_ -like "$NsPrefix*" }) | Should -BeNullOrEmpty
}

Describe 'Netlink: A routed lab: client -- router -- server' {
    It 'is wired as ip sees it: veth ends across namespaces, all up' {
        foreach ($pair in @(@($C, 'c0', $R, 'r0'), @($R, 'r0', $C, 'c0'), @($R, 'r1', $S, 's0'), @($S, 's0', $R, 'r1'))) {
            $l = Get-OLink $pair[0] $pair[1]
            $l.linkinfo.info_kind | Should -BeExactly 'veth'
            $l.flags | Should -Contain 'UP'
            $l.operstate | Should -BeExactly 'UP'
            $l.link_index | Should -Be (Get-OLink $pair[2] $pair[3]).ifindex
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
