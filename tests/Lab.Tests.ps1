# The seed scenario end to end: client -- router -- server, three namespaces of our own, built only with NetnsPS
# (veth pairs, lo up, addresses, default routes, forwarding in the router), checked with ip and /proc/sys, and with
# real TCP connections whose sockets live inside the namespaces (perl started with ip netns exec).
BeforeAll {
    . $PSScriptRoot/netlink-common.ps1
    Assert-NetlinkNoLeftovers
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

    $script:Listeners = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()

    function Start-Listener([string] $Address, [int] $Port, [string] $Text) {
        # A one-shot TCP server inside S (perl, started by ip netns exec), returned once it listens (/proc/net/tcp* in S).
        $v6 = $Address.Contains(':')
        $module = if ($v6) { 'IO::Socket::IP' } else { 'IO::Socket::INET' }
        $code = 'alarm 15; $s = ' + $module + '->new(LocalAddr => "' + $Address + '", LocalPort => ' + $Port +
            ', Listen => 1, ReuseAddr => 1) or die "listen: $!\n"; $c = $s->accept or die; print $c "' + $Text + '\n"; close $c'
        $psi = [System.Diagnostics.ProcessStartInfo]::new('ip')
        foreach ($x in 'netns', 'exec', $S, 'perl', "-M$module", '-e', $code) { $psi.ArgumentList.Add($x) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        $p = [System.Diagnostics.Process]::Start($psi)
        $Listeners.Add($p)
        $file = if ($v6) { '/proc/net/tcp6' } else { '/proc/net/tcp' }
        $pattern = ':{0:X4} 0+:0000 0A' -f $Port
        Wait-Until { $p.HasExited -or ((ip netns exec $S cat $file) -match $pattern) } -What "listener on port $Port"
        if ($p.HasExited) { throw "listener exited: $($p.StandardError.ReadToEnd())" }
        $p
    }

    function Invoke-Client([string] $Address, [int] $Port) {
        # Connects from inside C; returns @{ Code; Out } (Out = what the server sent, or the error).
        $v6 = $Address.Contains(':')
        $module = if ($v6) { 'IO::Socket::IP' } else { 'IO::Socket::INET' }
        $code = 'alarm 5; $c = ' + $module + '->new(PeerAddr => "' + $Address + '", PeerPort => ' + $Port +
            ', Timeout => 2) or die "connect: $@ $!\n"; print scalar <$c>'
        $out = ip netns exec $C perl "-M$module" -e $code 2>&1
        @{ Code = $LASTEXITCODE; Out = "$out".Trim() }
    }
}

AfterAll {
    foreach ($p in $Listeners) { Stop-TestProcess $p }
    Remove-NetlinkTestLeftovers
    Assert-NetlinkNoLeftovers
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
        $l = Start-Listener 10.81.2.2 18091 'hello from srv'
        $r = Invoke-Client 10.81.2.2 18091
        $r.Code | Should -Not -Be 0
        $r.Out | Should -Not -Match 'hello from srv'
        $l.HasExited | Should -BeFalse -Because 'nothing reached the listener'
        Stop-TestProcess $l
    }

    It 'connects over TCP from the client namespace to the server namespace once forwarding is on in the router' {
        Set-NetNamespaceSysctl -Namespace $R -Name net.ipv4.ip_forward -Value 1 -ErrorAction Stop
        Get-OSysctl $R net.ipv4.ip_forward | Should -BeExactly '1'
        Get-OSysctl $C net.ipv4.ip_forward | Should -BeExactly '0'
        Get-OSysctl $S net.ipv4.ip_forward | Should -BeExactly '0'
        $l = Start-Listener 10.81.2.2 18092 'hello from srv'
        $r = Invoke-Client 10.81.2.2 18092
        $r.Out | Should -BeExactly 'hello from srv'
        $r.Code | Should -Be 0
        $l.WaitForExit(5000) | Should -BeTrue
        $l.ExitCode | Should -Be 0
    }

    It 'connects over IPv6 once IPv6 forwarding is on in the router' {
        Set-NetNamespaceSysctl -Namespace $R -Name net.ipv6.conf.all.forwarding -Value 1 -ErrorAction Stop
        Get-OSysctl $R net.ipv6.conf.all.forwarding | Should -BeExactly '1'
        $l = Start-Listener fd00:81:2::2 18093 'hello over v6'
        $r = Invoke-Client fd00:81:2::2 18093
        $r.Out | Should -BeExactly 'hello over v6'
        $l.WaitForExit(5000) | Should -BeTrue
    }

    It 'stops connecting when forwarding is turned off again' {
        Set-NetNamespaceSysctl -Namespace $R -Name net.ipv4.ip_forward -Value 0 -ErrorAction Stop
        Get-OSysctl $R net.ipv4.ip_forward | Should -BeExactly '0'
        $l = Start-Listener 10.81.2.2 18094 'hello from srv'
        $r = Invoke-Client 10.81.2.2 18094
        $r.Code | Should -Not -Be 0
        $r.Out | Should -Not -Match 'hello from srv'
        $l.HasExited | Should -BeFalse
        Stop-TestProcess $l
    }

    It 'tears down: removing the namespaces removes the veths with them' {
        Remove-NetNamespace -Name $C, $R, $S -Force -ErrorAction Stop -WarningAction SilentlyContinue
        foreach ($n in $C, $R, $S) { Get-IpNetnsNames | Should -Not -Contain $n }
        Get-OLink '' c0 | Should -BeNullOrEmpty
        Get-OLink '' r0 | Should -BeNullOrEmpty
    }
}
