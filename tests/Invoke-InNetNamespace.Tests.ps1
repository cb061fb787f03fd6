BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:A = "${Prefix}a"; $script:B = "${Prefix}b"
    New-NetNamespace -Name $A, $B | Out-Null
    $script:inoA = Get-FileInode "/run/netns/$A"
    $script:inoB = Get-FileInode "/run/netns/$B"
    $script:hostLink = (Get-Item /proc/thread-self/ns/net).LinkTarget
    function Get-ThreadNs { (Get-Item /proc/thread-self/ns/net).LinkTarget }
    $script:createdEtcNetns = -not (Test-Path /etc/netns)
}
AfterAll {
    Remove-TestLeftovers
    if ($createdEtcNetns -and (Test-Path /etc/netns) -and -not (Get-ChildItem /etc/netns)) { Remove-Item /etc/netns }
}

Describe 'Invoke-InNetNamespace -ScriptBlock' {
    It 'runs inside the namespace (same inode as ls -i) and restores the thread' {
        Invoke-InNetNamespace $A { (Get-Item /proc/thread-self/ns/net).LinkTarget } | Should -Be "net:[$inoA]"
        Get-ThreadNs | Should -Be $hostLink
    }

    It 'sees the caller''s variables and $args, and native commands run inside' {
        $local = 'from-caller'
        $out = Invoke-InNetNamespace $A { "$local $($args -join ',')"; (ip -j link | ConvertFrom-Json).ifname } -ArgumentList 1, 2
        $out[0] | Should -Be 'from-caller 1,2'
        $out[1..($out.Count - 1)] | Should -Be ((ip -n $A -j link | ConvertFrom-Json).ifname)
    }

    It 'lets errors and warnings flow to the caller' {
        $ErrorActionPreference = 'Continue'   # Pester runs tests with Stop; a script's own default is Continue
        $ev = $null; $wv = $null
        $out = Invoke-InNetNamespace $A { Write-Error 'inner error'; Write-Warning 'inner warning'; 'done' } -ErrorVariable ev -WarningVariable wv -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $out | Should -Be 'done'
        "$ev" | Should -Match 'inner error'
        "$wv" | Should -Match 'inner warning'
    }

    It 'restores the thread after <Case>' -ForEach @(
        @{ Case = 'a throw'; Run = { param($n) try { Invoke-InNetNamespace $n { throw 'boom' } } catch { } } }
        @{ Case = 'a terminating cmdlet error'; Run = { param($n) try { Invoke-InNetNamespace $n { Get-Item /nonexistent -ErrorAction Stop } } catch { } } }
        @{ Case = 'Select-Object -First 1 downstream'; Run = { param($n) Invoke-InNetNamespace $n { 1..100 } | Select-Object -First 1 | Out-Null } }
        @{ Case = 'break inside'; Run = { param($n) foreach ($i in 1) { Invoke-InNetNamespace $n { 1 } | Out-Null; break } } }
    ) {
        & $Run $A
        Get-ThreadNs | Should -Be $hostLink
        Get-TasksInNamespace $inoA | Should -BeNullOrEmpty
    }

    It 'propagates a throw as a terminating error' {
        { Invoke-InNetNamespace $A { throw 'boom' } } | Should -Throw 'boom'
    }

    It 'restores every thread when the pipeline is stopped (Ctrl+C) mid-run' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:NETNSPS_MODULE_PATH'; Invoke-InNetNamespace '$A' { Start-Sleep -Seconds 20 }")
        $h = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not (Get-TasksInNamespace $inoA) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        Get-TasksInNamespace $inoA | Should -Not -BeNullOrEmpty -Because 'the runspace thread is inside while the script runs'
        $ps.Stop()
        try { $ps.EndInvoke($h) } catch { }
        $ps.Dispose()
        Get-TasksInNamespace $inoA | Should -BeNullOrEmpty
    }

    It 'supports nested calls, each restoring to the right namespace' {
        $b = $B
        $out = Invoke-InNetNamespace $A {
            (Get-Item /proc/thread-self/ns/net).LinkTarget
            Invoke-InNetNamespace $b { (Get-Item /proc/thread-self/ns/net).LinkTarget }
            (Get-Item /proc/thread-self/ns/net).LinkTarget
        }
        $out | Should -Be "net:[$inoA]", "net:[$inoB]", "net:[$inoA]"
        Get-ThreadNs | Should -Be $hostLink
    }

    It 'tags output with the namespace when several run' {
        $out = Invoke-InNetNamespace "${Prefix}*" { (Get-Item /proc/thread-self/ns/net).LinkTarget }
        $out.Count | Should -Be 2
        ($out | Where-Object NetNamespace -eq $A) | Should -Be "net:[$inoA]"
        ($out | Where-Object NetNamespace -eq $B) | Should -Be "net:[$inoB]"
    }

    It 'stays restored and leaks no descriptors over 10,000 calls' {
        # Warm up first: the runtime opens a few descriptors of its own once (assemblies mapped, timers, the socket
        # engine) on its first busy stretch. A leak per call would show as thousands over the 10,000 calls after it.
        for ($i = 0; $i -lt 500; $i++) { $null = Invoke-InNetNamespace $A { 1 } }
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        $fds = (Get-ChildItem /proc/self/fd).Count
        $bad = 0
        for ($i = 0; $i -lt 10000; $i++) {
            $inside = Invoke-InNetNamespace $A { (Get-Item /proc/thread-self/ns/net).LinkTarget }
            if ($inside -ne "net:[$inoA]") { $bad++ }
        }
        $bad | Should -Be 0
        Get-ThreadNs | Should -Be $hostLink
        # Nothing may remain inside but, possibly, the runtime's tiered-compilation worker (see Get-TasksInNamespace).
        Get-TasksInNamespace $inoA | Should -BeNullOrEmpty
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        (Get-ChildItem /proc/self/fd).Count | Should -BeLessOrEqual ($fds + 4) -Because 'a descriptor per call would be thousands'
    }

    It 'gives NamespaceNotFound for a missing namespace' {
        { Invoke-InNetNamespace "${Prefix}none" { 1 } -ErrorAction Stop } | Should -Throw -ErrorId 'NamespaceNotFound,NetnsPS.Commands.InvokeInNetNamespaceCommand'
    }

    It '-All runs once in every named namespace (in a private mount namespace with its own /run/netns)' {
        $cmd = "Import-Module '$env:NETNSPS_MODULE_PATH'; New-NetNamespace -Name x1, x2, x3 | Out-Null; (Invoke-InNetNamespace -All { (Get-Item /proc/thread-self/ns/net).LinkTarget } | ForEach-Object { `$_.NetNamespace + '=' + `$_ }) -join ';'; Remove-NetNamespace -All -Confirm:`$false"
        $sh = "mount -t tmpfs none /run/netns && exec dotnet pwsh -NoProfile -NonInteractive -Command `"`$0`""
        Push-Location (Split-Path $PSScriptRoot)
        try { $out = unshare --mount --propagation private sh -c $sh $cmd 2>&1 }
        finally { Pop-Location }
        $parts = "$out" -split ';'
        $parts.Count | Should -Be 3
        ($parts | ForEach-Object { ($_ -split '=')[0] }) | Should -Be 'x1', 'x2', 'x3'
        ($parts | ForEach-Object { ($_ -split '=')[1] } | Sort-Object -Unique).Count | Should -Be 3
    }
}

Describe 'Invoke-InNetNamespace: output' {
    It 'gives every output its own NetNamespace (<Case>), and leaves the caller''s objects alone' -ForEach @(
        @{ Case = 'an integer (PowerShell shares the box of 1000)'; Block = { 1000 }; Value = 1000 }
        @{ Case = '$true (one shared box)'; Block = { $true }; Value = $true }
        @{ Case = 'a string literal (one instance)'; Block = { 'same' }; Value = 'same' }
    ) {
        $out = Invoke-InNetNamespace $A, $B $Block
        $out.Count | Should -Be 2
        $out[0].NetNamespace | Should -Be $A
        $out[1].NetNamespace | Should -Be $B
        $out[0] | Should -Be $Value
        $out[0].GetType() | Should -Be $Value.GetType()
    }

    It 'tags an object the caller passed in (closure or -ArgumentList) without changing it' {
        $mine = [pscustomobject]@{ Id = 7 }
        $list = [System.Collections.Generic.List[int]]::new()
        $list.Add(1)
        $noted = Get-Item /proc/self | Add-Member -NotePropertyName Mark -NotePropertyValue 'kept' -PassThru
        $byClosure = Invoke-InNetNamespace $A, $B { $mine }
        $byArgs = Invoke-InNetNamespace $A, $B { param($l) , $l } -ArgumentList (, $list)
        $byNoted = Invoke-InNetNamespace $A, $B { $noted }
        foreach ($r in $byClosure, $byArgs, $byNoted) {
            $r.Count | Should -Be 2
            $r[0].NetNamespace | Should -Be $A
            $r[1].NetNamespace | Should -Be $B
        }
        $byClosure[1].Id | Should -Be 7
        [object]::ReferenceEquals($byArgs[0].PSObject.BaseObject, $list) | Should -BeTrue -Because 'a .NET object is handed on itself, only wrapped'
        $byNoted[0].Mark | Should -Be 'kept'
        $mine.PSObject.Properties['NetNamespace'] | Should -BeNullOrEmpty
        ([psobject]$list).PSObject.Properties['NetNamespace'] | Should -BeNullOrEmpty
        $noted.PSObject.Properties['NetNamespace'] | Should -BeNullOrEmpty
    }

    It 'streams each object out as it is written, and downstream commands run in the home namespace' {
        $log = [System.Collections.Generic.List[string]]::new()
        Invoke-InNetNamespace $A { foreach ($i in 1..3) { $log.Add("in $i $((Get-Item /proc/thread-self/ns/net).LinkTarget)"); $i } } |
            ForEach-Object { $log.Add("out $_ $((Get-Item /proc/thread-self/ns/net).LinkTarget)") }
        $log | Should -Be @(foreach ($i in 1..3) { "in $i net:[$inoA]"; "out $i $hostLink" })
    }

    It 'stops promptly when Select-Object -First has what it needs, and restores the thread' {
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $first = Invoke-InNetNamespace $A { 'first'; Start-Sleep -Seconds 30; 'never' } | Select-Object -First 1
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 10
        $first | Should -Be 'first'
        Get-ThreadNs | Should -Be $hostLink
        Get-TasksInNamespace $inoA | Should -BeNullOrEmpty
    }

    It 'stops at an error record that meets -ErrorAction Stop (the rest of the scriptblock does not run)' {
        $ran = [System.Collections.Generic.List[string]]::new()
        { Invoke-InNetNamespace $A { Write-Error 'inner'; $ran.Add('after') } -ErrorAction Stop } | Should -Throw '*inner*'
        $ran | Should -BeNullOrEmpty
        Get-ThreadNs | Should -Be $hostLink
    }
}

Describe 'Invoke-InNetNamespace: no thread of this process stays in a namespace' {
    BeforeAll {
        function Get-ForeignTask {
            # Every thread of this process that is not in the home namespace (no exceptions), as "tid (comm) net:[...]".
            @(Get-ChildItem "/proc/$PID/task" -Directory | ForEach-Object {
                    try {
                        $ns = (Get-Item "$($_.FullName)/ns/net" -ErrorAction Stop).LinkTarget
                        if ($ns -ne $hostLink) { "$($_.Name) ($((Get-Content "$($_.FullName)/comm" -ErrorAction Stop))) $ns" }
                    }
                    catch { } # the thread ended meanwhile
                })
        }
        function Wait-NoBgcThread {
            # The runtime's background GC thread ends after 20 s without a background collection; the next one starts it
            # again from whichever thread allocates. Wait until there is none, so the scriptblock is what starts it.
            $deadline = [DateTime]::UtcNow.AddSeconds(45)
            while ([DateTime]::UtcNow -lt $deadline) {
                $bgc = @(Get-ChildItem "/proc/$PID/task" -Directory | Where-Object { (Get-Content "$($_.FullName)/comm" -ErrorAction SilentlyContinue) -eq '.NET BGC' })
                if (-not $bgc) { return $true }
                Start-Sleep -Milliseconds 500
            }
            $false
        }
    }

    It 'an allocation-heavy scriptblock starts no runtime thread inside, and Remove-NetNamespace destroys the namespace (its veth peer on the host goes)' {
        $ns = "${Prefix}gc"
        New-NetNamespace -Name $ns | Out-Null
        ip link add "${Prefix}h" type veth peer name "${Prefix}p" netns $ns
        Get-IpLink '' "${Prefix}h" | Should -Not -BeNullOrEmpty
        if (-not (Wait-NoBgcThread)) { Set-ItResult -Inconclusive -Because 'the background GC thread of this process never went idle for 20 s'; return }
        $w = $null
        Invoke-InNetNamespace $ns { $l = [Collections.Generic.List[object]]::new(); foreach ($i in 1..3000000) { $l.Add([object]$i) } } -WarningVariable w
        Get-ForeignTask | Should -BeNullOrEmpty
        $w | Should -BeNullOrEmpty
        # Background collections at home now do not keep anything inside either.
        foreach ($i in 1..3) { $l = [Collections.Generic.List[object]]::new(); foreach ($j in 1..1000000) { $l.Add([object]$j) }; [GC]::Collect(2, 'Forced', $false) }
        $rw = $null
        Remove-NetNamespace -Name $ns -WarningVariable rw
        $rw | Should -BeNullOrEmpty
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ((ip link show dev "${Prefix}h" 2>$null) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        ip link show dev "${Prefix}h" 2>$null | Should -BeNullOrEmpty -Because 'the namespace died, and with it the veth pair'
    }

    It 'leaves no thread inside after asynchronous work in the scriptblock (thread-pool growth, async I/O)' {
        $minW = 0; $minIo = 0
        [Threading.ThreadPool]::GetMinThreads([ref]$minW, [ref]$minIo)
        try {
            Invoke-InNetNamespace $A {
                [Threading.ThreadPool]::SetMinThreads(16, $minIo) | Out-Null
                $reads = foreach ($i in 1..32) { [IO.File]::ReadAllBytesAsync('/proc/self/status') }
                [Threading.Tasks.Task]::WaitAll([Threading.Tasks.Task[]]$reads)
                [Threading.Tasks.Parallel]::For(0, 48, [Action[int]][Threading.Thread]::Sleep) | Out-Null
            } -WarningVariable w
        }
        finally { [Threading.ThreadPool]::SetMinThreads($minW, $minIo) | Out-Null }
        Get-ForeignTask | Should -BeNullOrEmpty
        $w | Should -BeNullOrEmpty
    }

    It 'ForEach-Object -Parallel: no false warning about the other runspaces'' threads, and none left inside' {
        $ns = $A
        $module = $env:NETNSPS_MODULE_PATH
        $warnings = foreach ($round in 1..6) {
            1..8 | ForEach-Object -ThrottleLimit 4 -Parallel {
                Import-Module $using:module
                Invoke-InNetNamespace $using:ns { Start-Sleep -Milliseconds 200; 1 } 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }
            }
        }
        $warnings | Should -BeNullOrEmpty
        Get-ForeignTask | Should -BeNullOrEmpty
    }

    It 'still reports, truthfully, a thread the scriptblock itself started inside (here and in Remove-NetNamespace)' {
        $ns = "${Prefix}own"
        New-NetNamespace -Name $ns | Out-Null
        $ino = Get-FileInode "/run/netns/$ns"
        $lock = [object]::new()
        [System.Threading.Monitor]::Enter($lock)
        $thread = $null
        try {
            $w = $null
            $thread = Invoke-InNetNamespace $ns {
                $t = [System.Threading.Thread]::new([System.Threading.ParameterizedThreadStart][System.Threading.Monitor]::Enter)
                $t.IsBackground = $true
                $t.Start($lock)   # blocks on the lock the test holds, inside the namespace
                $t
            } -WarningVariable w -WarningAction SilentlyContinue
            $inside = @(Get-TasksInNamespace $ino)
            $inside.Count | Should -Be 1
            "$w" | Should -BeLike "1 thread(s) started while inside '$ns' inherited it: $($inside[0].Name) (*"
            $rw = $null
            Remove-NetNamespace -Name $ns -WarningVariable rw -WarningAction SilentlyContinue
            "$rw" | Should -BeLike "1 thread(s) of this PowerShell process are in network namespace '$ns': $($inside[0].Name) (*stays alive*"
        }
        finally {
            [System.Threading.Monitor]::Exit($lock)
            if ($thread) { $thread.Join() }
        }
    }
}

Describe 'Invoke-InNetNamespace -FilePath (ip netns exec semantics)' {
    BeforeAll {
        New-NetVethPair -Name x0 -PeerName x1 -Namespace $A | Out-Null
        New-Item -ItemType Directory -Path "/etc/netns/$A" -Force | Out-Null
        Set-Content "/etc/netns/$A/resolv.conf" 'nameserver 192.0.2.53'
    }

    It 'shows /etc/netns/NAME/resolv.conf to the program, and not to anyone else' {
        Invoke-InNetNamespace $A -FilePath cat -ArgumentList /etc/resolv.conf | Should -Be 'nameserver 192.0.2.53'
        Get-Content /etc/resolv.conf | Should -Not -Contain 'nameserver 192.0.2.53'
        (ip netns exec $A cat /etc/resolv.conf) | Should -Be 'nameserver 192.0.2.53'   # the same as ip does
    }

    It 'shows the namespace''s devices in /sys/class/net, and leaves the host''s /sys alone' {
        $hostSys = (Get-ChildItem /sys/class/net).Name | Sort-Object
        (Invoke-InNetNamespace $A -FilePath ls -ArgumentList /sys/class/net | Sort-Object) | Should -Be ((ip -n $A -j link | ConvertFrom-Json).ifname | Sort-Object)
        (Get-ChildItem /sys/class/net).Name | Sort-Object | Should -Be $hostSys
        Get-Content /proc/self/mountinfo | Where-Object { ($_ -split ' ')[4] -eq '/sys' } | Should -HaveCount 1
    }

    It 'sets $LASTEXITCODE to the program''s exit code' {
        Invoke-InNetNamespace $A -FilePath sh -ArgumentList '-c', 'exit 7'
        $LASTEXITCODE | Should -Be 7
        Invoke-InNetNamespace $A -FilePath true
        $LASTEXITCODE | Should -Be 0
    }

    It 'runs the program in the namespace' {
        $link = Invoke-InNetNamespace $A -FilePath readlink -ArgumentList /proc/self/ns/net
        $link | Should -Be "net:[$inoA]"
        Get-ThreadNs | Should -Be $hostLink
        # Only the namespace's own launcher thread is inside, and it leaves when idle (or at once on removal).
        $inside = Get-TasksInNamespace $inoA
        foreach ($t in $inside) { Get-Content "$($t.FullName)/comm" | Should -BeLike 'NetnsPS exec*' }
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ((Get-TasksInNamespace $inoA) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Get-TasksInNamespace $inoA | Should -BeNullOrEmpty
    }

    It 'reuses one prepared launcher per namespace, and Remove-NetNamespace ends it at once' {
        New-NetNamespace -Name "${Prefix}l" | Out-Null
        $ino = Get-FileInode "/run/netns/${Prefix}l"
        Invoke-InNetNamespace "${Prefix}l" -FilePath true
        $first = @(Get-TasksInNamespace $ino).Name
        Invoke-InNetNamespace "${Prefix}l" -FilePath true
        @(Get-TasksInNamespace $ino).Name | Should -Be $first
        $w = $null
        Remove-NetNamespace -Name "${Prefix}l" -WarningVariable w
        $w | Should -BeNullOrEmpty
        Get-TasksInNamespace $ino | Should -BeNullOrEmpty
    }

    It 'runs the program in the session''s file-system location, also while the location is on another provider' {
        $dir = New-Item -ItemType Directory -Path "/tmp/${Prefix}cwd" -Force
        try {
            Push-Location $dir.FullName
            try { Invoke-InNetNamespace $A -FilePath pwd | Should -Be $dir.FullName }
            finally { Pop-Location }
            Push-Location $dir.FullName
            Set-Location Env:
            try { Invoke-InNetNamespace $A -FilePath pwd | Should -Be $dir.FullName }
            finally { Pop-Location }
        }
        finally { Remove-Item $dir.FullName -Recurse -Force }
    }

    It 'follows a name that ip re-created for another namespace, instead of reusing the old launcher' {
        $n = "${Prefix}re"
        ip netns add $n
        try {
            $before = Invoke-InNetNamespace $n -FilePath readlink -ArgumentList /proc/self/ns/net
            $before | Should -Be "net:[$(Get-FileInode "/run/netns/$n")]"
            ip netns delete $n; ip netns add $n   # behind the module's back: its launcher for the old one may still run
            $after = Invoke-InNetNamespace $n -FilePath readlink -ArgumentList /proc/self/ns/net
            $after | Should -Be "net:[$(Get-FileInode "/run/netns/$n")]"
            $after | Should -Not -Be $before
        }
        finally { Remove-NetNamespace -Name $n -ErrorAction SilentlyContinue }
    }

    It 'gives the program the session''s environment, default signal dispositions and an empty signal mask' {
        $env:NETNSPS_TEST_VAR = "${Prefix}value"
        try { Invoke-InNetNamespace $A -FilePath sh -ArgumentList '-c', 'echo "$NETNSPS_TEST_VAR"' | Should -Be "${Prefix}value" }
        finally { Remove-Item Env:NETNSPS_TEST_VAR }
        # pwsh itself ignores SIGPIPE (.NET does); a program started inside must not inherit that (oracle: /proc).
        $own = [Convert]::ToUInt64(((Get-Content /proc/self/status | Where-Object { $_ -like 'SigIgn:*' }) -split '\s+')[1], 16)
        $own -band (1 -shl 12) | Should -Not -Be 0 -Because 'the oracle must be able to fail: pwsh ignores SIGPIPE'
        $status = Invoke-InNetNamespace $A -FilePath cat -ArgumentList /proc/self/status
        $ignored = [Convert]::ToUInt64((($status | Where-Object { $_ -like 'SigIgn:*' }) -split '\s+')[1], 16)
        # Signals 1-31 (SIGPIPE is 13) and the real-time ones a program may use (34 and up) are at their defaults; glibc's
        # posix_spawn leaves its own internal signals 32 and 33 ignored, and glibc programs install handlers for them.
        '{0:x16}' -f ($ignored -band (-bnot [uint64]0x180000000)) | Should -Be '0000000000000000'
        ($status | Where-Object { $_ -like 'SigBlk:*' }) -replace '\s+', ' ' | Should -Be 'SigBlk: 0000000000000000'
    }

    It 'reports a program killed by a signal as 128 + the signal, like a shell' {
        Invoke-InNetNamespace $A -FilePath sh -ArgumentList '-c', 'kill -TERM $$'
        $LASTEXITCODE | Should -Be 143
    }

    It 'stops the program when the pipeline stops early, and leaves no process or zombie behind' {
        $out = Invoke-InNetNamespace $A -FilePath sh -ArgumentList '-c', "echo ${Prefix}mark; while :; do echo x; done" | Select-Object -First 3
        $out | Should -Be "${Prefix}mark", 'x', 'x'
        $deadline = [DateTime]::UtcNow.AddSeconds(5)
        do {
            $left = @(Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -match '^\d+$' | Where-Object {
                    $stat = Get-Content "$($_.FullName)/stat" -Raw -ErrorAction SilentlyContinue
                    $stat -and ($stat.Substring($stat.LastIndexOf(')') + 2) -split ' ')[1] -eq "$PID" -and (Get-Content "$($_.FullName)/cmdline" -Raw -ErrorAction SilentlyContinue) -match "${Prefix}mark" -or
                    ($stat -and ($stat.Substring($stat.LastIndexOf(')') + 2) -split ' ')[0] -eq 'Z' -and ($stat.Substring($stat.LastIndexOf(')') + 2) -split ' ')[1] -eq "$PID")
                })
            if (-not $left) { break }
            Start-Sleep -Milliseconds 100
        } while ([DateTime]::UtcNow -lt $deadline)
        $left | Should -BeNullOrEmpty
    }

    It 'streams the program''s output as it comes; 2>$null drops its standard error' {
        $out = Invoke-InNetNamespace $A -FilePath sh -ArgumentList '-c', 'echo one; echo err >&2; echo two' 2>$null
        $out | Should -Be 'one', 'two'
        # in a child, where the console is ours to read: nothing of stderr may reach it with 2>$null
        $child = Invoke-ChildPwsh -Script "`$ErrorActionPreference = 'Continue'; Invoke-InNetNamespace '$A' -FilePath sh -ArgumentList '-c', 'echo ${Prefix}E1 >&2; echo out' 2>`$null"
        $child.Output | Should -Be 'out'
    }

    It 'returns standard error with 2>&1 as NativeCommandError records, in the order written (flushed between writes)' {
        $ErrorActionPreference = 'Continue'
        $script = 'echo o1; sleep 0.1; echo e1 >&2; sleep 0.1; echo o2; sleep 0.1; printf ''e2\r\n'' >&2; sleep 0.1; echo o3; sleep 0.1; printf e3 >&2; exit 3'
        $r = @(Invoke-InNetNamespace $A -FilePath sh -ArgumentList '-c', $script 2>&1)
        $r | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { "E:$_" } else { "O:$_" } } |
            Should -Be 'O:o1', 'E:e1', 'O:o2', 'E:e2', 'O:o3', 'E:e3'
        $e = $r[1]
        $e.FullyQualifiedErrorId | Should -BeExactly 'NativeCommandError,NetnsPS.Commands.InvokeInNetNamespaceCommand'
        "$($e.CategoryInfo.Category)" | Should -BeExactly 'NotSpecified'
        $e.Exception | Should -BeOfType System.Management.Automation.RemoteException
        $e.Exception.Message | Should -BeExactly 'e1'
        $e.TargetObject | Should -BeExactly 'e1'
        $LASTEXITCODE | Should -Be 3
    }

    It 'never stops on standard error, not even with -ErrorAction Stop (the program runs to its end)' {
        $ErrorActionPreference = 'Continue'
        $mark = "/tmp/${Prefix}stderr-mark"
        Remove-Item $mark -ErrorAction SilentlyContinue
        $out = Invoke-InNetNamespace $A -FilePath sh -ArgumentList '-c', "echo one; echo warn >&2; echo two; touch $mark" -ErrorAction Stop 2>$null
        $out | Should -Be 'one', 'two'
        Test-Path $mark | Should -BeTrue
        Remove-Item $mark
        $ev = $null
        $out = Invoke-InNetNamespace $A -FilePath sh -ArgumentList '-c', 'echo x >&2; echo y' -ErrorAction SilentlyContinue -ErrorVariable ev
        $out | Should -Be 'y'
        "$ev" | Should -BeExactly 'x'
    }

    It 'honours $PSNativeCommandUseErrorActionPreference: a non-zero exit is ProgramExitedWithNonZeroCode' {
        $ErrorActionPreference = 'Continue'
        $PSNativeCommandUseErrorActionPreference = $false
        $ev = $null
        Invoke-InNetNamespace $A -FilePath sh -ArgumentList '-c', 'exit 4' -ErrorVariable ev
        $ev | Should -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 4
        $PSNativeCommandUseErrorActionPreference = $true
        Invoke-InNetNamespace $A -FilePath sh -ArgumentList '-c', 'exit 0' -ErrorVariable ev
        $ev | Should -BeNullOrEmpty
        Invoke-InNetNamespace $A -FilePath sh -ArgumentList '-c', 'exit 5' -ErrorVariable ev -ErrorAction SilentlyContinue
        $LASTEXITCODE | Should -Be 5
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'ProgramExitedWithNonZeroCode,NetnsPS.Commands.InvokeInNetNamespaceCommand'
        "$($ev[0].CategoryInfo.Category)" | Should -BeExactly 'NotSpecified'
        $ev[0].TargetObject | Should -BeExactly (Get-Command sh -CommandType Application)[0].Source
        "$($ev[0])" | Should -Match 'exit code: 5 \(0x05\)'
        { Invoke-InNetNamespace $A -FilePath false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ProgramExitedWithNonZeroCode,NetnsPS.Commands.InvokeInNetNamespaceCommand'
    }

    It 'says a file without execute permission is not executable, and does not advise root to the root user' {
        $f = "/tmp/${Prefix}noexec.sh"
        Set-Content $f "#!/bin/sh`necho hi"
        chmod 644 $f
        try {
            (stat -c %a $f) | Should -Be '644'   # oracle: no x bit at all
            $err = $null
            try { Invoke-InNetNamespace $A -FilePath $f -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeExactly 'ProgramNotExecutable,NetnsPS.Commands.InvokeInNetNamespaceCommand'
            "$($err.CategoryInfo.Category)" | Should -BeExactly 'PermissionDenied'
            $err.Exception.Message | Should -Match ([regex]::Escape("'$f' is not executable: it has no execute permission (mode 0644)"))
            $err.ErrorDetails.RecommendedAction | Should -Match 'chmod \+x'
            $err.ErrorDetails.RecommendedAction | Should -Not -Match 'root'
            { Invoke-InNetNamespace $A -FilePath /tmp -ErrorAction Stop } |
                Should -Throw -ErrorId 'ProgramNotExecutable,NetnsPS.Commands.InvokeInNetNamespaceCommand'
        }
        finally { Remove-Item $f }
    }

    It 'gives ProgramNotFound for a name that is not in PATH, before anything starts' {
        { Invoke-InNetNamespace $A -FilePath "${Prefix}no-such-program" -ErrorAction Stop } |
            Should -Throw -ErrorId 'ProgramNotFound,NetnsPS.Commands.InvokeInNetNamespaceCommand'
    }

    It 'gives ProgramNotFound for a program that does not exist' {
        { Invoke-InNetNamespace $A -FilePath "/nonexistent/${Prefix}prog" -ErrorAction Stop } |
            Should -Throw -ErrorId 'ProgramNotFound,NetnsPS.Commands.InvokeInNetNamespaceCommand'
    }
}
