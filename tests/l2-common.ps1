# Helpers of the L2 tests (bridges, macvlan, vxlan, tun/tap, neighbours): netlink-common.ps1 plus a real TCP exchange
# between sockets living in two namespaces (perl started with `ip netns exec`, the independent tool).
. $PSScriptRoot/netlink-common.ps1

function Test-TcpBetween {
    # Listens on $ServerAddress:$Port in $ServerNamespace, connects from $ClientNamespace; returns what the client read.
    param([string] $ServerNamespace, [string] $ServerAddress, [string] $ClientNamespace, [int] $Port)
    $listen = "`$s=IO::Socket::INET->new(LocalAddr=>'$ServerAddress',LocalPort=>$Port,Listen=>1,ReuseAddr=>1) or die; alarm 8; `$c=`$s->accept; print `$c qq(hello over $Port\n); close `$c"
    $srv = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $ServerNamespace, 'perl', '-MIO::Socket::INET', '-e', "`"$listen`"" -PassThru
    try {
        $deadline = [DateTime]::UtcNow.AddSeconds(5)
        while (-not ((ip netns exec $ServerNamespace cat /proc/net/tcp) -match (':{0:X4} 00000000:0000 0A' -f $Port)) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $connect = "`$c=IO::Socket::INET->new(PeerAddr=>'$ServerAddress',PeerPort=>$Port,Timeout=>3) or die qq(connect: `$!\n); print scalar <`$c>"
        ip netns exec $ClientNamespace perl -MIO::Socket::INET -e $connect 2>&1
    }
    finally { Stop-TestProcess $srv }
}

function Get-ONeigh {
    # `ip -j -n NS neigh show nud all [dev DEV]` (IPv4 and IPv6 neighbour entries).
    param([string] $Namespace, [string] $Device)
    $devArgs = if ($Device) { @('dev', $Device) } else { @() }
    $json = ip -n $Namespace -j neigh show nud all @devArgs 2>$null
    if ($LASTEXITCODE -ne 0 -or -not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Get-OStats {
    # rtnl_link_stats64 of one device as `ip -s -j link` reports it.
    param([string] $Namespace, [string] $Name)
    (ip -n $Namespace -s -j link show dev $Name | ConvertFrom-Json)[0].stats64
}
