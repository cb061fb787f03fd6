# The seed scenario end to end: client -- router -- server, built only with NetnsPS, checked with ip and with
# a real TCP connection whose sockets live inside the namespaces (perl, started with ip netns exec).
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:C = "${Prefix}cli"; $script:R = "${Prefix}rtr"; $script:S = "${Prefix}srv"
    New-NetNamespace -Name $C, $R, $S | Out-Null
    New-NetVethPair -Name eth0 -PeerName cli0 -Namespace $C -PeerNamespace $R | Out-Null
    New-NetVethPair -Name eth0 -PeerName srv0 -Namespace $S -PeerNamespace $R | Out-Null
    Get-NetNamespaceAdapter -Namespace $C, $R, $S | Set-NetNamespaceAdapter -State Up
    New-NetNamespaceAddress -Namespace $C -InterfaceAlias eth0 -IPAddress 10.61.1.2/24 | Out-Null
    New-NetNamespaceAddress -Namespace $R -InterfaceAlias cli0 -IPAddress 10.61.1.1/24 | Out-Null
    New-NetNamespaceAddress -Namespace $R -InterfaceAlias srv0 -IPAddress 10.61.2.1/24 | Out-Null
    New-NetNamespaceAddress -Namespace $S -InterfaceAlias eth0 -IPAddress 10.61.2.2/24 | Out-Null
    New-NetNamespaceRoute -Namespace $C -DestinationPrefix default -NextHop 10.61.1.1 | Out-Null
    New-NetNamespaceRoute -Namespace $S -DestinationPrefix default -NextHop 10.61.2.1 | Out-Null

    function Test-Tcp([int] $Port) {
        $listen = "`$s=IO::Socket::INET->new(LocalAddr=>'10.61.2.2',LocalPort=>$Port,Listen=>1,ReuseAddr=>1) or die; alarm 6; `$c=`$s->accept; print `$c qq(hello from server\n); close `$c"
        $srv = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $S, 'perl', '-MIO::Socket::INET', '-e', "`"$listen`"" -PassThru
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(5)
            while (-not ((ip netns exec $S cat /proc/net/tcp) -match (':{0:X4} 00000000:0000 0A' -f $Port)) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $connect = "`$c=IO::Socket::INET->new(PeerAddr=>'10.61.2.2',PeerPort=>$Port,Timeout=>2) or die qq(connect: `$!\n); print scalar <`$c>"
            ip netns exec $C perl -MIO::Socket::INET -e $connect 2>&1
        }
        finally { if (-not $srv.HasExited) { $srv.Kill() }; $srv.WaitForExit() }
    }
}
AfterAll { Remove-TestLeftovers }

Describe 'A routed lab across three namespaces' {
    It 'wired every end as ip sees it' {
        (Get-IpLink $C 'eth0').link_netnsid | Should -Not -BeNullOrEmpty
        ((Get-IpAddr $R | Where-Object ifname -eq 'srv0').addr_info | Where-Object family -eq inet).local | Should -Be '10.61.2.1'
        (Get-IpRoute $C | Where-Object dst -eq 'default').gateway | Should -Be '10.61.1.1'
        $peers = Get-NetNamespaceAdapter -Namespace $R -Name cli0, srv0
        ($peers | Where-Object Name -eq cli0).PeerNamespace | Should -Be $C
        ($peers | Where-Object Name -eq srv0).PeerNamespace | Should -Be $S
    }

    It 'does not connect while the router does not forward' {
        Set-NetNamespaceSysctl -Namespace $R -Name net.ipv4.ip_forward -Value 0
        $out = Test-Tcp 18081
        "$out" | Should -Not -Match 'hello from server'
    }

    It 'connects over TCP from the client namespace to the server namespace once forwarding is on' {
        Set-NetNamespaceSysctl -Namespace $R -Name net.ipv4.ip_forward -Value 1
        ip netns exec $R cat /proc/sys/net/ipv4/ip_forward | Should -Be '1'
        $out = Test-Tcp 18082
        "$out" | Should -Match 'hello from server'
    }
}
