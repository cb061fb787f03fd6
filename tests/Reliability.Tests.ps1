<#
    Reliability: hygiene soak, crash recovery, concurrency, kernel async teardown, non-root.
    Sizes come from environment variables (build.ps1 -Task Soak sets the long ones; the defaults are the short form
    the normal Test task runs):
      NETNSPS_SOAK_ENTER (1000)  in-process enter/restore cycles      NETNSPS_SOAK_CREATE (100) create/delete cycles
      NETNSPS_SOAK_CRASH (100)   namespaces the killed child makes     NETNSPS_SOAK_SECONDS (5)  concurrency run time
      NETNSPS_SOAK_REPORT        file that receives "key=value" figures
#>
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers

    # Where this process started: the pipeline thread's namespace. Every thread must be there afterwards.
    $script:HomeNet = (Get-Item /proc/thread-self/ns/net).LinkTarget
    function Get-ForeignThread {
        # Threads of this pwsh (/proc/self/task/*/ns/net) in any other network namespace.
        @(foreach ($t in [IO.Directory]::GetDirectories('/proc/self/task')) {
            $l = try { [IO.File]::ResolveLinkTarget("$t/ns/net", $false).Name } catch { $null }
            # (the runtime's tiered-compilation worker may be born inside and leaves by itself: see common.ps1)
            if ($l -and $l -ne $script:HomeNet -and -not (Test-RuntimeThread $t)) { "$([IO.Path]::GetFileName($t))=$l" }
        })
    }
    function Get-FdTable {
        # fd -> target of /proc/self/fd (the enumeration's own fd is the one that vanishes afterwards: skipped by target).
        $map = @{}
        foreach ($f in [IO.Directory]::GetFiles('/proc/self/fd')) {
            $t = try { [IO.File]::ResolveLinkTarget($f, $false).Name } catch { $null }
            if ($t -and $t -ne '/proc/self/fd' -and $t -notlike '/proc/*/fd') { $map[[IO.Path]::GetFileName($f)] = $t }
        }
        $map
    }
    function Get-PrefixMountLine([string] $Prefix) {
        @([IO.File]::ReadAllLines('/proc/self/mountinfo') | Where-Object { ($_ -split ' ')[4].StartsWith("/run/netns/$Prefix", [StringComparison]::Ordinal) })
    }
    function Get-PrefixFile([string] $Prefix) {
        @(Get-ChildItem /run/netns -Force -ErrorAction SilentlyContinue | Where-Object { $_.Name.StartsWith($Prefix, [StringComparison]::Ordinal) } | ForEach-Object Name)
    }
    function Start-ChildPwsh([string] $Script, [string] $Tag) {
        # A background child pwsh (module imported) whose stdout/stderr go to files; returns the Process.
        $file = "/tmp/$script:Prefix$Tag.ps1"
        Set-Content -Path $file -Value ("`$ErrorActionPreference = 'Stop'`nImport-Module '$env:NETNSPS_MODULE_PATH'`n" + $Script)
        $p = Start-Process -FilePath dotnet -ArgumentList 'pwsh', '-NoProfile', '-NonInteractive', '-File', $file `
            -WorkingDirectory (Split-Path $PSScriptRoot) -RedirectStandardOutput "/tmp/$script:Prefix$Tag.out" `
            -RedirectStandardError "/tmp/$script:Prefix$Tag.err" -PassThru
        $script:StartedProcesses.Add($p)
        $p
    }
}

AfterAll { Remove-TestLeftovers }

Describe 'Reliability: hygiene soak' {
    BeforeAll {
        $script:EnterCycles = Get-SoakSize ENTER 1000
        $script:CreateCycles = Get-SoakSize CREATE 100
        $script:nsA = "$($script:Prefix)hyg-a"
        $script:nsB = "$($script:Prefix)hyg-b"
        New-NetNamespace $nsA, $nsB | Out-Null
        # Warm up every lazily created resource once (sockets, shared thread, runtime threads) before the baseline.
        Invoke-InNetNamespace -Namespace $nsA { } | Out-Null
        Invoke-InNetNamespace -Namespace $nsB { } | Out-Null
        try { Invoke-InNetNamespace -Namespace $nsA { throw 'warm' } -ErrorAction Stop } catch { }
        New-NetNamespace "$($script:Prefix)hyg-c" | Out-Null
        Remove-NetNamespace "$($script:Prefix)hyg-c"
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
    }
    AfterAll { Remove-NetNamespace "$($script:Prefix)hyg-*" -ErrorAction SilentlyContinue }

    It 'N in-process enter/restore cycles leave no thread in a foreign namespace and no descriptor open' {
        $fd0 = Get-FdTable
        $inoA = Get-FileInode "/run/netns/$nsA"
        $seen = [Collections.Generic.HashSet[string]]::new()
        $sw = [Diagnostics.Stopwatch]::StartNew()
        for ($i = 0; $i -lt $EnterCycles; $i++) {
            $target = if ($i % 2) { $nsB } else { $nsA }
            if ($i % 10 -eq 9) {
                # the error path: the scriptblock throws inside; the thread must still come back
                try { Invoke-InNetNamespace -Namespace $target { throw 'inside' } -ErrorAction Stop } catch { }
            }
            else {
                $inside = Invoke-InNetNamespace -Namespace $target { (Get-Item /proc/thread-self/ns/net).LinkTarget }
                if ($i -lt 4) { $null = $seen.Add("$inside") }
            }
        }
        $ms = $sw.ElapsedMilliseconds
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        # the oracle: inside really was elsewhere, and now every thread is home
        $seen | Should -Contain "net:[$inoA]"
        (Get-Item /proc/thread-self/ns/net).LinkTarget | Should -Be $HomeNet
        Get-ForeignThread | Should -BeNullOrEmpty
        $fd1 = Get-FdTable
        $new = @($fd1.Keys | Where-Object { -not $fd0.ContainsKey($_) -or $fd0[$_] -ne $fd1[$_] } | ForEach-Object { "$_ -> $($fd1[$_])" })
        $new | Should -BeNullOrEmpty -Because 'no descriptor may leak per cycle'
        $fd1.Count | Should -BeLessOrEqual $fd0.Count
        Write-SoakFigure enter.cycles $EnterCycles
        Write-SoakFigure enter.ms $ms
        Write-SoakFigure enter.fdGrowth ($fd1.Count - $fd0.Count)
        Write-SoakFigure enter.foreignThreads (Get-ForeignThread).Count
    }

    It 'M create/delete cycles leave no mount, no /run/netns file and no descriptor' {
        $name = "$($script:Prefix)hyg-cyc"
        $fd0 = Get-FdTable
        $threads0 = [Diagnostics.Process]::GetCurrentProcess().Threads.Count
        $inodes = [Collections.Generic.HashSet[uint64]]::new()
        $sw = [Diagnostics.Stopwatch]::StartNew()
        for ($i = 0; $i -lt $CreateCycles; $i++) {
            # same name every time: creating right after deleting must work (kernel async teardown)
            $ns = New-NetNamespace $name
            $null = $inodes.Add($ns.Inode)
            Remove-NetNamespace $name
        }
        $ms = $sw.ElapsedMilliseconds
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        $inodes.Count | Should -BeGreaterThan 1 -Because 'each cycle made a new namespace'
        Get-PrefixFile "$($script:Prefix)hyg-cyc" | Should -BeNullOrEmpty
        Get-PrefixMountLine "$($script:Prefix)hyg-cyc" | Should -BeNullOrEmpty
        Get-IpNetnsNames | Should -Not -Contain $name
        Get-ForeignThread | Should -BeNullOrEmpty
        $fd1 = Get-FdTable
        $new = @($fd1.Keys | Where-Object { -not $fd0.ContainsKey($_) -or $fd0[$_] -ne $fd1[$_] } | ForEach-Object { "$_ -> $($fd1[$_])" })
        $new | Should -BeNullOrEmpty
        $fd1.Count | Should -BeLessOrEqual $fd0.Count
        # threads do not pile up either (a few runtime workers may come and go)
        [Diagnostics.Process]::GetCurrentProcess().Threads.Count | Should -BeLessOrEqual ($threads0 + 4)
        Write-SoakFigure create.cycles $CreateCycles
        Write-SoakFigure create.ms $ms
        Write-SoakFigure create.fdGrowth ($fd1.Count - $fd0.Count)
        Write-SoakFigure create.leftovers ((Get-PrefixFile "$($script:Prefix)hyg-cyc").Count + (Get-PrefixMountLine "$($script:Prefix)hyg-cyc").Count)
    }

    It 'creating right after deleting the same name works, with processes and nsids involved' {
        $name = "$($script:Prefix)hyg-again"
        for ($i = 0; $i -lt 10; $i++) {
            $a = New-NetNamespace $name
            # give it something that delays the kernel's teardown: a device and an nsid
            ip -n $name link add "$($script:Prefix)d" type dummy 2>$null
            Get-NetNamespace $name | Out-Null
            Remove-NetNamespace $name
            $b = New-NetNamespace $name
            $b.Inode | Should -Not -Be $a.Inode
            Get-FileInode "/run/netns/$name" | Should -Be $b.Inode
            Test-NsfsMount "/run/netns/$name" | Should -BeTrue
            Get-MountCount "/run/netns/$name" | Should -Be 1
            Remove-NetNamespace $name
        }
        Get-PrefixFile $name | Should -BeNullOrEmpty
    }
}

Describe 'Reliability: crash recovery' {
    BeforeAll {
        $script:CrashCount = Get-SoakSize CRASH 100
        $script:cp = "$($script:Prefix)crash-"
        $script:progress = "/tmp/$($script:Prefix)crash.progress"
        # Sentinels outside the pattern: they must survive the cleanup.
        New-NetNamespace "$($script:Prefix)keep" | Out-Null
        New-Item -ItemType File "/run/netns/$($script:Prefix)keepstale" | Out-Null
        $body = @"
`$n = 0
while (`$true) {
    New-NetNamespace ('$cp{0:D5}' -f `$n) | Out-Null
    `$n++
    [IO.File]::WriteAllText('$progress', "`$n")
}
"@
        $script:child = Start-ChildPwsh -Script $body -Tag crash
        $half = [Math]::Max(1, [int]($CrashCount / 2))
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $seen = 0
        # Let it get halfway through its CrashCount namespaces, then SIGKILL it mid-creation.
        while ($sw.Elapsed.TotalSeconds -lt 120 -and -not $child.HasExited) {
            $done = try { [int](Get-Content $progress -ErrorAction Stop) } catch { 0 }
            $seen = [Math]::Max($seen, $done)
            if ($seen -ge $half) { break }
            Start-Sleep -Milliseconds 5
        }
        $script:childExitedEarly = $child.HasExited
        $child.Kill($true)   # SIGKILL to the process tree
        $child.WaitForExit(10000) | Out-Null
        # the progress file may be cut short by the kill (it is rewritten after every creation)
        $script:created = [Math]::Max($seen, $(try { [int](Get-Content $progress) } catch { 0 }))
        # A crash between the placeholder and its mount leaves a stale entry; make sure there are some to recover.
        foreach ($i in 1..3) { New-Item -ItemType File "/run/netns/$($cp)stale$i" | Out-Null }
        $script:files = Get-PrefixFile $cp
        $script:mounted = @(Get-NsfsMountPoint | Where-Object { $_.StartsWith("/run/netns/$cp", [StringComparison]::Ordinal) } | ForEach-Object { $_.Substring(11) })
        $script:reported = @(Get-NetNamespace "$cp*")
    }
    AfterAll {
        Remove-NetNamespace "$($script:Prefix)keep*" -ErrorAction SilentlyContinue
    }

    It 'the child was killed midway (it made leftovers and was still running)' {
        $childExitedEarly | Should -BeFalse -Because (Get-Content "/tmp/$($script:Prefix)crash.err" -Raw -ErrorAction SilentlyContinue)
        $created | Should -BeGreaterOrEqual ([Math]::Max(1, [int]($CrashCount / 2)))
        $files.Count | Should -BeGreaterOrEqual ($created + 3)
        Write-SoakFigure crash.created $created
    }

    It 'Get-NetNamespace reports every leftover, stale ones marked' {
        ($reported.Name | Sort-Object) -join ',' | Should -BeExactly (($files | Sort-Object) -join ',')
        foreach ($r in $reported) {
            $r.IsStale | Should -Be (-not ($mounted -contains $r.Name)) -Because "$($r.Name) is $(if ($mounted -contains $r.Name) { 'an nsfs mount' } else { 'a plain file' })"
        }
        @($reported | Where-Object IsStale).Count | Should -BeGreaterOrEqual 3
        # ip sees the real ones too
        $ipNames = @(Get-IpNetnsNames | Where-Object { $_.StartsWith($cp, [StringComparison]::Ordinal) })
        foreach ($m in $mounted) { $ipNames | Should -Contain $m }
        Write-SoakFigure crash.leftovers $reported.Count
        Write-SoakFigure crash.stale @($reported | Where-Object IsStale).Count
    }

    It 'Remove-NetNamespace cleans every leftover, stale ones included, and nothing else' {
        $stale = @($reported | Where-Object IsStale)
        # stale ones through the pipeline, the rest by pattern
        $stale | Remove-NetNamespace -ErrorAction Stop
        Remove-NetNamespace "$cp*" -ErrorAction Stop
        Get-PrefixFile $cp | Should -BeNullOrEmpty
        Get-PrefixMountLine $cp | Should -BeNullOrEmpty
        @(Get-IpNetnsNames | Where-Object { $_.StartsWith($cp, [StringComparison]::Ordinal) }) | Should -BeNullOrEmpty
        Test-NsfsMount "/run/netns/$($script:Prefix)keep" | Should -BeTrue
        Test-Path "/run/netns/$($script:Prefix)keepstale" | Should -BeTrue
        Write-SoakFigure crash.remaining (Get-PrefixFile $cp).Count
    }
}

Describe 'Reliability: concurrency' {
    BeforeAll {
        $script:Seconds = Get-SoakSize SECONDS 5
        $script:cc = "$($script:Prefix)cc-"
        $script:go = "/tmp/$($script:Prefix)cc.go"
        $script:kids = foreach ($k in 1..4) {
            $body = @"
`$names = 0..5 | ForEach-Object { '$cc' + `$_ }
`$rng = [Random]::new($k)
`$r = @{ new = 0; remove = 0; get = 0; errors = @{}; unexpected = @() }
[IO.File]::WriteAllText('/tmp/$($script:Prefix)cc.ready$k', 'x')
while (-not (Test-Path '$go')) { Start-Sleep -Milliseconds 10 }
`$end = [DateTime]::UtcNow.AddSeconds($Seconds)
while ([DateTime]::UtcNow -lt `$end) {
    `$n = `$names[`$rng.Next(`$names.Count)]
    `$op = `$rng.Next(5)
    try {
        if (`$op -lt 2) { New-NetNamespace `$n -ErrorAction Stop | Out-Null; `$r.new++ }
        elseif (`$op -lt 4) { Remove-NetNamespace `$n -ErrorAction Stop; `$r.remove++ }
        else { Get-NetNamespace "$cc*" -ErrorAction Stop | Out-Null; `$r.get++ }
    }
    catch {
        `$id = `$_.FullyQualifiedErrorId
        `$r.errors[`$id] = 1 + [int]`$r.errors[`$id]
        if (`$r.unexpected.Count -lt 5 -and `$id -notmatch '^(NamespaceAlreadyExists|NamespaceNotFound),') { `$r.unexpected += "`$id [`$(`$_.CategoryInfo.Category)] `$(`$_.Exception.Message)" }
    }
}
'JSON:' + (`$r | ConvertTo-Json -Compress -Depth 4)
"@
            Start-ChildPwsh -Script $body -Tag "cc$k"
        }
        $sw = [Diagnostics.Stopwatch]::StartNew()
        while ($sw.Elapsed.TotalSeconds -lt 120 -and @(1..4 | Where-Object { Test-Path "/tmp/$($script:Prefix)cc.ready$_" }).Count -lt 4 -and -not @($kids | Where-Object HasExited)) {
            Start-Sleep -Milliseconds 20
        }
        Set-Content $go 'go'
        foreach ($p in $kids) { $p.WaitForExit(($Seconds + 120) * 1000) | Out-Null }
        $script:results = foreach ($k in 1..4) {
            $line = Get-Content "/tmp/$($script:Prefix)cc$k.out" -ErrorAction SilentlyContinue | Where-Object { $_.StartsWith('JSON:') } | Select-Object -Last 1
            if ($line) { $line.Substring(5) | ConvertFrom-Json } else { $null }
        }
    }
    AfterAll { Remove-NetNamespace "$($script:cc)*" -ErrorAction SilentlyContinue }

    It 'every process finished its run' {
        foreach ($k in 1..4) {
            $results[$k - 1] | Should -Not -BeNullOrEmpty -Because ((Get-Content "/tmp/$($script:Prefix)cc$k.err" -Raw -ErrorAction SilentlyContinue) + (Get-Content "/tmp/$($script:Prefix)cc$k.out" -Raw -ErrorAction SilentlyContinue))
        }
        $calls = ($results | ForEach-Object { $_.new + $_.remove + $_.get + ($_.errors.PSObject.Properties.Value | Measure-Object -Sum).Sum } | Measure-Object -Sum).Sum
        $calls | Should -BeGreaterThan 20
        Write-SoakFigure concurrency.seconds $Seconds
        Write-SoakFigure concurrency.calls $calls
        Write-SoakFigure concurrency.unexpected (@($results.unexpected | Where-Object { $_ })).Count
    }

    It 'every call succeeded or failed with a documented ErrorId' {
        @($results.unexpected | Where-Object { $_ }) | Should -BeNullOrEmpty
        foreach ($r in $results) {
            foreach ($id in $r.errors.PSObject.Properties.Name) {
                $id | Should -BeIn @('NamespaceAlreadyExists,NetnsPS.Commands.NewNetNamespaceCommand', 'NamespaceNotFound,NetnsPS.Commands.RemoveNetNamespaceCommand')
            }
        }
        # the race really happened: both kinds of refusal were seen
        ($results | ForEach-Object { $_.new } | Measure-Object -Sum).Sum | Should -BeGreaterThan 0
        ($results | ForEach-Object { $_.remove } | Measure-Object -Sum).Sum | Should -BeGreaterThan 0
    }

    It 'creators never fail while removers on other threads hammer the same name (in-process, the core calls)' {
        # Regression (issue 22, bug 4, ~1 in 16000 operations in the run above): a remover that found no mount at the
        # name unlinked a placeholder a creator had just linked, and the creator failed with NamespaceCreateFailed
        # (ENOENT). Calling the core directly from five threads makes the window hundreds of times more likely than
        # cmdlets in separate processes do.
        $name = "$($cc)hammer"
        $mod = (Get-Module NetnsPS).Path
        $secs = $Seconds
        $res = @('new', 'new', 'remove', 'remove', 'remove') | ForEach-Object -ThrottleLimit 5 -Parallel {
            Import-Module $using:mod
            $kind = $_; $n = $using:name; $end = [DateTime]::UtcNow.AddSeconds($using:secs); $ok = 0; $bad = @()
            while ([DateTime]::UtcNow -lt $end) {
                try {
                    if ($kind -eq 'new') { [void][NetnsPS.Core.Namespaces.NamespaceStore]::Create($n) } else { [NetnsPS.Core.Namespaces.NamespaceStore]::Delete($n) }
                    $ok++
                }
                catch {
                    $e = if ($_.Exception.InnerException) { $_.Exception.InnerException } else { $_.Exception }
                    if ($e.ErrorCode -notin 'NamespaceAlreadyExists', 'NamespaceNotFound' -and $bad.Count -lt 5) { $bad += "$($e.ErrorCode): $($e.Message)" }
                }
            }
            [pscustomobject]@{ Kind = $kind; Ok = $ok; Bad = $bad }
        }
        Write-SoakFigure concurrency.hammer.created ($res | Where-Object Kind -eq 'new' | Measure-Object Ok -Sum).Sum
        Write-SoakFigure concurrency.hammer.unexpected @($res.Bad | Where-Object { $_ }).Count
        @($res.Bad | Where-Object { $_ }) | Should -BeNullOrEmpty
        ($res | Where-Object Kind -eq 'new' | Measure-Object Ok -Sum).Sum | Should -BeGreaterThan 10 -Because 'the race ran'
        ($res | Where-Object Kind -eq 'remove' | Measure-Object Ok -Sum).Sum | Should -BeGreaterThan 10
        # what is left is a namespace mounted once, or nothing (never a stale placeholder)
        if (Test-Path "/run/netns/$name") { Get-MountCount "/run/netns/$name" | Should -Be 1 }
    }

    It 'Remove-NetNamespace waits for a placeholder whose creator still holds its lock, and removes a stale one at once' {
        # Regression (found by the 30 s soak): a remover took a placeholder still being created for a stale entry and
        # unlinked it, and the creator failed with NamespaceCreateFailed (ENOENT). A creator now holds flock on the
        # placeholder until its namespace is mounted on it; here flock(1) plays the creator for 1.5 s.
        $name = "$($cc)locked"
        $path = "/run/netns/$name"
        $holder = Start-Process -FilePath flock -ArgumentList $path, 'sleep', '1.5' -PassThru
        $script:StartedProcesses.Add($holder)
        Wait-Until -What 'flock to hold the lock' -Condition { (Test-Path $path) -and (Get-Content /proc/locks -Raw) -match ":$(Get-FileInode $path) " }
        $sw = [Diagnostics.Stopwatch]::StartNew()
        Remove-NetNamespace $name -ErrorAction Stop
        $sw.ElapsedMilliseconds | Should -BeGreaterThan 700 -Because 'the removal waited for the lock'
        $holder.WaitForExit(5000) | Should -BeTrue -Because 'the lock is gone only when flock(1) ends'
        Test-Path $path | Should -BeFalse
        # an old unlocked placeholder (a crash leftover) goes without waiting
        New-Item -ItemType File $path | Out-Null
        (Get-Item $path).LastWriteTimeUtc = [DateTime]::UtcNow.AddMinutes(-5)
        $sw.Restart()
        Remove-NetNamespace $name -ErrorAction Stop
        $sw.ElapsedMilliseconds | Should -BeLessThan 200
        Test-Path $path | Should -BeFalse
    }

    It 'the final state matches ip netns list and mountinfo (one mount per name, nothing stale)' {
        $files = Get-PrefixFile $cc | Sort-Object
        $mounts = @(Get-NsfsMountPoint | Where-Object { $_.StartsWith("/run/netns/$cc", [StringComparison]::Ordinal) } | ForEach-Object { $_.Substring(11) } | Sort-Object)
        $listed = @(Get-IpNetnsNames | Where-Object { $_.StartsWith($cc, [StringComparison]::Ordinal) } | Sort-Object)
        $mine = @(Get-NetNamespace "$cc*")
        ($files -join ',') | Should -BeExactly ($mounts -join ',') -Because 'every entry is mounted exactly once, no stale file'
        ($listed -join ',') | Should -BeExactly ($files -join ',')
        (($mine.Name | Sort-Object) -join ',') | Should -BeExactly ($files -join ',')
        @($mine | Where-Object IsStale) | Should -BeNullOrEmpty
        foreach ($f in $files) { Get-MountCount "/run/netns/$f" | Should -Be 1 }
    }
}

Describe 'Reliability: non-root' {
    BeforeAll {
        # Runs a script as nobody (uid/gid 65534, no groups, no capabilities). The pwsh package lives under /root
        # (mode 0700): a private mount namespace binds it onto a readable directory first; nothing reaches ours.
        # The built module may sit under a directory nobody cannot read either (a clone in /root): a copy of it is
        # staged in a fresh directory under /tmp (0755, files 0644) with the script, and removed in AfterAll.
        $script:nsR = "$($script:Prefix)nr"
        New-NetNamespace $nsR | Out-Null
        ip -n $nsR link set lo up
        $script:mnt = "/tmp/$($script:Prefix)pwsh"
        $script:stage = (mktemp -d "/tmp/$($script:Prefix)stage.XXXXXX")
        Copy-Item (Split-Path $env:NETNSPS_MODULE_PATH) "$stage/NetnsPS" -Recurse
        $module = Join-Path "$stage/NetnsPS" (Split-Path $env:NETNSPS_MODULE_PATH -Leaf)
        $body = @"
`$ErrorActionPreference = 'Continue'
Import-Module '$module'
`$ns = '$nsR'
`$cases = [ordered]@{
    GetNamespace = { Get-NetNamespace `$ns }
    GetNamespaceByPid = { Get-NetNamespace -ProcessId `$PID }
    GetAdapterOwn = { Get-NetNamespaceAdapter -Namespace '' }
    GetAddressOwn = { Get-NetNamespaceAddress -Namespace '' }
    GetRouteOwn = { Get-NetNamespaceRoute -Namespace '' }
    GetSysctlOwn = { Get-NetNamespaceSysctl -Namespace '' -Name net.ipv4.ip_forward }
    GetAdapterOther = { Get-NetNamespaceAdapter -Namespace `$ns }
    GetSysctlOther = { Get-NetNamespaceSysctl -Namespace `$ns -Name net.ipv4.ip_forward }
    New = { New-NetNamespace '$($script:Prefix)nr2' }
    Remove = { Remove-NetNamespace `$ns -Confirm:`$false }
    NewAddress = { New-NetNamespaceAddress -Namespace `$ns -InterfaceAlias lo -IPAddress 10.251.0.1 -PrefixLength 32 }
    SetAdapter = { Set-NetNamespaceAdapter -Namespace `$ns -Name lo -State Down }
    NewVeth = { New-NetVethPair -Name '$($script:Prefix)a' -PeerName '$($script:Prefix)b' -Namespace `$ns }
    SetSysctl = { Set-NetNamespaceSysctl -Namespace `$ns -Name net.ipv4.ip_forward -Value 1 }
    NewRoute = { New-NetNamespaceRoute -Namespace `$ns -DestinationPrefix 10.252.0.0/16 -InterfaceAlias lo }
    RemoveAdapter = { Remove-NetNamespaceAdapter -Namespace `$ns -Name lo -Confirm:`$false }
    Invoke = { Invoke-InNetNamespace -Namespace `$ns { 1 } }
    Socket = { New-NetNamespaceSocket -Namespace `$ns }
    NewNat = { New-NetNamespaceNat -Namespace `$ns -InterfaceAlias lo }
    AddMapping = { Add-NetNamespaceNatStaticMapping -Namespace `$ns -Protocol TCP -ExternalPort 8080 -InternalIPAddress 10.251.0.2 }
}
`$out = [ordered]@{ uid = [int](id -u) }
foreach (`$k in `$cases.Keys) {
    `$Error.Clear()
    `$o = try { & `$cases[`$k] 2>`$null } catch { }
    `$errs = @(`$Error | Where-Object { `$_ -is [System.Management.Automation.ErrorRecord] })
    `$out[`$k] = @{ count = @(`$o).Count; errors = @(`$errs | ForEach-Object { @{ id = `$_.FullyQualifiedErrorId; cat = "`$(`$_.CategoryInfo.Category)"; msg = `$_.Exception.Message } }) }
}
'JSON:' + (`$out | ConvertTo-Json -Compress -Depth 5)
"@
        $file = "$stage/nobody.ps1"
        Set-Content -Path $file -Value $body
        chmod -R 'u=rwX,go=rX' $stage
        # the pwsh.dll of the tool manifest's PowerShell package (the version this session runs)
        $pkg = Join-Path ($env:NUGET_PACKAGES ?? "$HOME/.nuget/packages") "powershell/$($PSVersionTable.PSVersion)"
        $unix = Split-Path (Get-ChildItem $pkg -Recurse -Filter pwsh.dll | Where-Object FullName -Like '*/unix/*' | Select-Object -First 1).FullName
        $sh = "mkdir -p '$mnt' && mount --bind '$unix' '$mnt' && exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all env HOME=/tmp dotnet '$mnt/pwsh.dll' -NoProfile -NonInteractive -File '$file'"
        $lines = @(unshare --mount --propagation private -- sh -c $sh 2>&1 | ForEach-Object { "$_" -replace "\e\[[0-9;?]*[A-Za-z]" })
        Remove-Item $mnt -ErrorAction SilentlyContinue
        $script:nrOut = $lines
        $json = $lines | Where-Object { $_.StartsWith('JSON:') } | Select-Object -Last 1
        $script:nr = if ($json) { $json.Substring(5) | ConvertFrom-Json } else { $null }
    }
    AfterAll {
        Remove-NetNamespace "$($script:Prefix)nr*" -ErrorAction SilentlyContinue
        if ($script:stage) { Remove-Item $script:stage -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'ran as nobody' {
        $nr | Should -Not -BeNullOrEmpty -Because ($nrOut -join "`n")
        $nr.uid | Should -Be 65534
    }

    It 'read-only <Case> works where the kernel allows (own namespace, /run/netns listing)' -ForEach @(
        @{ Case = 'GetNamespace'; Min = 1 }
        @{ Case = 'GetNamespaceByPid'; Min = 0 }
        @{ Case = 'GetAdapterOwn'; Min = 1 }
        @{ Case = 'GetAddressOwn'; Min = 1 }
        @{ Case = 'GetRouteOwn'; Min = 0 }
        @{ Case = 'GetSysctlOwn'; Min = 1 }
    ) {
        $r = $nr.$Case
        @($r.errors) | Should -BeNullOrEmpty -Because ($r.errors | ConvertTo-Json -Compress)
        $r.count | Should -BeGreaterOrEqual $Min
    }

    It 'read-only <Case> of another namespace fails with one NamespaceEnterFailed (PermissionDenied): setns needs CAP_SYS_ADMIN' -ForEach @(
        @{ Case = 'GetAdapterOther'; Cmd = 'GetNetNamespaceAdapterCommand' }
        @{ Case = 'GetSysctlOther'; Cmd = 'GetNetNamespaceSysctlCommand' }
    ) {
        $r = $nr.$Case
        @($r.errors).Count | Should -Be 1
        $r.errors[0].id | Should -BeExactly "NamespaceEnterFailed,NetnsPS.Commands.$Cmd"
        $r.errors[0].cat | Should -Be 'PermissionDenied'
    }

    It 'change <Case> fails with exactly one InsufficientPrivilege (PermissionDenied) error' -ForEach @(
        @{ Case = 'New'; Cmd = 'NewNetNamespaceCommand' }
        @{ Case = 'Remove'; Cmd = 'RemoveNetNamespaceCommand' }
        @{ Case = 'NewAddress'; Cmd = 'NewNetNamespaceAddressCommand' }
        @{ Case = 'SetAdapter'; Cmd = 'SetNetNamespaceAdapterCommand' }
        @{ Case = 'NewVeth'; Cmd = 'NewNetVethPairCommand' }
        @{ Case = 'SetSysctl'; Cmd = 'SetNetNamespaceSysctlCommand' }
        @{ Case = 'NewRoute'; Cmd = 'NewNetNamespaceRouteCommand' }
        @{ Case = 'RemoveAdapter'; Cmd = 'RemoveNetNamespaceAdapterCommand' }
        @{ Case = 'Invoke'; Cmd = 'InvokeInNetNamespaceCommand' }
        @{ Case = 'Socket'; Cmd = 'NewNetNamespaceSocketCommand' }
        @{ Case = 'NewNat'; Cmd = 'NewNetNamespaceNatCommand' }
        @{ Case = 'AddMapping'; Cmd = 'AddNetNamespaceNatStaticMappingCommand' }
    ) {
        $r = $nr.$Case
        $r.count | Should -Be 0
        @($r.errors).Count | Should -Be 1 -Because ($r.errors | ConvertTo-Json -Compress)
        $r.errors[0].id | Should -BeExactly "InsufficientPrivilege,NetnsPS.Commands.$Cmd"
        $r.errors[0].cat | Should -Be 'PermissionDenied'
        $r.errors[0].msg | Should -Match 'CAP_(SYS|NET)_ADMIN'
    }

    It 'changed nothing (independent oracle)' {
        Test-NsfsMount "/run/netns/$nsR" | Should -BeTrue
        Test-Path "/run/netns/$($script:Prefix)nr2" | Should -BeFalse
        (ip -n $nsR -j addr show dev lo | ConvertFrom-Json).addr_info.local | Should -Not -Contain '10.251.0.1'
        (ip -n $nsR -j link show dev lo | ConvertFrom-Json).flags | Should -Contain 'UP'
        @(ip -n $nsR -j link | ConvertFrom-Json).Count | Should -Be 1
        ip netns exec $nsR cat /proc/sys/net/ipv4/ip_forward | Should -Be '0'
    }
}
