BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
}
AfterAll { Remove-TestLeftovers }

Describe 'Remove-NetNamespace' {
    BeforeAll { Assert-NoLeftovers }
    # Every test starts from nothing with our prefix.
    AfterEach { Remove-TestLeftovers }
    AfterAll { Remove-TestLeftovers }

    It 'removes by <How>: gone from ip netns list, no file, no nsfs mount; the others stay' -ForEach @(
        @{ How = 'name'; Run = { param($p) Remove-NetNamespace -Name "${p}r1", "${p}r2" } }
        @{ How = 'position'; Run = { param($p) Remove-NetNamespace "${p}r1", "${p}r2" } }
        @{ How = 'wildcard'; Run = { param($p) Remove-NetNamespace -Name "${p}r*" } }
        @{ How = 'case-insensitive wildcard'; Run = { param($p) Remove-NetNamespace -Name "${p}R?" } }
        @{ How = 'pipeline of objects'; Run = { param($p) Get-NetNamespace -Name "${p}r*" | Remove-NetNamespace } }
        @{ How = '-InputObject'; Run = { param($p) Remove-NetNamespace -InputObject (Get-NetNamespace -Name "${p}r1", "${p}r2") } }
        @{ How = 'pipeline of names'; Run = { param($p) "${p}r1", "${p}r2" | Remove-NetNamespace } }
        @{ How = 'pipeline by property name'; Run = { param($p) [pscustomobject]@{ Name = "${p}r1" }, [pscustomobject]@{ Name = "${p}r2" } | Remove-NetNamespace } }
    ) {
        foreach ($n in 'r1', 'r2', 'keep') { ip netns add "$Prefix$n" }
        $keepIno = (Get-LsInode)["${Prefix}keep"]
        $out = @(& $Run $Prefix 2>&1)
        $out | Should -BeNullOrEmpty -Because 'Remove-NetNamespace writes nothing (and no error here)' 
        $state = Get-PrefixState
        $state.Listed | Should -BeExactly "${Prefix}keep"
        $state.Entries | Should -BeExactly "${Prefix}keep"
        $state.Mounts | Should -BeExactly "/run/netns/${Prefix}keep"
        Get-MountCount "/run/netns/${Prefix}r1" | Should -Be 0
        (Get-LsInode)["${Prefix}keep"] | Should -Be $keepIno
    }

    It 'removes a namespace that New-NetNamespace made, leaving nothing in mountinfo' {
        $ns = New-NetNamespace -Name "${Prefix}mine"
        Test-NsfsMount $ns.Path | Should -BeTrue
        Remove-NetNamespace -Name "${Prefix}mine"
        Test-NsfsMount $ns.Path | Should -BeFalse
        Get-MountCount $ns.Path | Should -Be 0
        Test-Path $ns.Path | Should -BeFalse
    }

    It 'removes 50 namespaces by wildcard' {
        $names = 1..50 | ForEach-Object { "${Prefix}many$_" }
        New-NetNamespace -Name $names -ThrottleLimit 4 | Out-Null
        (Get-PrefixState).Entries.Split(',').Count | Should -Be 50
        Remove-NetNamespace -Name "${Prefix}many*"
        $state = Get-PrefixState
        $state.Entries | Should -BeNullOrEmpty
        $state.Mounts | Should -BeNullOrEmpty
        $state.Listed | Should -BeNullOrEmpty
    }

    It 'removes 300 names on several threads with the errors of unknown names in input order, then nothing is left' {
        $names = [Collections.Generic.List[string]](1..300 | ForEach-Object { "${Prefix}par$_" })
        New-NetNamespace -Name $names -ThrottleLimit 4 | Out-Null
        $names.Insert(100, "${Prefix}gone-a"); $names.Insert(250, "${Prefix}gone-b")
        $errs = $null
        Remove-NetNamespace -LiteralName $names -ErrorAction SilentlyContinue -ErrorVariable errs
        @($errs | ForEach-Object { $_.FullyQualifiedErrorId }) | Should -Be (@('NamespaceNotFound,NetnsPS.Commands.RemoveNetNamespaceCommand') * 2)
        @($errs | ForEach-Object { "$($_.TargetObject)" }) | Should -Be @("${Prefix}gone-a", "${Prefix}gone-b")
        # the oracles: ip netns list, the directory and mountinfo
        $state = Get-PrefixState
        $state.Entries | Should -BeNullOrEmpty
        $state.Mounts | Should -BeNullOrEmpty
        $state.Listed | Should -BeNullOrEmpty
        # the remover threads are gone with the call
        @(Get-ChildItem /proc/self/task | Where-Object { (Get-Content "$($_.FullName)/comm" -ErrorAction SilentlyContinue) -like 'NetnsPS remove*' }) | Should -BeNullOrEmpty
    }

    It '-WhatIf removes nothing: same inode, still mounted, still listed' {
        ip netns add "${Prefix}keep"
        $ino = (Get-LsInode)["${Prefix}keep"]
        Remove-NetNamespace -Name "${Prefix}keep" -WhatIf
        Get-NetNamespace -Name "${Prefix}keep" | Remove-NetNamespace -WhatIf
        Get-IpNetnsNames | Should -Contain "${Prefix}keep"
        (Get-LsInode)["${Prefix}keep"] | Should -Be $ino
        Test-NsfsMount "/run/netns/${Prefix}keep" | Should -BeTrue
    }

    It 'gives a non-terminating NamespaceNotFound (ObjectNotFound) for a missing literal name, and removes the others' {
        ip netns add "${Prefix}there"
        $err = $null
        Remove-NetNamespace -Name "${Prefix}nothere", "${Prefix}there" -ErrorVariable err -ErrorAction SilentlyContinue
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.RemoveNetNamespaceCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -BeExactly "${Prefix}nothere"
        Test-Path "/run/netns/${Prefix}there" | Should -BeFalse
        { Remove-NetNamespace -Name "${Prefix}nothere" -ErrorAction Stop } |
            Should -Throw -ErrorId 'NamespaceNotFound,NetnsPS.Commands.RemoveNetNamespaceCommand'
    }

    It 'is quiet for a wildcard that matches nothing' {
        $err = $null
        Remove-NetNamespace -Name "${Prefix}none*" -ErrorVariable err
        $err | Should -BeNullOrEmpty
    }

    It 'gives NamespaceNotFound for an object whose namespace is already gone' {
        ip netns add "${Prefix}gone"
        $o = Get-NetNamespace -Name "${Prefix}gone"
        ip netns delete "${Prefix}gone"
        $err = $null
        $o | Remove-NetNamespace -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.RemoveNetNamespaceCommand'
    }

    It 'removes exactly the namespace of a piped object whose name has wildcard characters (<Name>), not others' -ForEach @(
        @{ Name = 'w*'; Other = 'wx' }
        @{ Name = 'w[1]'; Other = 'w1' }
        @{ Name = 'w?'; Other = 'wy' }
    ) {
        # Valid names for ip netns; the object's name must be taken literally, never as a pattern.
        ip netns add "$Prefix$Name"
        ip netns add "$Prefix$Other"
        $o = Get-NetNamespace | Where-Object Name -CEQ "$Prefix$Name"
        $o | Should -Not -BeNullOrEmpty
        $otherIno = (Get-LsInode)["$Prefix$Other"]
        $o | Remove-NetNamespace -ErrorAction SilentlyContinue
        Get-IpNetnsNames | Should -Contain "$Prefix$Other" -Because "only '$Prefix$Name' was piped"
        (Get-LsInode)["$Prefix$Other"] | Should -Be $otherIno
        Test-Path -LiteralPath "/run/netns/$Prefix$Name" | Should -BeFalse -Because 'the piped namespace must be removed'
    }

    It 'removes a stale entry (a plain file) without error' {
        New-Item -ItemType File -Path "/run/netns/${Prefix}stale" | Out-Null
        $err = $null
        Remove-NetNamespace -Name "${Prefix}stale" -ErrorVariable err
        $err | Should -BeNullOrEmpty
        Test-Path "/run/netns/${Prefix}stale" | Should -BeFalse
        Get-IpNetnsNames | Should -Not -Contain "${Prefix}stale"
    }

    It 'warns when processes keep the namespace alive, names them, and leaves them running in it' {
        ip netns add "${Prefix}busy"
        $p1 = Start-InNamespace "${Prefix}busy"
        $p2 = Start-InNamespace "${Prefix}busy"
        $inode = Get-FileInode "/run/netns/${Prefix}busy"
        $w = $null
        Remove-NetNamespace -Name "${Prefix}busy" -WarningVariable w -WarningAction SilentlyContinue
        @($w).Count | Should -Be 1
        "$w" | Should -Match "'${Prefix}busy'"
        "$w" | Should -Match "\b$($p1.Id) \(sleep\)"
        "$w" | Should -Match "\b$($p2.Id) \(sleep\)"
        "$w" | Should -Match '-Force'
        Get-IpNetnsNames | Should -Not -Contain "${Prefix}busy"
        Test-NsfsMount "/run/netns/${Prefix}busy" | Should -BeFalse
        Test-Path "/run/netns/${Prefix}busy" | Should -BeFalse
        $p1.HasExited | Should -BeFalse
        $p2.HasExited | Should -BeFalse
        Get-ProcNetInode $p1.Id | Should -Be $inode -Because 'the namespace lives on, unnamed'
        Get-ProcNetInode $p2.Id | Should -Be $inode
    }

    It '-Force stops the processes inside first (they exit), without a warning' {
        ip netns add "${Prefix}force"
        $p1 = Start-InNamespace "${Prefix}force"
        $p2 = Start-InNamespace "${Prefix}force"
        (Get-IpNetnsPids "${Prefix}force").Count | Should -Be 2
        $w = $null
        Remove-NetNamespace -Name "${Prefix}force" -Force -WarningVariable w
        $w | Should -BeNullOrEmpty
        $p1.WaitForExit(5000) | Should -BeTrue
        $p2.WaitForExit(5000) | Should -BeTrue
        Get-IpNetnsNames | Should -Not -Contain "${Prefix}force"
        Test-NsfsMount "/run/netns/${Prefix}force" | Should -BeFalse
    }

    It 'after -FilePath in 30 namespaces: ProcessCount leaves out the module''s own launchers, and removing them warns nothing (/proc: they are gone)' {
        # Regression (issue 22, bug 5): the /proc scan raced the release of the module's own program launchers (28 false
        # "did not destroy the namespace" warnings naming dotnet), and ProcessCount counted the launcher thread.
        function Get-TaskInNamespace([uint64[]] $Inode, [switch] $Mine) {
            # pid/tid=comm of every thread on the machine (-Mine: of this process) in one of these namespaces (the
            # runtime's own tiered-compilation worker of this process excepted, see Test-RuntimeThread)
            $want = @{}; foreach ($i in $Inode) { $want["net:[$i]"] = $true }
            $procs = if ($Mine) { "/proc/$PID" } else { [IO.Directory]::GetDirectories('/proc') | Where-Object { (Split-Path $_ -Leaf) -match '^\d+$' } }
            $tasks = $procs | ForEach-Object { try { [IO.Directory]::GetDirectories("$_/task") } catch { } }
            foreach ($t in $tasks) {
                $l = try { [IO.File]::ResolveLinkTarget("$t/ns/net", $false).Name } catch { $null }
                if ($l -and $want[$l] -and -not (Test-RuntimeThread $t)) {
                    $c = try { [IO.File]::ReadAllText("$t/comm").TrimEnd() } catch { '?' }
                    "$(($t -split '/')[2])/$(Split-Path $t -Leaf)=$c"
                }
            }
        }
        $names = 1..30 | ForEach-Object { "${Prefix}m$_" }
        New-NetNamespace -Name $names | Out-Null
        $inodes = @((Get-NetNamespace "${Prefix}m*").Inode)
        Invoke-InNetNamespace "${Prefix}m*" -FilePath true
        $mine = @(Get-TaskInNamespace $inodes -Mine)
        $counts = @(Get-NetNamespace "${Prefix}m*" | ForEach-Object ProcessCount)
        # the oracle saw launcher threads of this process inside (so the case is real), and nothing else of it
        @($mine | Where-Object { $_ -like '*=NetnsPS exec*' }).Count | Should -BeGreaterThan 0 -Because 'launchers idle for 1 s after -FilePath'
        @($mine | Where-Object { $_ -notlike '*=NetnsPS exec*' }) | Should -BeNullOrEmpty
        ($counts | Measure-Object -Sum).Sum | Should -Be 0 -Because "no process but this module's launchers is inside ($($mine -join ', '))"
        # again, and remove at once while the launchers are there
        Invoke-InNetNamespace "${Prefix}m*" -FilePath true
        $w = $null
        Remove-NetNamespace "${Prefix}m*" -WarningVariable w -WarningAction SilentlyContinue
        @($w) | Should -BeNullOrEmpty
        @(Get-TaskInNamespace $inodes) | Should -BeNullOrEmpty -Because 'every namespace was really destroyed (no thread left in it)'
    }

    It '-Force leaves processes of other namespaces alone' {
        ip netns add "${Prefix}f1"
        ip netns add "${Prefix}f2"
        $in1 = Start-InNamespace "${Prefix}f1"
        $in2 = Start-InNamespace "${Prefix}f2"
        Remove-NetNamespace -Name "${Prefix}f1" -Force
        $in1.WaitForExit(5000) | Should -BeTrue
        $in2.HasExited | Should -BeFalse
        Get-IpNetnsPids "${Prefix}f2" | Should -Contain $in2.Id
    }
}

Describe 'Remove-NetNamespace -All (in a child with a private mount namespace and its own empty /run/netns)' {
    BeforeAll {
        Assert-NoLeftovers
        # A namespace of ours in the real /run/netns: no child may touch it.
        $script:outside = New-NetNamespace -Name "${Prefix}outside"
        # Inside the child: 3 namespaces, a stale entry and a process in one of them; then the body; then counts.
        $script:setup = @'
New-NetNamespace -Name a, b, c | Out-Null
New-Item -ItemType File -Path /run/netns/stale | Out-Null
$p = Start-Process ip -ArgumentList 'netns', 'exec', 'b', 'sleep', '60' -PassThru
$deadline = [DateTime]::UtcNow.AddSeconds(5)
while ((Get-Item "/proc/$($p.Id)/ns/net").LinkTarget -ne "net:[$((Get-NetNamespace b).Inode)]" -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 10 }
$r = [ordered]@{ before = @(Get-ChildItem /run/netns -Name).Count }
function Get-Counts {
    $r.files = @(Get-ChildItem /run/netns -Name).Count
    $r.listed = @(ip netns list).Count
    # nsfs mounts on our private tmpfs (mountinfo also lists the host's, hidden under it: those have another parent)
    $mi = @(Get-Content /proc/self/mountinfo | ForEach-Object { $h = $_ -split ' - '; $l = $h[0] -split ' '; $t = $h[1] -split ' '
        [pscustomobject]@{ Id = $l[0]; Parent = $l[1]; Point = $l[4]; Type = $t[0]; Source = $t[1] } })
    $tmpfs = $mi | Where-Object { $_.Point -eq '/run/netns' -and $_.Source -eq 'nnpt-private' } | Select-Object -Last 1
    $r.nsfs = @($mi | Where-Object { $_.Type -eq 'nsfs' -and $_.Parent -eq $tmpfs.Id }).Count
    $r.get = @(Get-NetNamespace).Count
    $r.exited = $p.WaitForExit(300)
    if (-not $r.exited) { $p.Kill() }
}
'@
    }
    AfterAll {
        (Get-LsInode)["${Prefix}outside"] | Should -Be $outside.Inode -Because 'a child in its own mount namespace must not reach our /run/netns'
        Remove-TestLeftovers
    }

    It '<Case>' -ForEach @(
        @{ Case = '-Confirm:$false removes every entry (namespaces, stale, busy), leaving no nsfs mount'
           Body = 'Remove-NetNamespace -All -Confirm:$false -WarningVariable w -WarningAction SilentlyContinue; $r.warnings = @($w).Count'
           Expect = @{ before = 4; files = 0; listed = 0; nsfs = 0; get = 0; exited = $false; warnings = 1 } }
        @{ Case = '-Confirm:$false -Force also stops the process inside'
           Body = 'Remove-NetNamespace -All -Confirm:$false -Force -WarningVariable w; $r.warnings = @($w).Count'
           Expect = @{ before = 4; files = 0; listed = 0; nsfs = 0; get = 0; exited = $true; warnings = 0 } }
        @{ Case = '-Force alone does not ask, and removes everything'
           Body = 'Remove-NetNamespace -All -Force'
           Expect = @{ before = 4; files = 0; listed = 0; nsfs = 0; get = 0; exited = $true } }
        @{ Case = '-WhatIf removes nothing'
           Body = 'Remove-NetNamespace -All -WhatIf'
           Expect = @{ before = 4; files = 4; listed = 4; nsfs = 3; get = 4; exited = $false } }
        @{ Case = 'without -Confirm:$false, a non-interactive session gets an error instead of a prompt, and nothing is removed'
           Body = 'try { Remove-NetNamespace -All; $r.error = "none" } catch { $r.error = $_.FullyQualifiedErrorId; $r.exception = $_.Exception.GetType().Name }'
           Expect = @{ before = 4; files = 4; listed = 4; nsfs = 3; get = 4; exited = $false; error = 'InvalidOperation,NetnsPS.Commands.RemoveNetNamespaceCommand'; exception = 'PSInvalidOperationException' } }
    ) {
        $child = Invoke-ChildPwsh -PrivateRunDir -Script ($setup + "`n" + $Body + "`nGet-Counts`n'JSON:' + (`$r | ConvertTo-Json -Compress)")
        $child.Json | Should -Not -BeNullOrEmpty -Because ($child.Output -join "`n")
        foreach ($k in $Expect.Keys) { $child.Json.$k | Should -Be $Expect[$k] -Because "$k in $($child.Output | Where-Object { $_ -like 'JSON:*' })" }
        (Get-LsInode)["${Prefix}outside"] | Should -Be $outside.Inode
        Test-NsfsMount "/run/netns/${Prefix}outside" | Should -BeTrue
    }
}

Describe 'Remove-NetNamespace -Force never stops the processes of a host namespace (in a PID + network + mount sandbox)' {
    <#
        Destructive if wrong, so only inside `unshare --pid --fork --mount-proc --net --mount`: PID 1 there is a sh
        (the sandbox's "init", in the sandbox's network namespace N0, with a sleeper beside it), and the child pwsh
        runs in a network namespace of its own (N1, `unshare --net`), with its own tmpfs on /run/netns and /run/netnsps. /proc shows
        only the sandbox. Regression (issue 22, bug 1): a name of the caller's own namespace (New-NetNamespace x
        -ProcessId $PID) made -Force SIGKILL every process in it; the name of PID 1's namespace likewise.
    #>
    BeforeAll {
        $script:outside = New-NetNamespace -Name "${Prefix}outside"
        function Invoke-Sandbox([string] $Body) {
            $file = "/tmp/$script:Prefix$([guid]::NewGuid().ToString('N').Substring(0, 8)).ps1"
            $initSleeper = "/tmp/$script:Prefix$([guid]::NewGuid().ToString('N').Substring(0, 8)).pid"
            $head = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:NETNSPS_MODULE_PATH'
`$initSleeper = [int](Get-Content '$initSleeper')
function Test-Alive([int] `$Id) { (Test-Path "/proc/`$Id") -and (Get-Content "/proc/`$Id/stat" -Raw) -notmatch '^\d+ \([^)]*\) [ZX] ' }
function Get-NetIno([int] `$Id) { [uint64]((Get-Item "/proc/`$Id/ns/net").LinkTarget -replace '^net:\[(\d+)\]$', '`$1') }
`$r = [ordered]@{ pid1 = (Get-Content /proc/1/comm).Trim(); initNet = Get-NetIno 1; selfNet = Get-NetIno `$PID; initSleeperNet = Get-NetIno `$initSleeper }
`$s = Start-Process sleep 60 -PassThru   # beside this pwsh, in its namespace
`$r.sleeperNet = Get-NetIno `$s.Id
"@
            $tail = @"
`$r.pwshAlive = `$true
`$r.sleeperAlive = Test-Alive `$s.Id
`$r.initSleeperAlive = Test-Alive `$initSleeper
`$r.names = @(Get-ChildItem /run/netns -Name)
'JSON:' + (`$r | ConvertTo-Json -Compress -Depth 4)
"@
            Set-Content -Path $file -Value ($head + "`n" + $Body + "`n" + $tail)
            # sh stays PID 1 (pwsh is not its last command, so it is not exec'd); the sleeper is N0's "other process".
            $sh = "mkdir -p /run/netns /run/netnsps && mount -t tmpfs nnpt-sandbox /run/netns && mount -t tmpfs nnpt-sandbox /run/netnsps && sleep 120 & echo `$! > '$initSleeper'; " +
                "unshare --net dotnet pwsh -NoProfile -NonInteractive -File '$file'; rc=`$?; kill %1 2>/dev/null; exit `$rc"
            Push-Location (Split-Path $PSScriptRoot)
            try { $out = unshare --pid --fork --mount-proc --net --mount --propagation private -- sh -c $sh 2>&1 }
            finally { Pop-Location; Remove-Item $file, $initSleeper -ErrorAction SilentlyContinue }
            $lines = @($out | ForEach-Object { "$_" -replace "\e\[[0-9;?]*[A-Za-z]" })
            $json = $lines | Where-Object { $_.StartsWith('JSON:') } | Select-Object -Last 1
            [pscustomobject]@{ Output = $lines; Json = if ($json) { $json.Substring(5) | ConvertFrom-Json } else { $null } }
        }
    }
    AfterAll {
        (Get-LsInode)["${Prefix}outside"] | Should -Be $outside.Inode -Because 'the sandbox has its own /run/netns'
        Remove-TestLeftovers
    }

    It 'the sandbox is what the test needs: PID 1 is sh, this pwsh and PID 1 are in different namespaces' {
        $c = Invoke-Sandbox ''
        $c.Json | Should -Not -BeNullOrEmpty -Because ($c.Output -join "`n")
        $c.Json.pid1 | Should -Be 'sh'
        $c.Json.selfNet | Should -Not -Be $c.Json.initNet
        $c.Json.initSleeperNet | Should -Be $c.Json.initNet
        $c.Json.sleeperNet | Should -Be $c.Json.selfNet
        $c.Json.sleeperAlive | Should -BeTrue
    }

    It '<Case>: IsHost, -WhatIf tells, -Force refuses with NamespaceIsHost (PermissionDenied), removes the name only' -ForEach @(
        @{ Case = 'a name of this pwsh''s own namespace'; Attach = '$PID'; Why = 'this PowerShell process runs in' }
        @{ Case = 'a name of PID 1''s namespace'; Attach = '1'; Why = 'initial network namespace \(that of PID 1\)' }
        @{ Case = 'a name of the namespace of a process beside this pwsh'; Attach = '$s.Id'; Why = 'this PowerShell process runs in' }
    ) {
        $c = Invoke-Sandbox @"
New-NetNamespace h -ProcessId $Attach | Out-Null
`$n = Get-NetNamespace h
`$r.isHost = `$n.IsHost
`$r.hostNet = `$n.Inode
`$r.isHostAll = @(Get-NetNamespace -All | Where-Object Name -eq h).IsHost
Remove-NetNamespace h -Force -WhatIf
`$r.afterWhatIf = @(Get-ChildItem /run/netns -Name)
`$e = `$null
Remove-NetNamespace h -Force -ErrorVariable e -ErrorAction SilentlyContinue
`$r.errors = @(`$e | ForEach-Object { `$_.FullyQualifiedErrorId })
`$r.category = "`$(`$e[0].CategoryInfo.Category)"
`$r.message = "`$(`$e[0].Exception.Message)"
`$r.advice = "`$(`$e[0].ErrorDetails.RecommendedAction)"
"@
        $j = $c.Json
        $j | Should -Not -BeNullOrEmpty -Because ($c.Output -join "`n")
        $j.isHost | Should -BeTrue
        $j.isHostAll | Should -BeTrue
        $j.afterWhatIf | Should -Be @('h')
        ($c.Output -join "`n") | Should -Match "What if: .*Remove the name only: it refers to .*$($Why).*process\(es\) are never stopped"
        $j.errors | Should -Be @('NamespaceIsHost,NetnsPS.Commands.RemoveNetNamespaceCommand')
        $j.category | Should -Be 'PermissionDenied'
        $j.message | Should -Match "net:\[$($j.hostNet)\]"
        $j.advice | Should -Not -Match 'root'
        $j.names | Should -BeNullOrEmpty -Because 'the name is removed'
        $j.sleeperAlive | Should -BeTrue -Because 'the process beside this pwsh was not signalled'
        $j.initSleeperAlive | Should -BeTrue -Because 'the process beside PID 1 was not signalled'
        $j.pwshAlive | Should -BeTrue
    }

    It 'a wildcard -Force over host names and a real namespace stops only the real one''s process, and -WhatIf names it' {
        $c = Invoke-Sandbox @"
New-NetNamespace self -ProcessId `$PID | Out-Null
New-NetNamespace init -ProcessId 1 | Out-Null
New-NetNamespace real | Out-Null
`$in = Start-Process ip -ArgumentList 'netns', 'exec', 'real', 'sleep', '60' -PassThru
`$deadline = [DateTime]::UtcNow.AddSeconds(5)
while ((Get-NetIno `$in.Id) -ne (Get-NetNamespace real).Inode -and [DateTime]::UtcNow -lt `$deadline) { Start-Sleep -Milliseconds 10 }
`$r.inPid = `$in.Id
Remove-NetNamespace * -Force -WhatIf
`$e = `$null
Remove-NetNamespace * -Force -ErrorVariable e -ErrorAction SilentlyContinue
`$r.errors = @(`$e | ForEach-Object { "`$(`$_.TargetObject)=`$(`$_.FullyQualifiedErrorId)" } | Sort-Object)
`$r.realStopped = `$in.WaitForExit(5000)
"@
        $j = $c.Json
        $j | Should -Not -BeNullOrEmpty -Because ($c.Output -join "`n")
        ($c.Output -join "`n") | Should -Match "What if: .*Stop 1 process\(es\): $($j.inPid) \(sleep\) inside \(SIGKILL\), then remove network namespace.*real"
        $j.errors | Should -Be @('init=NamespaceIsHost,NetnsPS.Commands.RemoveNetNamespaceCommand', 'self=NamespaceIsHost,NetnsPS.Commands.RemoveNetNamespaceCommand')
        $j.realStopped | Should -BeTrue
        $j.sleeperAlive | Should -BeTrue
        $j.initSleeperAlive | Should -BeTrue
        $j.names | Should -BeNullOrEmpty
    }

    It 'Remove-NetLab -Force does not stop the processes of a lab namespace whose name refers to a host namespace' {
        $c = Invoke-Sandbox @"
`$lab = New-NetLab -Definition @{ Namespaces = 'a' } -Name lab -Prefix l-
Remove-NetNamespace l-a
New-NetNamespace l-a -ProcessId `$PID | Out-Null
`$w = `$null
Remove-NetLab -Name lab -Force -WarningVariable w -WarningAction SilentlyContinue
`$r.warnings = @(`$w | ForEach-Object { "`$_" })
"@
        $j = $c.Json
        $j | Should -Not -BeNullOrEmpty -Because ($c.Output -join "`n")
        "$($j.warnings)" | Should -Match "'l-a' refers to the network namespace this PowerShell process runs in"
        $j.sleeperAlive | Should -BeTrue
        $j.names | Should -BeNullOrEmpty
    }
}
