# Shared by every Pester file: imports the built module, gives a unique prefix, and offers independent oracles.
Import-Module $env:NETNSPS_MODULE_PATH -Force

# Unique per file run, so parallel or leftover runs never collide with ours.
$script:Prefix = "nnpt$([guid]::NewGuid().ToString('N').Substring(0, 6))-"
# The background processes this file started (Process objects, so a reused pid is never mistaken for ours).
$script:StartedProcesses = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()

function Get-IpNetns {
    # `ip -j netns list` -> objects with name and (optional) id
    $json = ip -j netns list 2>$null
    if (-not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Get-IpListId([string] $Namespace) {
    # `ip -j netns list-id` as seen from a namespace ('' = the host): objects with nsid and (for named ones) name
    $nsArgs = if ($Namespace) { @('-n', $Namespace) } else { @() }
    $json = ip @nsArgs -j netns list-id 2>$null
    if (-not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Get-IpNetnsNames { @(Get-IpNetns | ForEach-Object name) }

function Get-NftOracle {
    <#
        The nft program the tests read rulesets with (an oracle only: the module never starts nft).
        $env:NETNSPS_TEST_NFT first (CI keeps nft outside every place the module could find it and points here),
        then nft on PATH; $null when there is none, and the tests that need it skip with that reason.
    #>
    if ($env:NETNSPS_TEST_NFT -and (Test-Path $env:NETNSPS_TEST_NFT)) { return $env:NETNSPS_TEST_NFT }
    $c = Get-Command nft -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($c) { $c.Source } else { $null }
}

$script:NoNftReason = 'nft is not installed (Debian package nftables; ./build.ps1 -Task Test installs it when root): it is the ruleset oracle'

function Get-FileInode([string] $Path) { [uint64](stat -L -c %i $Path) }

function Test-NsfsMount([string] $Path) {
    [bool](Get-Content /proc/self/mountinfo | Where-Object { $f = $_ -split ' '; $f[4] -eq $Path -and ($f -contains 'nsfs') })
}

function Get-ProcNetInode([int] $ProcessId) {
    $t = (Get-Item "/proc/$ProcessId/ns/net" -ErrorAction Stop).LinkTarget
    [uint64]($t -replace '^net:\[(\d+)\]$', '$1')
}

function Start-InNamespace([string] $Name, [int] $Seconds = 60) {
    # A sleep inside a named namespace, started by the independent tool.
    $p = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $Name, 'sleep', "$Seconds" -PassThru
    $script:StartedProcesses.Add($p)
    $deadline = [DateTime]::UtcNow.AddSeconds(5)
    $target = Get-FileInode "/run/netns/$Name"
    while ([DateTime]::UtcNow -lt $deadline) {
        try { if ((Get-ProcNetInode $p.Id) -eq $target) { return $p } } catch { }
        Start-Sleep -Milliseconds 10
    }
    throw "process did not enter $Name"
}

function Start-InNewNamespace([int] $Seconds = 60) {
    # A sleep in a fresh unnamed namespace.
    $p = Start-Process -FilePath unshare -ArgumentList '--net', 'sleep', "$Seconds" -PassThru
    $script:StartedProcesses.Add($p)
    $hostIno = Get-ProcNetInode $PID
    $deadline = [DateTime]::UtcNow.AddSeconds(5)
    while ([DateTime]::UtcNow -lt $deadline) {
        try { if ((Get-ProcNetInode $p.Id) -ne $hostIno) { return $p } } catch { }
        Start-Sleep -Milliseconds 10
    }
    throw 'unshare child did not get its own namespace'
}

function Remove-TestLeftovers {
    # Everything with our prefix, removed with the independent tool; the processes we started, by id.
    foreach ($p in $script:StartedProcesses) {
        if (-not $p.HasExited) { try { $p.Kill($true); $p.WaitForExit(3000) | Out-Null } catch { } }
    }
    $script:StartedProcesses.Clear()
    Get-ChildItem /tmp -Filter "$script:Prefix*" -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
    Get-ChildItem /run/netns -Filter "$script:Prefix*" -ErrorAction SilentlyContinue | ForEach-Object {
        ip netns pids $_.Name 2>$null | ForEach-Object { kill -9 $_ 2>$null }
        ip netns delete $_.Name 2>$null
        if (Test-Path -LiteralPath $_.FullName) { Remove-Item -LiteralPath $_.FullName -Force }
    }
    Get-ChildItem /etc/netns -Filter "$script:Prefix*" -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
    ip -o link show | ForEach-Object { ($_ -split ': ')[1] -replace '@.*' } | Where-Object { $_ -like "$script:Prefix*" } |
        ForEach-Object { ip link delete $_ 2>$null }
}

function Assert-NoLeftovers {
    $left = @(Get-ChildItem /run/netns -Filter "$script:Prefix*" -ErrorAction SilentlyContinue)
    if ($left) { throw "entries with prefix $script:Prefix exist already: $($left.Name -join ', ')" }
    $mounts = @(Get-Content /proc/self/mountinfo | ForEach-Object { ($_ -split ' ')[4] } | Where-Object { $_.StartsWith("/run/netns/$script:Prefix", [StringComparison]::Ordinal) })
    if ($mounts) { throw "mounts with prefix $script:Prefix exist already: $($mounts -join ', ')" }
}

function Get-IpLink([string] $Namespace, [string] $Name) {
    # `ip -j -d link` of one namespace ('' = host), optionally one device
    $nsArgs = if ($Namespace) { @('-n', $Namespace) } else { @() }
    $devArgs = if ($Name) { @('show', 'dev', $Name) } else { @() }
    $json = ip @nsArgs -j -d link @devArgs 2>$null
    if (-not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Get-IpAddr([string] $Namespace) {
    @(ip -n $Namespace -j addr | ConvertFrom-Json)
}

function Get-IpRoute([string] $Namespace, [string] $Family = '-4', [string] $Table = 'main') {
    $json = ip -n $Namespace $Family -j route show table $Table
    if (-not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Get-TasksInNamespace([uint64] $Inode) {
    # Threads of this process that are in the namespace with this inode (there must never be any afterwards), except
    # the .NET runtime's tiered-compilation worker: code that runs inside (a scriptblock, a launcher) can make the
    # runtime start it, it then inherits the namespace, and it ends by itself after 4 s without JIT work, which in a
    # busy test process can take long. Nothing of ours is named like it (Test-RuntimeThread).
    @(Get-ChildItem /proc/self/task -Directory | Where-Object {
        try { (Get-Item "$($_.FullName)/ns/net" -ErrorAction Stop).LinkTarget -eq "net:[$Inode]" -and -not (Test-RuntimeThread $_.FullName) } catch { $false }
    })
}

function Test-RuntimeThread([string] $TaskDir) {
    # The tiered-compilation worker of the .NET runtime (/proc/self/task/TID/comm is ".NET Tiered Com").
    try { (Get-Content "$TaskDir/comm" -Raw -ErrorAction Stop).TrimEnd() -like '.NET Tiered*' } catch { $false }
}

# ---- more independent oracles (lifecycle tests) ------------------------------------------------------------------

function Get-LsInode {
    # name -> inode from `ls -i /run/netns`, names with our prefix only.
    $map = @{}
    foreach ($line in @(ls -1i /run/netns 2>$null)) {
        if ($line -match '^\s*(\d+)\s+(.+)$' -and $Matches[2].StartsWith($script:Prefix, [StringComparison]::Ordinal)) {
            $map[$Matches[2]] = [uint64]$Matches[1]
        }
    }
    $map
}

function Get-NsfsMountPoint {
    # Mount points of nsfs mounts in /proc/self/mountinfo (fstype is the first field after ' - '; octal escapes decoded).
    foreach ($line in [System.IO.File]::ReadAllLines('/proc/self/mountinfo')) {
        $halves = $line -split ' - ', 2
        if (($halves[1] -split ' ')[0] -ne 'nsfs') { continue }
        [regex]::Replace(($halves[0] -split ' ')[4], '\\([0-7]{3})', { param($m) [string][char][Convert]::ToInt32($m.Groups[1].Value, 8) })
    }
}

function Get-MountCount([string] $Path) {
    # How many mounts (any type) are stacked on $Path in this mount namespace.
    @([System.IO.File]::ReadAllLines('/proc/self/mountinfo') | Where-Object { ($_ -split ' ')[4] -ceq $Path }).Count
}

function Get-PrefixState {
    # What exists with our prefix: /run/netns entries, nsfs mounts, `ip netns list` names (sorted, one string each).
    [pscustomobject]@{
        Entries = (@(Get-ChildItem /run/netns -Force -ErrorAction SilentlyContinue | Where-Object { $_.Name.StartsWith($script:Prefix, [StringComparison]::Ordinal) }).Name | Sort-Object) -join ','
        Mounts  = (@(Get-NsfsMountPoint | Where-Object { $_.StartsWith("/run/netns/$script:Prefix", [StringComparison]::Ordinal) }) | Sort-Object) -join ','
        Listed  = (@(Get-IpNetnsNames | Where-Object { $_.StartsWith($script:Prefix, [StringComparison]::Ordinal) }) | Sort-Object) -join ','
    }
}

function Get-IpNetnsPids([string] $Name) { @(ip netns pids $Name 2>$null | Where-Object { $_ } | ForEach-Object { [int]$_ }) }

function Get-IpNetnsIdentify([int] $ProcessId) { @(ip netns identify $ProcessId 2>$null | Where-Object { $_ }) }

function Get-UnusedPid {
    # A pid below pid_max that no process has right now.
    $max = [int](Get-Content /proc/sys/kernel/pid_max)
    for ($p = $max - 1; $p -gt 1000; $p--) { if (-not (Test-Path "/proc/$p")) { return $p } }
    throw 'no unused pid'
}

function Get-UnusedNsid {
    # An nsid no namespace has in ours (`ip netns list-id` shows named and unnamed ones).
    $json = ip -j netns list-id 2>$null
    $used = if ($json) { @($json | ConvertFrom-Json | ForEach-Object { [int]$_.nsid }) } else { @() }
    do { $id = Get-Random -Minimum 20000 -Maximum 60000 } while ($used -contains $id)
    $id
}

function Wait-Until([scriptblock] $Condition, [int] $TimeoutMs = 5000, [string] $What = 'a condition') {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    while (-not (& $Condition)) {
        if ($sw.ElapsedMilliseconds -gt $TimeoutMs) { throw "timed out after $TimeoutMs ms waiting for $What" }
        Start-Sleep -Milliseconds 10
    }
}

function Start-ThreadInNamespace([string] $Name, [int] $Seconds = 60) {
    <#
        A process whose main thread stays in the host namespace while one other thread has entered $Name (setns from a
        Python thread via ctypes). `ip netns pids` does not see it (it reads /proc/PID/ns/net, the leader's). Returns
        $null when python3 is not available.
    #>
    $python = Get-Command python3 -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $python) { return $null }
    $file = "/tmp/$script:Prefix$([guid]::NewGuid().ToString('N').Substring(0, 8)).py"
    Set-Content -Path $file -Value @'
import ctypes, os, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(sys.argv[1], os.O_RDONLY)
def enter():
    if libc.setns(fd, 0x40000000) != 0:
        os._exit(3)
    time.sleep(int(sys.argv[2]))
threading.Thread(target=enter, daemon=True).start()
time.sleep(int(sys.argv[2]))
'@
    $p = Start-Process -FilePath $python.Source -ArgumentList $file, "/run/netns/$Name", "$Seconds" -PassThru
    $script:StartedProcesses.Add($p)
    $target = "net:[$(Get-FileInode "/run/netns/$Name")]"
    Wait-Until -What "a thread of $($p.Id) to enter $Name" -Condition {
        if ($p.HasExited) { throw "python exited with $($p.ExitCode)" }
        @(Get-ChildItem "/proc/$($p.Id)/task" -Directory -ErrorAction SilentlyContinue | Where-Object {
            try { (Get-Item "$($_.FullName)/ns/net" -ErrorAction Stop).LinkTarget -eq $target } catch { $false } }).Count -gt 0
    }
    $p
}

function Invoke-ChildPwsh {
    <#
        Runs -Script in a child `dotnet pwsh -NoProfile -NonInteractive` started from the repository root (so the tool
        manifest resolves) with the module imported. -PrivateRunDir: inside a private mount namespace with its own empty
        tmpfs on /run/netns (nothing it does there can reach ours). -Wrapper: a command put in front (e.g. setpriv ...).
        Returns { ExitCode; Output (lines); Json (the last line 'JSON:...' parsed) }.
    #>
    param([Parameter(Mandatory)][string] $Script, [switch] $PrivateRunDir, [string[]] $Wrapper = @(), [string] $Setup)
    $file = "/tmp/$script:Prefix$([guid]::NewGuid().ToString('N').Substring(0, 8)).ps1"
    Set-Content -Path $file -Value ("`$ErrorActionPreference = 'Stop'`nImport-Module '$env:NETNSPS_MODULE_PATH'`n" + $Script)
    Push-Location (Split-Path $PSScriptRoot)
    try {
        if ($PrivateRunDir) {
            # -Setup: shell commands run in the private mount namespace before pwsh starts (e.g. touch a stale entry).
            $sh = "mkdir -p /run/netns && mount -t tmpfs nnpt-private /run/netns && $(if ($Setup) { "$Setup && " })exec $($Wrapper -join ' ') dotnet pwsh -NoProfile -NonInteractive -File '$file'"
            $out = unshare --mount --propagation private -- sh -c $sh 2>&1
        }
        elseif ($Wrapper.Count) {
            $rest = @($Wrapper | Select-Object -Skip 1) + @('dotnet', 'pwsh', '-NoProfile', '-NonInteractive', '-File', $file)
            $out = & $Wrapper[0] @rest 2>&1
        }
        else { $out = dotnet pwsh -NoProfile -NonInteractive -File $file 2>&1 }
        $code = $LASTEXITCODE
    }
    finally {
        Pop-Location
        Remove-Item $file -ErrorAction SilentlyContinue
    }
    $lines = @($out | ForEach-Object { "$_" -replace "\e\[[0-9;?]*[A-Za-z]" })   # no ANSI (it breaks the NUnit XML)
    $json = $lines | Where-Object { $_.StartsWith('JSON:') } | Select-Object -Last 1
    [pscustomobject]@{ ExitCode = $code; Output = $lines; Json = if ($json) { $json.Substring(5) | ConvertFrom-Json } else { $null } }
}
