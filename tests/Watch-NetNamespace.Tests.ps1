BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers

    function Assert-StopsPromptly([string] $Command) {
        # Runs $Command in a runspace of this process, checks it is still watching after 1.5 s, and that Stop()
        # (what Ctrl+C does) returns within a second.
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:NETNSPS_MODULE_PATH'; $Command")
            $h = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 1500
            $h.IsCompleted | Should -BeFalse
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $sw.Elapsed.TotalMilliseconds | Should -BeLessThan 1000
        }
        finally { $ps.Dispose() }
    }
}
AfterAll { Remove-TestLeftovers }

Describe 'Watch-NetNamespace' {
    AfterAll { Remove-TestLeftovers }

    It 'sees a create and a delete made by ip netns in another process, in order' {
        $name = "${Prefix}w1"
        $script = "/tmp/$($Prefix)watch.sh"
        Set-Content -Path $script -Value "sleep 1; ip netns add $name; sleep 0.3; ip netns del $name"
        $p = Start-Process -FilePath bash -ArgumentList $script -PassThru
        $script:StartedProcesses.Add($p)
        $events = @(Watch-NetNamespace -Name "$Prefix*" -Count 2 -Timeout 15)
        $p.WaitForExit(5000) | Should -BeTrue
        $p.ExitCode | Should -Be 0
        $events | Should -HaveCount 2
        $events[0].Event | Should -Be 'Added'
        $events[0].Name | Should -BeExactly $name
        $events[1].Event | Should -Be 'Removed'
        $events[1].Name | Should -BeExactly $name
        $events[1].Time | Should -BeGreaterOrEqual $events[0].Time
        Test-Path "/run/netns/$name" | Should -BeFalse
    }

    It 'ends after -Timeout with no events' {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        @(Watch-NetNamespace -Name "${Prefix}never" -Timeout 0.5) | Should -HaveCount 0
        $sw.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.45
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 3
    }

    It 'stops promptly when the pipeline is stopped (Ctrl+C)' {
        Assert-StopsPromptly 'Watch-NetNamespace'
    }
}

Describe 'Watch-NetNamespace -Adapter' {
    BeforeAll {
        $script:nsA = "${Prefix}la"
        $script:nsB = "${Prefix}lb"
        ip netns add $nsA
        ip netns add $nsB
    }
    AfterAll { Remove-TestLeftovers }

    It 'sees adapters added, brought up, renamed and removed by ip in another process, in order' {
        $a = "${Prefix}a"; $b = "${Prefix}b"; $c = "${Prefix}c"
        $script = "/tmp/$($Prefix)wl1.sh"
        Set-Content -Path $script -Value @"
sleep 1
ip -n $nsA link add $a type veth peer name $b
ip -n $nsA link set $a up
ip -n $nsA link set $b name $c
ip -n $nsA -j link show > /tmp/$($Prefix)wl1.json
ip -n $nsA link del $a
"@
        $p = Start-Process -FilePath bash -ArgumentList $script -PassThru
        $script:StartedProcesses.Add($p)
        $events = @(Watch-NetNamespace -Adapter -Namespace $nsA -Timeout 4)
        $p.WaitForExit(5000) | Should -BeTrue
        $p.ExitCode | Should -Be 0
        $oracle = Get-Content "/tmp/$($Prefix)wl1.json" -Raw | ConvertFrom-Json
        $idxA = ($oracle | Where-Object ifname -eq $a).ifindex
        $idxC = ($oracle | Where-Object ifname -eq $c).ifindex
        $events | ForEach-Object { $_ | Should -BeOfType NetnsPS.NetNamespaceAdapterEvent; $_.Namespace | Should -BeExactly $nsA }
        $added = @($events | Where-Object EventType -eq 'Added')
        $added.Name | Sort-Object | Should -Be @($a, $b)
        ($added | Where-Object Name -eq $a).Index | Should -Be $idxA
        ($added | Where-Object Name -eq $a).Kind | Should -Be 'veth'
        $up = @($events | Where-Object { $_.EventType -eq 'Changed' -and $_.Name -eq $a -and $_.IsUp })
        $up | Should -Not -BeNullOrEmpty
        $rename = @($events | Where-Object { $_.EventType -eq 'Changed' -and $_.OldName -eq $b })
        $rename | Should -HaveCount 1
        $rename[0].Name | Should -BeExactly $c
        $rename[0].Index | Should -Be $idxC
        $rename[0].Changes | Should -Be @("Name $b->$c")
        $up[0].Changes | Should -Contain 'IsUp False->True'
        $added | ForEach-Object { $_.Changes | Should -BeNullOrEmpty }
        $removed = @($events | Where-Object EventType -eq 'Removed')
        $removed.Name | Sort-Object | Should -Be @($a, $c)
        # order: every Added before the first Changed, the rename before the removals
        $names = $events | ForEach-Object { "$($_.EventType):$($_.Name)" }
        [array]::IndexOf($names, "Added:$a") | Should -BeLessThan ([array]::IndexOf($names, "Removed:$a"))
        [array]::IndexOf($events, $rename[0]) | Should -BeLessThan ([array]::IndexOf($names, "Removed:$c"))
        @(ip -n $nsA -j link show | ConvertFrom-Json | Where-Object ifname -like "$Prefix*") | Should -HaveCount 0
    }

    It 'says in Changes what each Changed event changed (Mtu, MacAddress, Master, Name, IsUp, State), as ip saw it' {
        # ip is the outside actor; ip -j link before and after is the oracle for the old and new values.
        $f = "${Prefix}f"; $g = "${Prefix}g"; $br = "${Prefix}br"
        ip -n $nsA link add $f type veth peer name "${Prefix}f2"
        ip -n $nsA link add $br type bridge
        $before = ip -n $nsA -j link show $f | ConvertFrom-Json
        $script = "/tmp/$($Prefix)wl3.sh"
        Set-Content -Path $script -Value @"
sleep 1
ip -n $nsA link set $f mtu 1400
sleep 0.2
ip -n $nsA link set $f address 02:00:00:00:0f:01
sleep 0.2
ip -n $nsA link set $f master $br
sleep 0.2
ip -n $nsA link set $f name $g
sleep 0.2
ip -n $nsA link set $g up
sleep 0.5
ip -n $nsA -j link show $g > /tmp/$($Prefix)wl3.json
"@
        $p = Start-Process -FilePath bash -ArgumentList $script -PassThru
        $script:StartedProcesses.Add($p)
        try {
            $events = @(Watch-NetNamespace -Adapter -Namespace $nsA -Timeout 4)
            $p.WaitForExit(5000) | Should -BeTrue
            $p.ExitCode | Should -Be 0
            $after = Get-Content "/tmp/$($Prefix)wl3.json" -Raw | ConvertFrom-Json
            $mine = @($events | Where-Object Index -eq $before.ifindex)
            $mine | ForEach-Object { $_.EventType | Should -Be 'Changed'; $_.Changes | Should -Not -BeNullOrEmpty -Because 'a Changed event says what changed' }
            # the MTU change is one event saying exactly that (it used to look like a duplicate row)
            $mtu = @($mine | Where-Object { $_.Changes -like 'Mtu *' })
            $mtu | Should -HaveCount 1
            $mtu[0].Changes | Should -Be @("Mtu $($before.mtu)->$($after.mtu)")
            $mtu[0].Mtu | Should -Be 1400
            @($mine | Where-Object { $_.Changes -contains "MacAddress $($before.address)->$($after.address)" }) | Should -HaveCount 1
            @($mine | Where-Object { $_.Changes -contains "Master none->$br" }) | Should -HaveCount 1
            $after.master | Should -BeExactly $br
            $rename = @($mine | Where-Object { $_.Changes -contains "Name $f->$g" })
            $rename | Should -HaveCount 1
            $rename[0].OldName | Should -BeExactly $f
            @($mine | Where-Object { $_.Changes -contains 'IsUp False->True' }) | Should -HaveCount 1
            # every State change starts where the one before ended, from ip's state before to ip's state after
            $states = @($mine | ForEach-Object { $_.Changes } | Where-Object { $_ -like 'State *' } | ForEach-Object { , ($_.Substring(6) -split '->') })
            if ($states.Count) {
                $states[0][0].ToUpperInvariant() | Should -BeExactly $before.operstate
                for ($k = 1; $k -lt $states.Count; $k++) { $states[$k][0] | Should -BeExactly $states[$k - 1][1] }
            }
            $mine[-1].State.ToUpperInvariant() | Should -BeExactly $after.operstate
            # the table view shows it
            ($mtu | Format-Table | Out-String -Width 250) | Should -Match "Mtu $($before.mtu)->1400"
            "$($mtu[0])" | Should -BeExactly "Changed ${f}: Mtu $($before.mtu)->1400"
        }
        finally { foreach ($n in $g, $f, $br) { ip -n $nsA link del $n 2>$null } }
    }

    It 'watches two namespaces at once and sees a move between them, and -Count stops after N events' {
        $d = "${Prefix}d"; $e = "${Prefix}e"
        $script = "/tmp/$($Prefix)wl2.sh"
        Set-Content -Path $script -Value "sleep 1; ip -n $nsA link add $d type veth peer name $e; ip -n $nsA link set $e netns $nsB; sleep 0.5; ip -n $nsA link del $d"
        $p = Start-Process -FilePath bash -ArgumentList $script -PassThru
        $script:StartedProcesses.Add($p)
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $events = @(Watch-NetNamespace -Adapter -Namespace "${Prefix}l*" -Count 4 -Timeout 10)
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 8
        $p.WaitForExit(5000) | Should -BeTrue
        $p.ExitCode | Should -Be 0
        $events | Should -HaveCount 4
        $first = $events[0..1] | ForEach-Object { "$($_.Namespace) $($_.EventType) $($_.Name)" } | Sort-Object
        $first | Should -Be (@("$nsA Added $d", "$nsA Added $e") | Sort-Object)
        $rest = $events[2..3] | ForEach-Object { "$($_.Namespace) $($_.EventType) $($_.Name)" } | Sort-Object
        $rest | Should -Be (@("$nsA Removed $e", "$nsB Added $e") | Sort-Object)
        $events[0].Kind | Should -Be 'veth'
    }

    It 'watches the host and a namespace through one listener: each event names the namespace it happened in' {
        # One end of a veth in the host (ours: $HostPrefix), the other in $nsA; the host's notifications carry no nsid,
        # $nsA's carry the id the watcher gave it.
        $h = "${HostPrefix}w"; $e = "${Prefix}hw"
        $script = "/tmp/$($Prefix)wl4.sh"
        Set-Content -Path $script -Value "sleep 1; ip link add $h type veth peer name $e netns $nsA; sleep 0.3; ip link del $h"
        $p = Start-Process -FilePath bash -ArgumentList $script -PassThru
        $script:StartedProcesses.Add($p)
        try {
            $events = @(Watch-NetNamespace -Adapter -Namespace '', $nsA -Timeout 4 | Where-Object Name -in $h, $e)
            $p.WaitForExit(5000) | Should -BeTrue
            $p.ExitCode | Should -Be 0
            $seen = @($events | ForEach-Object { "$($_.Namespace)|$($_.EventType)|$($_.Name)" } | Select-Object -Unique)
            # in order per namespace (the two namespaces' events may interleave either way)
            $seen | Should -HaveCount 4
            $seen[0..1] | Sort-Object | Should -Be (@("$nsA|Added|$e", "|Added|$h") | Sort-Object)
            $seen[2..3] | Sort-Object | Should -Be (@("$nsA|Removed|$e", "|Removed|$h") | Sort-Object)
        }
        finally { Remove-OurHostLink $h }
    }

    It 'ends after -Timeout with no events when nothing changes' {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        @(Watch-NetNamespace -Adapter -Namespace $nsB -Timeout 0.5) | Should -HaveCount 0
        $sw.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.45
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 3
    }

    It 'watches the host passively by default' {
        @(Watch-NetNamespace -Adapter -Timeout 0.3) | ForEach-Object { $_.Namespace | Should -BeExactly '' }
    }

    It 'accepts NetNamespace objects' {
        $ns = Get-NetNamespace -Name $nsB
        @(Watch-NetNamespace -Adapter -Namespace $ns -Timeout 0.3) | Should -HaveCount 0
    }

    It 'an unknown namespace is NamespaceNotFound' {
        $err = $null
        @(Watch-NetNamespace -Adapter -Namespace "${Prefix}nope" -Timeout 0.3 -ErrorVariable err -ErrorAction SilentlyContinue) | Should -HaveCount 0
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NamespaceNotFound,*'
    }

    It 'stops promptly when the pipeline is stopped (Ctrl+C)' {
        Assert-StopsPromptly "Watch-NetNamespace -Adapter -Namespace '$nsA'"
    }
}

<#
    At scale (issue 18), each in a child pwsh on a private tmpfs /run/netns (nothing it makes can reach ours, and other
    tests' namespaces are not seen). The oracle is the list of changes the test itself makes.
      NETNSPS_SOAK_WATCH (2000)  namespaces added and deleted under the watcher (build.ps1 -Task Soak: 10,000)
#>
Describe 'Watch-NetNamespace at scale' {
    BeforeAll {
        # A child-script line that starts `sh -c COMMAND` once this pwsh watches /run/netns: its inotify mark
        # (IN_CREATE|IN_DELETE|IN_MOVED_*) shows in /proc/PID/fdinfo. A start signal with no sleep and no event needed.
        $script:StartWhenWatching = @'
function Start-WhenWatching([string] $Command) {
    $f = "/tmp/$p$([guid]::NewGuid().ToString('N').Substring(0, 6)).sh"
    # (gives up after 60 s, so that it never outlives a child whose watcher failed)
    Set-Content $f ('rm -f $0; ino=$(printf %x $(stat -c %i /run/netns)); n=0; until grep -qs "ino:$ino sdev:.* mask:3c0" /proc/$1/fdinfo/*; do n=$((n+1)); [ $n -lt 3000 ] || exit 1; sleep 0.02; done; ' + $Command)
    Start-Process sh -ArgumentList $f, $PID -PassThru
}
'@
    }
    AfterAll { Remove-TestLeftovers }

    It 'reports every namespace added and deleted by ip -b (2,000; 10,000 in -Task Soak), in order' {
        $n = Get-SoakSize WATCH 2000
        $body = @'
$p = '__PREFIX__'
__WHEN__
$n = __COUNT__
# add 1, add 2, del 1, add 3, del 2, ...: every name added and deleted, adds and deletes interleaved
$ops = [Collections.Generic.List[string]]::new()
for ($i = 1; $i -le $n; $i++) { $ops.Add("add $p$i"); if ($i -gt 1) { $ops.Add("del $p$($i - 1)") } }
$ops.Add("del $p$n")
$batch = "/tmp/${p}order.batch"
Set-Content $batch ($ops | ForEach-Object { "netns $_" })
$go = Start-WhenWatching "exec ip -b $batch"
$sw = [Diagnostics.Stopwatch]::StartNew()
$ev = @(Watch-NetNamespace -Name "$p*" -Count $ops.Count -Timeout (60 + $n / 20) -WarningVariable warn)
$ms = $sw.ElapsedMilliseconds
$null = $go.WaitForExit(60000)
Remove-Item $batch
$got = @($ev | ForEach-Object { "$(if ($_.Event -eq 'Added') { 'add' } else { 'del' }) $($_.Name)" })
$first = -1
for ($i = 0; $i -lt [math]::Max($got.Count, $ops.Count); $i++) { if ($got[$i] -ne $ops[$i]) { $first = $i; break } }
$r = [ordered]@{
    ops = $ops.Count; events = $got.Count; firstMismatch = $first; warnings = @($warn).Count; ipExit = $go.ExitCode; ms = $ms
    at = if ($first -ge 0) { "want '$($ops[$first])', got '$($got[$first])'" } else { '' }
    left = @(Get-ChildItem /run/netns -Name | Where-Object { $_ -like "$p*" }).Count
}
'JSON:' + ($r | ConvertTo-Json -Compress)
'@
        $body = $body.Replace('__PREFIX__', $script:Prefix).Replace('__COUNT__', "$n").Replace('__WHEN__', $script:StartWhenWatching)
        $child = Invoke-ChildPwsh -Script $body -PrivateRunDir
        $r = $child.Json
        $r | Should -Not -BeNullOrEmpty -Because ($child.Output -join "`n")
        $r.ipExit | Should -Be 0
        $r.ops | Should -Be (2 * $n)
        $r.firstMismatch | Should -Be -1 -Because $r.at
        $r.events | Should -Be (2 * $n)
        $r.warnings | Should -Be 0 -Because 'the watcher kept up: no overflow, no resync'
        $r.left | Should -Be 0
        Write-SoakFigure watch.namespaces $n
        Write-SoakFigure watch.ms $r.ms
    }

    It 'a real inotify queue overflow is a warning followed by the changes it hid (never silently lost)' {
        $max = [int](Get-Content /proc/sys/fs/inotify/max_queued_events)
        if ($max -gt 1000000) { Set-ItResult -Skipped -Because "fs.inotify.max_queued_events is ${max}: too many changes to overflow it here (it is never lowered)"; return }
        $body = @'
$p = '__PREFIX__'
__WHEN__
$pads = [int](Get-Content /proc/sys/fs/inotify/max_queued_events) + 1000
ip netns add "${p}old"
$go = Start-WhenWatching "exec ip netns add ${p}first"
$flooded = $false
$ev = @(Watch-NetNamespace -Name "$p*" -Count 5 -Timeout 60 -WarningVariable warn | ForEach-Object {
    if (-not $flooded) {
        $flooded = $true
        # Nothing reads the watcher's queue while this pipeline holds it: 2 x pads changes of other names overflow
        # it, then the changes of ours that only the resync can see.
        perl -e 'my $n = shift; for my $i (1..$n) { open(my $f, ">", "/run/netns/pad$i") or die $!; close $f } unlink "/run/netns/pad$_" for 1..$n' $pads
        foreach ($i in 1..3) { ip netns add "$p$i" }
        ip netns del "${p}old"
    }
    $_
})
$null = $go.WaitForExit(10000)
$r = [ordered]@{
    events = @($ev | ForEach-Object { "$($_.Event) $($_.Name)" }); warnings = @($warn | ForEach-Object { "$_" })
    ls = @(Get-ChildItem /run/netns -Name | Sort-Object)
}
'JSON:' + ($r | ConvertTo-Json -Compress)
'@
        $body = $body.Replace('__PREFIX__', $script:Prefix).Replace('__WHEN__', $script:StartWhenWatching)
        $child = Invoke-ChildPwsh -Script $body -PrivateRunDir
        $r = $child.Json
        $r | Should -Not -BeNullOrEmpty -Because ($child.Output -join "`n")
        $p = $script:Prefix
        # the oracle: what the child did (first added while watched; then, unseen, old removed and 1..3 added)
        $r.events | Should -Be @("Added ${p}first", "Removed ${p}old", "Added ${p}1", "Added ${p}2", "Added ${p}3")
        $r.warnings | Should -HaveCount 1
        # (the Removed count includes the other names whose removal the overflow hid: the files that filled the queue)
        $r.warnings[0] | Should -Match 'overflowed.*max_queued_events.*read again; the \d+ Removed and 3 Added event\(s\) that follow'
        $r.ls | Should -Be @("${p}1", "${p}2", "${p}3", "${p}first")
    }

    It '-Adapter watches 2,000 namespaces under ulimit -n 256 with a constant number of descriptors, and gives them nsids' {
        $body = @'
$p = '__PREFIX__'
$n = 2000
$r = [ordered]@{ limit = [int](sh -c 'ulimit -n') }
New-NetNamespace (1..$n | ForEach-Object { "$p$_" }) | Out-Null
$r.idsBefore = @(ip netns list | Where-Object { $_ -like "$p* (id: *" }).Count
# a veth pair from the hub to every other namespace, made by ip while the watcher runs: batches of 200 (ip 6.1 keeps
# the descriptor of each peer's netns open until it exits, and it runs under the same limit)
$lines = @(2..$n | ForEach-Object { "link add v$_ type veth peer name s$_ netns $p$_" })
for ($i = 0; $i -lt $lines.Count; $i += 200) { Set-Content ("/tmp/${p}veth.{0:d4}.batch" -f $i) $lines[$i..([math]::Min($i + 199, $lines.Count - 1))] }
Set-Content "/tmp/${p}veth.sh" "for f in /tmp/${p}veth.*.batch; do ip -n ${p}1 -b `$f || exit 1; done"
$stop = "/tmp/${p}probe.stop"
# until the watcher writes its first event (then it has subscribed and read every namespace): MTU changes in the hub
# (for at most 2 minutes, so that it never outlives the child)
Set-Content "/tmp/${p}probe.sh" "i=0; until [ -e $stop ] || [ `$i -gt 1200 ]; do i=`$((i+1)); ip -n ${p}1 link set lo mtu `$((1300+i%500)); sleep 0.1; done"
$probe = Start-Process sh -ArgumentList "/tmp/${p}probe.sh" -PassThru
$fd0 = [IO.Directory]::GetFiles('/proc/self/fd').Length
$fdMax = 0
$started = $false
$sw = [Diagnostics.Stopwatch]::StartNew()
try {
    $ev = @(Watch-NetNamespace -Adapter -Namespace "$p*" -Timeout 120 -WarningVariable warn | ForEach-Object {
        if (-not $started) {
            $started = $true
            $r.setupMs = $sw.ElapsedMilliseconds
            New-Item $stop | Out-Null
            $script:ipb = Start-Process sh -ArgumentList "/tmp/${p}veth.sh" -PassThru
        }
        $fd = [IO.Directory]::GetFiles('/proc/self/fd').Length
        if ($fd -gt $fdMax) { $fdMax = $fd }
        $_
    } | Where-Object EventType -eq 'Added' | Select-Object -First (2 * ($n - 1)))
    $r.ok = $true
}
catch { $r.ok = $false; $r.id = $_.FullyQualifiedErrorId; $r.msg = "$_" }
finally { New-Item $stop -Force | Out-Null }
$r.ms = $sw.ElapsedMilliseconds
$null = $probe.WaitForExit(5000)
if ($script:ipb) { $null = $script:ipb.WaitForExit(60000); $r.ipExit = $script:ipb.ExitCode }
$r.fd0 = $fd0; $r.fdMax = $fdMax
$want = [Collections.Generic.HashSet[string]]::new([string[]](2..$n | ForEach-Object { "${p}1/v$_"; "$p$_/s$_" }))
$got = @($ev | ForEach-Object { "$($_.Namespace)/$($_.Name)" })
$r.added = $got.Count
$r.unexpected = @($got | Where-Object { -not $want.Contains($_) } | Select-Object -First 5)
$r.distinct = @($got | Sort-Object -Unique).Count
$r.warnings = @($warn).Count
$r.idsAfter = @(ip netns list | Where-Object { $_ -like "$p* (id: *" }).Count
$r.oracleVeth = @(ip -n "${p}1" -o link show type veth).Count
Remove-Item "/tmp/${p}veth.*", $stop, "/tmp/${p}probe.sh" -ErrorAction SilentlyContinue
'JSON:' + ($r | ConvertTo-Json -Compress)
'@
        $child = Invoke-ChildPwsh -Script $body.Replace('__PREFIX__', $script:Prefix) -PrivateRunDir -Setup 'ulimit -n 256'
        $r = $child.Json
        $r | Should -Not -BeNullOrEmpty -Because ($child.Output -join "`n")
        $r.limit | Should -Be 256
        $r.ok | Should -BeTrue -Because "$($r.id): $($r.msg)"
        $r.ipExit | Should -Be 0
        $r.oracleVeth | Should -Be 1999
        # an Added event for both ends of every pair ip made, in the namespace ip made it in, once each
        $r.added | Should -Be 3998
        $r.distinct | Should -Be 3998
        $r.unexpected | Should -BeNullOrEmpty
        # the namespaces had no nsid; watching gave every one an id in the host (ip netns list shows it)
        $r.idsBefore | Should -Be 0
        $r.idsAfter | Should -Be 2000
        # descriptors: a constant (the listener, the host's socket, the sessions' bounded cache), never one per namespace
        ($r.fdMax - $r.fd0) | Should -BeLessThan 40 -Because "fd0 $($r.fd0), at most $($r.fdMax) while watching 2,000 namespaces"
        Write-SoakFigure watch.adapter.setupMs $r.setupMs
        Write-SoakFigure watch.adapter.ms $r.ms
        Write-SoakFigure watch.adapter.fdGrowth ($r.fdMax - $r.fd0)
        Write-SoakFigure watch.adapter.resyncs $r.warnings
    }
}
