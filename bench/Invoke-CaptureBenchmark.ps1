<#
.SYNOPSIS
    Capture throughput: a UDP flood across a veth between two namespaces, captured on the receiving end by
    Start-NetNamespaceCapture -Path and by tcpdump -w (where installed), same filter, same flood.
.DESCRIPTION
    A perl sender in namespace A sends Count datagrams of 18 bytes (64-byte frames) to B as fast as it can; the capture
    runs on B's end of the veth with the filter "udp port 9999" in the kernel. Reported per variant (median of Rounds):
    frames captured per second of flood and the share of the sent datagrams that the capture holds (the rest were
    dropped by the kernel for want of queue space, or never left the sender). Each file is counted by an independent
    reader (python3 struct). tcpdump missing: its row says n/a.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Count = 200000,
    [int] $Rounds = 3,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$tag = Initialize-Bench $ModulePath $OutputDir
$A = "nnxc${tag}a"; $B = "nnxc${tag}b"
$dir = Join-Path ([IO.Path]::GetTempPath()) "nnxc$tag"
New-Item -ItemType Directory -Path $dir | Out-Null
$tcpdump = (Get-Command tcpdump -CommandType Application -ErrorAction Ignore | Select-Object -First 1).Source
$countPy = 'import struct,sys; d=open(sys.argv[1],"rb").read(); p=24; n=0' + "`n" + 'while p < len(d): p += 16 + struct.unpack("<I", d[p+8:p+12])[0]; n += 1' + "`n" + 'print(n)'
function Get-PcapCount([string] $Path) { [int](python3 -c $countPy $Path) }
function Get-PacketSockets { @(ip netns exec $B cat /proc/net/packet | Select-Object -Skip 1 | Where-Object { $_ }).Count }
$flood = "`$s=IO::Socket::INET->new(PeerAddr=>'10.64.0.2:9999',Proto=>'udp') or die; `$m='x' x 18; for (1..$Count) { `$s->send(`$m) }"
try {
    New-NetNamespace -Name $A, $B | Out-Null
    New-NetVethPair -Name eth0 -PeerName eth0 -Namespace $A -PeerNamespace $B | Out-Null
    Get-NetNamespaceAdapter -Namespace $A, $B | Set-NetNamespaceAdapter -State Up
    New-NetNamespaceAddress -Namespace $A -InterfaceAlias eth0 -IPAddress 10.64.0.1/24 | Out-Null
    New-NetNamespaceAddress -Namespace $B -InterfaceAlias eth0 -IPAddress 10.64.0.2/24 | Out-Null
    Test-NetNamespaceConnection -Namespace $A -Target 10.64.0.2 | Out-Null   # ARP resolved before the flood
    $r = @{ ours = @(); oursShare = @(); tcpdump = @(); tcpdumpShare = @() }
    for ($i = 0; $i -lt $Rounds; $i++) {
        # NetnsPS: the socket is ready before the script block (the flood) starts; its reader thread drains it meanwhile
        $file = Join-Path $dir "ours$i.pcap"
        $sw = [Diagnostics.Stopwatch]::new()
        Start-NetNamespaceCapture -Namespace $B -InterfaceAlias eth0 -Protocol UDP -Port 9999 -Path $file -ScriptBlock {
            $sw.Start(); ip netns exec $A perl -MIO::Socket::INET -e $flood; $sw.Stop()
        } -WarningAction SilentlyContinue
        $n = Get-PcapCount $file
        $r.ours += $n / $sw.Elapsed.TotalSeconds; $r.oursShare += 100.0 * $n / $Count
        Remove-Item $file
        Wait-Settled 100
        if ($tcpdump) {
            $file = Join-Path $dir "tcpdump$i.pcap"
            $p = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $B, $tcpdump, '-Z', 'root', '-i', 'eth0', '-n', '-w', $file, 'udp port 9999' -PassThru -RedirectStandardError (Join-Path $dir 'tcpdump.err')
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while ((Get-PacketSockets) -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Start-Sleep -Milliseconds 200   # the filter is attached after the socket appears
            $sw = [Diagnostics.Stopwatch]::StartNew(); ip netns exec $A perl -MIO::Socket::INET -e $flood; $sw.Stop()
            Start-Sleep -Milliseconds 300
            # tcpdump runs under ip netns exec (which execs it): SIGINT makes it flush and exit
            kill -INT $p.Id; $p.WaitForExit()
            $n = Get-PcapCount $file
            $r.tcpdump += $n / $sw.Elapsed.TotalSeconds; $r.tcpdumpShare += 100.0 * $n / $Count
            Remove-Item $file
            Wait-Settled 100
        }
    }
    $ours = Get-Median $r.ours; $oursShare = Get-Median $r.oursShare
    $td = if ($tcpdump) { Get-Median $r.tcpdump } else { [double]::NaN }
    $tdShare = if ($tcpdump) { Get-Median $r.tcpdumpShare } else { [double]::NaN }
    Write-Host ("UDP flood of {0} datagrams, median of {1}: NetnsPS {2:N0} frames/s captured ({3:0.0}% of sent); tcpdump -w {4:N0} frames/s ({5:0.0}%)" -f $Count, $Rounds, $ours, $oursShare, $td, $tdShare)
    $rows = @(
        New-BenchRow -Row "capture of a $Count-datagram UDP flood on a veth (frames/s captured)" -Variant 'Start-NetNamespaceCapture -Path (kernel BPF filter udp port 9999)' `
            -Ours $ours -Unit 'pkt/s' -Anchors ([ordered]@{ 'tcpdump -w' = $td }) -RatioTo 'tcpdump -w' -Target '>= 0.5x tcpdump -w' -Met ($tcpdump ? $ours -ge 0.5 * $td : $null) -Items $Count
        New-BenchRow -Row "share of the $Count flooded datagrams in the capture file" -Variant 'Start-NetNamespaceCapture -Path' `
            -Ours $oursShare -Unit '%' -Anchors ([ordered]@{ 'tcpdump -w' = $tdShare }) -Items $Count
    )
    Save-BenchRows $rows (Join-Path $OutputDir 'capture.rows.json')
    @{ count = $Count; rounds = $Rounds; ours = $r.ours; oursShare = $r.oursShare; tcpdump = $r.tcpdump; tcpdumpShare = $r.tcpdumpShare } |
        ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutputDir 'capture.json')
}
finally {
    foreach ($n in $A, $B) { if (Test-Path "/run/netns/$n") { Remove-NetNamespace -Name $n -Confirm:$false -ErrorAction SilentlyContinue } }
    Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
}
