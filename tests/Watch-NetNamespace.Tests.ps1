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
