# The one helper library of the Pester files (dot-source it in BeforeAll): imports the built module, names what a file
# run makes with one unique tag, starts and stops test processes, cleans up, waits, runs child pwsh. The oracles the
# tests assert with (ip -j, /proc, sockets) are in Oracles.ps1, dot-sourced here.
# Everything a file run makes is named with its tag:
#   namespaces, /tmp files         $Prefix<suffix>       ("nnpt1a2b3c-<suffix>"; $NsPrefix is the same)
#   adapters in the host           $HostPrefix<suffix>   ("nh1a2b3c<suffix>", at most 15 bytes) - the only host objects
#                                                        tests touch, and only ones they made.
Import-Module $env:NETNSPS_MODULE_PATH -Force

# Unique per file run, so parallel or leftover runs never collide with ours.
$script:Tag = [guid]::NewGuid().ToString('N').Substring(0, 6)
$script:Prefix = "nnpt$script:Tag-"
$script:NsPrefix = $script:Prefix
$script:HostPrefix = "nh$script:Tag"
# The background processes this file started (Process objects, so a reused pid is never mistaken for ours).
$script:StartedProcesses = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()

. $PSScriptRoot/Oracles.ps1

function Get-NsName([string] $Suffix) { "$script:Prefix$Suffix" }

function New-TestNamespace {
    # Creates our namespaces with the module and checks with ip that they exist; returns their names.
    param([Parameter(Mandatory)] [string[]] $Suffix)
    $names = $Suffix | ForEach-Object { Get-NsName $_ }
    New-NetNamespace -Name $names -ErrorAction Stop | Out-Null
    $listed = Get-IpNetnsNames
    foreach ($n in $names) { if ($listed -notcontains $n) { throw "namespace $n was not created" } }
    $names
}

function Invoke-Ip {
    # ip [-n NS] ARGS, throwing on failure (fixtures are built with the independent tool).
    param([string] $Namespace, [Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    $nsArgs = if ($Namespace) { @('-n', $Namespace) } else { @() }
    $out = & ip @nsArgs @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ip $($nsArgs + $Arguments -join ' ') failed: $out" }
    $out
}

function Start-InNamespace {
    # A sleep inside a named namespace, started by the independent tool; returned once the process is inside.
    param([Parameter(Mandatory)] [Alias('Namespace')] [string] $Name, [int] $Seconds = 60)
    $p = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $Name, 'sleep', "$Seconds" -PassThru
    $script:StartedProcesses.Add($p)
    $target = Get-FileInode "/run/netns/$Name"
    Wait-Until -What "a sleep to enter $Name" -Condition {
        if ($p.HasExited) { throw "ip netns exec $Name sleep exited with $($p.ExitCode)" }
        try { (Get-ProcNetInode $p.Id) -eq $target } catch { $false }
    }
    $p
}

function Stop-TestProcess($Process) {
    if ($Process -and -not $Process.HasExited) { try { $Process.Kill($true) } catch { } }
    if ($Process) { $Process.WaitForExit(5000) | Out-Null }
}

function Start-InNewNamespace([int] $Seconds = 60) {
    # A sleep in a fresh unnamed namespace.
    $p = Start-Process -FilePath unshare -ArgumentList '--net', 'sleep', "$Seconds" -PassThru
    $script:StartedProcesses.Add($p)
    $hostIno = Get-ProcNetInode $PID
    Wait-Until -What 'the unshare child to get its own namespace' -Condition {
        try { (Get-ProcNetInode $p.Id) -ne $hostIno } catch { $false }
    }
    $p
}

function Get-OurHostLinks { @(Get-OLinkNames '' | Where-Object { $_.StartsWith($script:HostPrefix, [StringComparison]::Ordinal) }) }

function Remove-OurHostLink([string] $Name) {
    if (-not $Name.StartsWith($script:HostPrefix, [StringComparison]::Ordinal)) { throw "refusing to delete host adapter '$Name' (not ours)" }
    ip link delete dev $Name 2>$null
}

function Remove-TestLeftovers {
    # Everything with our tag, removed with the independent tool: the processes we started (by id), what still runs in
    # our namespaces, the namespaces (entry and mount), /tmp and /etc/netns files, host adapters named with the tag.
    foreach ($p in $script:StartedProcesses) {
        if (-not $p.HasExited) { try { $p.Kill($true); $p.WaitForExit(3000) | Out-Null } catch { } }
    }
    $script:StartedProcesses.Clear()
    Get-ChildItem /tmp -Filter "$script:Prefix*" -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
    Get-ChildItem /run/netns -Filter "$script:Prefix*" -ErrorAction SilentlyContinue | ForEach-Object {
        ip netns pids $_.Name 2>$null | ForEach-Object { kill -9 $_ 2>$null }
        ip netns delete $_.Name 2>$null
        if (Test-Path -LiteralPath $_.FullName) { umount $_.FullName 2>$null; Remove-Item -LiteralPath $_.FullName -Force }
    }
    Get-ChildItem /etc/netns -Filter "$script:Prefix*" -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
    ip -o link show | ForEach-Object { ($_ -split ': ')[1] -replace '@.*' } |
        Where-Object { $_.StartsWith($script:Prefix, [StringComparison]::Ordinal) -or $_.StartsWith($script:HostPrefix, [StringComparison]::Ordinal) } |
        ForEach-Object { ip link delete $_ 2>$null }
}

function Assert-NoLeftovers {
    # Nothing with our tag: no /run/netns entry, nsfs mount, `ip netns list` name or host adapter (before and after).
    $left = @(Get-ChildItem /run/netns -Filter "$script:Prefix*" -ErrorAction SilentlyContinue).Name
    $left += @(Get-Content /proc/self/mountinfo | ForEach-Object { ($_ -split ' ')[4] } | Where-Object { $_.StartsWith("/run/netns/$script:Prefix", [StringComparison]::Ordinal) })
    $left += @(Get-IpNetnsNames | Where-Object { $_.StartsWith($script:Prefix, [StringComparison]::Ordinal) })
    $left += Get-OurHostLinks
    if ($left) { throw "left over with prefix $script:Prefix / $script:HostPrefix`: $(($left | Sort-Object -Unique) -join ', ')" }
}

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

function Wait-Until {
    # Polls a condition (a process entering a namespace, an operstate settling after linkwatch) until it holds, for up
    # to -Seconds (or -TimeoutMs); throws naming -What when it does not.
    param([Parameter(Mandatory, Position = 0)] [scriptblock] $Condition, [double] $Seconds = 5, [int] $TimeoutMs = 0,
        [string] $What = 'a condition')
    $limit = if ($TimeoutMs -gt 0) { $TimeoutMs } else { $Seconds * 1000 }
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    while (-not (& $Condition)) {
        if ($sw.ElapsedMilliseconds -gt $limit) { throw "timed out after $limit ms waiting for $What" }
        Start-Sleep -Milliseconds 10
    }
}

function Get-SoakSize([string] $Name, [int] $Default) {
    # A size build.ps1 -Task Soak sets for the long run (NETNSPS_SOAK_<Name>); the short form's otherwise.
    $v = [Environment]::GetEnvironmentVariable("NETNSPS_SOAK_$Name")
    if ($v) { [int]$v } else { $Default }
}

function Write-SoakFigure([string] $Key, $Value) {
    # A "key=value" figure for output/soak/soak.txt (only during build.ps1 -Task Soak).
    if ($env:NETNSPS_SOAK_REPORT) { Add-Content -Path $env:NETNSPS_SOAK_REPORT -Value "$Key=$Value" }
}

function Get-ErrorIds($ErrorRecords) { @($ErrorRecords | ForEach-Object FullyQualifiedErrorId) }

function Get-ErrorId {
    # FullyQualifiedErrorId of the first error the script block throws (use -ErrorAction Stop inside), $null when none.
    param([Parameter(Mandatory)] [scriptblock] $Script)
    try { $null = & $Script; $null } catch { $_.FullyQualifiedErrorId }
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
