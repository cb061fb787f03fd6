# Start-NetNamespaceCapture on a veth between two test namespaces: ICMP echo and a TCP handshake captured, the pcap file
# read by an independent reader (python3 struct; tcpdump -r where installed), packet objects compared with the file,
# the kernel filter, -Count/-Duration/Ctrl+C, an adapter removed mid-capture, and the socket closed every time (the
# kernel's /proc/net/packet of the namespace and this process's /proc/self/fd as oracles).
BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/capture-common.ps1
    Assert-NoLeftovers
    $script:A = "${Prefix}capa"; $script:B = "${Prefix}capb"
    New-NetNamespace -Name $A, $B | Out-Null
    New-NetVethPair -Name eth0 -PeerName eth0 -Namespace $A -PeerNamespace $B | Out-Null
    Get-NetNamespaceAdapter -Namespace $A, $B | Set-NetNamespaceAdapter -State Up
    New-NetNamespaceAddress -Namespace $A -InterfaceAlias eth0 -IPAddress 10.62.0.1/24 | Out-Null
    New-NetNamespaceAddress -Namespace $B -InterfaceAlias eth0 -IPAddress 10.62.0.2/24 | Out-Null
    $script:Files = [System.Collections.Generic.List[string]]::new()
    function New-PcapPath([string] $Name) { $p = "/tmp/$($script:Prefix)$Name.pcap"; $script:Files.Add($p); $p }
    $script:Tcpdump = (Get-Command tcpdump -CommandType Application -ErrorAction Ignore | Select-Object -First 1).Source

    # A perl TCP server in B on $Port that answers one connection.
    function Start-TcpServer([int] $Port) {
        $listen = "`$s=IO::Socket::INET->new(LocalAddr=>'10.62.0.2',LocalPort=>$Port,Listen=>1,ReuseAddr=>1) or die; alarm 8; `$c=`$s->accept; print `$c qq(hello\n); close `$c"
        $srv = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $B, 'perl', '-MIO::Socket::INET', '-e', "`"$listen`"" -PassThru
        Wait-Until { (ip netns exec $B cat /proc/net/tcp) -match (':{0:X4} 00000000:0000 0A' -f $Port) } -What "perl listening on $Port"
        $srv
    }
    # UDP datagrams from A to B:$Port, every 20 ms for $Seconds, in the background.
    function Start-UdpSender([int] $Port, [double] $Seconds) {
        $n = [int]($Seconds * 50)
        $send = "`$s=IO::Socket::INET->new(PeerAddr=>'10.62.0.2:$Port',Proto=>'udp') or die; for (1..$n) { `$s->send('x' x 20); select(undef,undef,undef,0.02) }"
        Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $A, 'perl', '-MIO::Socket::INET', '-e', "`"$send`"" -PassThru
    }
}
AfterAll {
    foreach ($f in $script:Files) { Remove-Item $f -ErrorAction SilentlyContinue }
    Remove-TestLeftovers
}

Describe 'Start-NetNamespaceCapture' {
    AfterEach {
        # every capture closes its socket: the kernel lists no packet socket in either namespace afterwards
        Get-PacketSocketInodes $A | Should -BeNullOrEmpty
        Get-PacketSocketInodes $B | Should -BeNullOrEmpty
    }

    It 'ICMP echo: the pcap file holds request and reply, and the packet objects agree with it' {
        $file = New-PcapPath icmp
        $packets = @(Start-NetNamespaceCapture -Namespace $A -InterfaceAlias eth0 -Path $file -PassThru -Protocol ICMP -ScriptBlock {
                Test-NetNamespaceConnection -Namespace $A -Target 10.62.0.2 -Count 2 -Delay 0.05 | Out-Null
            })
        $pcap = Read-PcapIndependently $file
        $pcap.nano | Should -BeTrue
        $pcap.version | Should -Be '2.4'
        $pcap.linktype | Should -Be 1
        $pcap.snaplen | Should -Be 262144
        $pcap.packets.Count | Should -Be 4
        ($pcap.packets | ForEach-Object { "$($_.proto) $($_.src)>$($_.dst) type $($_.icmptype)" }) -join '; ' |
            Should -BeExactly 'ICMP 10.62.0.1>10.62.0.2 type 8; ICMP 10.62.0.2>10.62.0.1 type 0; ICMP 10.62.0.1>10.62.0.2 type 8; ICMP 10.62.0.2>10.62.0.1 type 0'
        $packets.Count | Should -Be 4
        for ($i = 0; $i -lt 4; $i++) {
            $o = $packets[$i]; $p = $pcap.packets[$i]
            $o | Should -BeOfType NetnsPS.NetNamespacePacket
            $o.Number | Should -Be ($i + 1)
            $o.TimestampNs | Should -Be $p.ns
            $o.Length | Should -Be $p.orig
            $o.CapturedLength | Should -Be $p.incl
            [Convert]::ToHexString($o.Data).ToLowerInvariant() | Should -BeExactly $p.hex
            "$($o.Protocol) $($o.Source)>$($o.Destination) type $($o.IcmpType)" | Should -BeExactly "$($p.proto) $($p.src)>$($p.dst) type $($p.icmptype)"
            $o.Direction | Should -Be ($i % 2 -eq 0 ? 'Out' : 'In')
            $o.Namespace | Should -Be $A
            $o.InterfaceAlias | Should -Be eth0
        }
        # kernel timestamps, in order, within the last minute
        $packets[0].TimestampNs | Should -BeLessOrEqual $packets[1].TimestampNs
        ([DateTime]::Now - $packets[0].Time).TotalSeconds | Should -BeLessThan 60
        $packets[0].Info | Should -Match '^Echo request id \d+ seq 1$'
        $packets[0].SourceMac | Should -BeExactly (Get-IpLink $A eth0).address
        $packets[0].DestinationMac | Should -BeExactly (Get-IpLink $B eth0).address
    }

    It 'tcpdump -r reads the file too (where tcpdump is installed)' {
        if (-not $Tcpdump) { Set-ItResult -Skipped -Because 'tcpdump is not installed (apt-get install tcpdump); python3 read the files above' ; return }
        $file = New-PcapPath tcpdump
        Start-NetNamespaceCapture -Namespace $A -InterfaceAlias eth0 -Path $file -Protocol ICMP -ScriptBlock {
            Test-NetNamespaceConnection -Namespace $A -Target 10.62.0.2 | Out-Null
        }
        $lines = @(& $Tcpdump -nn -r $file 2>$null)
        $lines.Count | Should -Be 2
        $lines[0] | Should -Match '10\.62\.0\.1 > 10\.62\.0\.2: ICMP echo request'
        $lines[1] | Should -Match '10\.62\.0\.2 > 10\.62\.0\.1: ICMP echo reply'
    }

    It 'a TCP exchange: SYN, SYN-ACK, ACK in the file, and a port filter sees only that port' {
        $file = New-PcapPath tcp
        $srv = Start-TcpServer 5071
        try {
            # the outer capture (on B, no filter) proves the other traffic happened; the inner one (on A) filters port 5071
            $all = @(Start-NetNamespaceCapture -Namespace $B -InterfaceAlias eth0 -ScriptBlock {
                    Start-NetNamespaceCapture -Namespace $A -InterfaceAlias eth0 -Path $file -Port 5071 -ScriptBlock {
                        Test-NetNamespaceConnection -Namespace $A -Target 10.62.0.2 -Port 5072 | Out-Null  # refused: SYN, RST
                        Test-NetNamespaceConnection -Namespace $A -Target 10.62.0.2 | Out-Null              # ICMP
                        ip netns exec $A perl -MIO::Socket::INET -e "`$c=IO::Socket::INET->new(PeerAddr=>'10.62.0.2',PeerPort=>5071,Timeout=>2) or die; print scalar <`$c>" | Out-Null
                    }
                })
        }
        finally { if (-not $srv.HasExited) { $srv.Kill() }; $srv.WaitForExit() }
        @($all | Where-Object DestinationPort -EQ 5072).Count | Should -BeGreaterThan 0 -Because 'the refused connection crossed the link'
        @($all | Where-Object Protocol -EQ ICMP).Count | Should -Be 2
        $pcap = Read-PcapIndependently $file
        $pcap.packets.Count | Should -BeGreaterOrEqual 5 -Because 'handshake, data, teardown'
        $pcap.packets | ForEach-Object { $_.proto | Should -Be TCP; @($_.sport, $_.dport) | Should -Contain 5071 }
        $hs = $pcap.packets[0..2] | ForEach-Object { '{0}:{1}>{2}:{3} 0x{4:x2}' -f $_.src, $_.sport, $_.dst, $_.dport, $_.flags }
        $hs[0] | Should -Match '^10\.62\.0\.1:\d+>10\.62\.0\.2:5071 0x02$'   # SYN
        $hs[1] | Should -Match '^10\.62\.0\.2:5071>10\.62\.0\.1:\d+ 0x12$'   # SYN, ACK
        $hs[2] | Should -Match '^10\.62\.0\.1:\d+>10\.62\.0\.2:5071 0x10$'   # ACK
        # the same handshake as the outer capture's objects on the other end of the veth
        $theirs = @($all | Where-Object { $_.SourcePort -eq 5071 -or $_.DestinationPort -eq 5071 })
        ($theirs[0..2] | ForEach-Object { [int]$_.TcpFlags }) -join ',' | Should -Be '2,18,16'
        ($theirs[0..2] | ForEach-Object Direction) -join ',' | Should -Be 'In,Out,In'
    }

    It '-Count stops after that many frames' {
        $udp = Start-UdpSender 5081 4
        try {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $got = @(Start-NetNamespaceCapture -Namespace $B -InterfaceAlias eth0 -Port 5081 -Count 5)
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 3
        }
        finally { if (-not $udp.HasExited) { $udp.Kill() }; $udp.WaitForExit() }
        $got.Count | Should -Be 5
        $got | ForEach-Object { "$($_.Protocol) $($_.DestinationPort) $($_.PayloadLength)" | Should -Be 'UDP 5081 20' }
    }

    It '-Duration stops after that many seconds, with nothing matched' {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $got = @(Start-NetNamespaceCapture -Namespace $A -InterfaceAlias eth0 -Port 1 -Duration 1)
        $sw.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.95
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 2.5
        $got.Count | Should -Be 0
    }

    It '-SnapLength cuts frames in the kernel; Length keeps the length on the wire' {
        $file = New-PcapPath snap
        $p = @(Start-NetNamespaceCapture -Namespace $A -InterfaceAlias eth0 -Path $file -PassThru -Protocol ICMP -SnapLength 40 -ScriptBlock {
                Test-NetNamespaceConnection -Namespace $A -Target 10.62.0.2 | Out-Null
            })
        $pcap = Read-PcapIndependently $file
        $pcap.snaplen | Should -Be 40
        $pcap.packets | ForEach-Object { $_.incl | Should -Be 40; $_.orig | Should -Be 74 }
        $p | ForEach-Object { $_.CapturedLength | Should -Be 40; $_.Length | Should -Be 74 }
    }

    It 'Ctrl+C stops it promptly and closes the socket (the kernel and /proc/self/fd agree)' {
        $job = Start-CaptureRunspace 'param($ns) Start-NetNamespaceCapture -Namespace $ns -InterfaceAlias eth0' @{ ns = $A }
        try {
            Wait-Until { @(Get-PacketSocketInodes $A).Count -eq 1 } -What 'the capture socket in the namespace'
            $inode = @(Get-PacketSocketInodes $A)[0]
            Get-OwnSocketFds $inode | Should -HaveCount 1 -Because 'the socket is a descriptor of this process'
            Test-NetNamespaceConnection -Namespace $A -Target 10.62.0.2 | Out-Null
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $job.PowerShell.Stop()
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 1
            $job.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
            Get-OwnSocketFds $inode | Should -BeNullOrEmpty
        }
        finally { Stop-CaptureRunspace $job }
    }

    It 'an adapter removed mid-capture ends it with a warning, and the file holds what was captured' {
        ip -n $A link add gone0 type veth peer name gone1 netns $B
        ip -n $A addr add 10.63.0.1/24 dev gone0; ip -n $B addr add 10.63.0.2/24 dev gone1
        ip -n $A link set gone0 up; ip -n $B link set gone1 up
        $file = New-PcapPath gone
        $job = Start-CaptureRunspace 'param($ns, $f) Start-NetNamespaceCapture -Namespace $ns -InterfaceAlias gone0 -Path $f -Protocol ICMP -Duration 30' @{ ns = $A; f = $file }
        try {
            Wait-Until { @(Get-PacketSocketInodes $A).Count -eq 1 } -What 'the capture socket in the namespace'
            (Test-NetNamespaceConnection -Namespace $A -Target 10.63.0.2 -Count 2 -Delay 0.05).Success | Should -Be $true, $true
            $sw = [Diagnostics.Stopwatch]::StartNew()
            ip -n $B link del gone1
            Wait-Until { $job.Handle.IsCompleted } -TimeoutMs 5000 -What 'the capture to end'
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 2
            $job.PowerShell.InvocationStateInfo.State | Should -Be 'Completed'
            $job.PowerShell.Streams.Error | Should -BeNullOrEmpty
            @($job.PowerShell.Streams.Warning)[0].Message | Should -Match "Adapter 'gone0' .* went down or was removed: the capture ended after 4 packet"
        }
        finally { Stop-CaptureRunspace $job }
        $pcap = Read-PcapIndependently $file
        ($pcap.packets | ForEach-Object { "$($_.src)>$($_.dst) $($_.icmptype)" }) -join '; ' |
            Should -BeExactly '10.63.0.1>10.63.0.2 8; 10.63.0.2>10.63.0.1 0; 10.63.0.1>10.63.0.2 8; 10.63.0.2>10.63.0.1 0'
    }

    It 'bad input leaves no file and no socket: unknown adapter, adapter down, unwritable path' {
        $file = New-PcapPath never
        { Start-NetNamespaceCapture -Namespace $A -InterfaceAlias nosuch0 -Path $file -Count 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'AdapterNotFound,NetnsPS.Commands.StartNetNamespaceCaptureCommand'
        ip -n $A link add down0 type veth peer name down1
        { Start-NetNamespaceCapture -Namespace $A -InterfaceAlias down0 -Path $file -Count 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'CaptureAdapterDown,NetnsPS.Commands.StartNetNamespaceCaptureCommand'
        Test-Path $file | Should -BeFalse
        $err = { Start-NetNamespaceCapture -Namespace $A -InterfaceAlias eth0 -Path "/tmp/$($Prefix)nodir/x.pcap" -Count 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'CaptureFileNotWritable,NetnsPS.Commands.StartNetNamespaceCaptureCommand' -PassThru
        "$($err.CategoryInfo.Category)" | Should -Be 'WriteError'
        $err.TargetObject | Should -Be "/tmp/$($Prefix)nodir/x.pcap"
        { Start-NetNamespaceCapture -Namespace $A -InterfaceAlias eth0 -Protocol ICMP -Port 80 -Count 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidCaptureFilter,NetnsPS.Commands.StartNetNamespaceCaptureCommand'
    }

    It '-WhatIf with -Path captures nothing and writes no file' {
        $file = New-PcapPath whatif
        Start-NetNamespaceCapture -Namespace $A -InterfaceAlias eth0 -Path $file -Count 1 -WhatIf
        Test-Path $file | Should -BeFalse
    }

    It 'takes adapters from the pipeline (Namespace and Name by property name)' {
        $got = @(Get-NetNamespaceAdapter -Namespace $A -Name eth0 | Start-NetNamespaceCapture -Protocol ICMP -Count 1 -ScriptBlock {
                Test-NetNamespaceConnection -Namespace $A -Target 10.62.0.2 | Out-Null
            })
        $got.Count | Should -Be 1
        $got[0].InterfaceAlias | Should -Be eth0
    }
}
