# TCP bulk transfer between two namespaces with perl (started with `ip netns exec`, the independent tool), measured at
# the receiver: bytes after the first read over the time to the last one. Shared by tests/Qdisc.Tests.ps1 and
# bench/Invoke-ShapingBenchmark.ps1.

function Get-OQdisc {
    # `tc -j -s -n NS qdisc show [dev DEV]`: the oracle for qdiscs and their counters.
    param([string] $Namespace, [string] $Device)
    $devArgs = if ($Device) { @('dev', $Device) } else { @() }
    $json = tc -n $Namespace -j -s qdisc show @devArgs 2>$null
    if ($LASTEXITCODE -ne 0 -or -not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Measure-TcpThroughput {
    # Sends from $ClientNamespace to $ServerAddress:$Port in $ServerNamespace for $Seconds, or -Bytes bytes when given
    # (a transfer sized to a shaped rate: the sender's buffer drains at that rate after the last write); send buffer
    # capped at 256 KiB so the tail after the sender stops is short. Returns bits per second (TCP payload) as the
    # receiver saw them.
    param([string] $ServerNamespace, [string] $ServerAddress, [string] $ClientNamespace, [int] $Port = 5201, [double] $Seconds = 2.5,
        [long] $Bytes = 0)
    $out = [IO.Path]::GetTempFileName()
    $listen = "use Time::HiRes qw(time); `$s=IO::Socket::INET->new(LocalAddr=>'$ServerAddress',LocalPort=>$Port,Listen=>1,ReuseAddr=>1) or die; alarm 30; `$c=`$s->accept; `$f=sysread(`$c,`$b,1<<20); `$t0=time; `$n=0; while((`$r=sysread(`$c,`$b,1<<20))>0){`$n+=`$r} printf qq(%d %.6f\n), `$n, time-`$t0"
    $srv = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $ServerNamespace, 'perl', '-MIO::Socket::INET', '-e', "`"$listen`"" -RedirectStandardOutput $out -PassThru
    try {
        $deadline = [DateTime]::UtcNow.AddSeconds(5)
        while (-not ((ip netns exec $ServerNamespace cat /proc/net/tcp) -match (':{0:X4} 00000000:0000 0A' -f $Port)) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $send = "use Socket; use Time::HiRes qw(time); `$c=IO::Socket::INET->new(PeerAddr=>'$ServerAddress',PeerPort=>$Port,Timeout=>3) or die qq(connect: `$!\n); setsockopt(`$c,SOL_SOCKET,SO_SNDBUF,262144); `$b='x' x 65536; `$e=time+$Seconds; `$left=$Bytes; while($Bytes ? `$left>0 : time<`$e){ `$w=syswrite(`$c,`$b,$Bytes && `$left<65536 ? `$left : 65536); defined(`$w) or die qq(send: `$!\n); `$left-=`$w } close `$c"
        ip netns exec $ClientNamespace perl -MIO::Socket::INET -e $send 2>&1 | Out-Null
        if (-not $srv.WaitForExit(30000)) { throw 'the receiver did not finish' }
        $fields = (Get-Content $out -Raw).Trim() -split ' '
        if ($fields.Count -ne 2 -or [double]$fields[1] -le 0) { throw "receiver output: '$(Get-Content $out -Raw)'" }
        [double]$fields[0] * 8 / [double]$fields[1]
    }
    finally {
        if (-not $srv.HasExited) { try { $srv.Kill($true) } catch { } }
        Remove-Item $out -ErrorAction SilentlyContinue
    }
}
