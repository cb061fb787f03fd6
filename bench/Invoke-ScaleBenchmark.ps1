<#
.SYNOPSIS
    Scaling: creating, listing and removing 1,000, 10,000 and 50,000 named namespaces, NetnsPS against the C loop and
    `ip -b` at the same sizes in the same run, with the kernel's memory per namespace (/proc/meminfo Slab, Percpu).
.DESCRIPTION
    Run by `./build.ps1 -Task Bench -Scale`. So that nobody else on the machine ever sees tens of thousands of names,
    everything happens in a private mount namespace (unshare --mount --propagation private) whose /run/netns is a
    fresh directory under /var/tmp (the same ext4 filesystem as /run here) bind-mounted over it; the directory is
    removed afterwards, and a namespace left by a failure dies with the private mount namespace.
    Per size, each of these once (sizes of 2,000 or less: -Rounds rounds), in an order that rotates with the size and
    round. Each contender creates and deletes in a directory of its own, made for it and bind-mounted over /run/netns
    (its own shared mount): the run's directory has the ext4 top-directory flag (chattr +T), so the Orlov allocator
    puts each new directory, and the inodes of the files made in it, in another block group, away from the inodes
    the previous contender's deletes freed (ext4 skips recently freed inodes, which made a create right after 10,000
    deletes up to three times slower): nobody pays for another's deletes.
      C loop       bench/netns_c_loop.c (iproute2's syscall sequence, one thread) add, then del
      ip -b        one `ip -b FILE` with N lines `netns add NAME`, then `netns delete NAME`
      NetnsPS      New-NetNamespace -Name $names (default threads); with the N present: Get-NetNamespace (median of
                   -Rounds), `ip -j netns list` (once), Get-NetNamespaceAdapter -All (once), and, up to
                   -AdapterAnchorMax namespaces, the `ip -j -n NS link` loop of the visibility benchmark; then
                   Remove-NetNamespace -Name $names
    Kernel memory per namespace: the growth of Slab and Percpu in /proc/meminfo across the C loop's create, divided by
    N (the machine is shared: other work moves Slab too, so small sizes are noisy).
    Writes scale.json and scale.md (the table for bench/RESULTS.md) to -OutputDir.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int[]] $Sizes = @(1000, 10000, 50000),
    [int] $Rounds = 3,
    [int] $AdapterAnchorMax = 1000,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench'),
    # Internal: the run inside the private mount namespace (started by the outer run).
    [switch] $Inner
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
New-Item -ItemType Directory -Path $OutputDir -Force | Out-Null
$ModulePath = (Resolve-Path $ModulePath).Path
$OutputDir = (Resolve-Path $OutputDir).Path

if (-not $Inner) {
    $dir = "/var/tmp/nnps-scale-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory -Path $dir | Out-Null
    $cmd = "& '$PSCommandPath' -ModulePath '$ModulePath' -Sizes $($Sizes -join ',') -Rounds $Rounds -AdapterAnchorMax $AdapterAnchorMax -OutputDir '$OutputDir' -Inner"
    Push-Location (Split-Path $PSScriptRoot)   # dotnet pwsh: the tool manifest is at the root
    try {
        unshare --mount --propagation private sh -c 'mkdir -p /run/netns && mount --bind "$1" /run/netns && exec dotnet pwsh -NoProfile -NonInteractive -Command "$0"' $cmd $dir | Out-Host
        if ($LASTEXITCODE) { throw "the scale run failed ($LASTEXITCODE)" }
    }
    finally {
        Pop-Location
        # The private mount namespace is gone, and with it every mount on the directory's files: only files are left.
        Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
        if (Test-Path -LiteralPath $dir) { Write-Warning "could not remove $dir" }
    }
    return
}

if (@(Get-Content /proc/self/mountinfo | Where-Object { ($_ -split ' ')[4] -eq '/run/netns' }).Count -eq 0) {
    throw '-Inner: /run/netns is not a bind mount of its own here'
}
Import-Module $ModulePath
# Subdirectories of the run's directory are spread over the block groups like top-level directories (see the help).
& chattr +T /run/netns
if ($LASTEXITCODE) { throw 'chattr +T /run/netns failed' }

# A new directory of its own over /run/netns for one contender, as a shared mount alone in its peer group (as
# `ip netns add` leaves /run/netns), so that its namespace mounts propagate nowhere.
function Enter-FreshRunDir([string] $Tag) {
    $d = "/run/netns/.fresh-$Tag"
    New-Item -ItemType Directory -Path $d | Out-Null
    mount --bind $d /run/netns
    if ($LASTEXITCODE) { throw "mount --bind $d /run/netns failed" }
    mount --make-private /run/netns; mount --make-shared /run/netns
    $d
}

# Unmounts down to the run's directory (where the fresh one shows again) and removes the fresh one.
function Exit-FreshRunDir([string] $Dir) {
    for ($i = 0; -not (Test-Path -LiteralPath $Dir); $i++) {
        if ($i -ge 4) { throw "cannot unmount the fresh directories over /run/netns" }
        umount /run/netns
        if ($LASTEXITCODE) { umount -l /run/netns }
    }
    Remove-Item -LiteralPath $Dir -Recurse -Force
}

$exe = Join-Path $OutputDir 'netns_c_loop'
& gcc -O2 -o $exe (Join-Path $PSScriptRoot 'netns_c_loop.c')
if ($LASTEXITCODE -ne 0) { throw 'gcc failed' }

function Get-KernelKB {
    $m = @{}
    foreach ($line in Get-Content /proc/meminfo) { if ($line -match '^(Slab|Percpu):\s+(\d+)') { $m[$Matches[1]] = [double]$Matches[2] } }
    $m
}

# After removing N names the kernel frees the namespaces on a workqueue (cleanup_net, ~1-3 ms of CPU each): wait for
# Slab to stop falling (less than 1 MB in a second), at most 3 minutes, so that one variant's cleanup does not slow the next.
function Wait-Cleanup {
    $deadline = [DateTime]::UtcNow.AddMinutes(3)
    $a = (Get-KernelKB).Slab
    while ([DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Seconds 1
        $b = (Get-KernelKB).Slab
        if ($a - $b -lt 1024) { return }
        $a = $b
    }
}

function Assert-Count([string] $Prefix, [int] $Expected, [string] $Who) {
    $n = @([IO.Directory]::GetFiles('/run/netns', "$Prefix*")).Count
    if ($n -ne $Expected) { throw "$Who left $n namespaces named $Prefix*, expected $Expected" }
}

$results = [Collections.Generic.List[object]]::new()
$prefix = "nnsc$([guid]::NewGuid().ToString('N').Substring(0, 4))-"
try {
    for ($s = 0; $s -lt $Sizes.Count; $s++) {
        $N = $Sizes[$s]
        $rounds = if ($N -le 2000) { $Rounds } else { 1 }
        $t = @{}
        foreach ($k in 'C add', 'C del', 'ip add', 'ip del', 'ours add', 'ours del', 'get', 'ip list', 'adapters', 'ip adapters', 'slab', 'percpu', 'ours slab') { $t[$k] = @() }
        $variants = @('C', 'ip', 'ours')
        for ($r = 0; $r -lt $rounds; $r++) {
            $order = @(for ($i = 0; $i -lt 3; $i++) { $variants[($i + $s + $r) % 3] })
            foreach ($v in $order) {
                $p = "$prefix$N-$r-$v-"
                $names = [string[]](0..($N - 1) | ForEach-Object { "$p$_" })
                $fresh = Enter-FreshRunDir "$N-$r-$v"
                try {
                    Wait-Settled $N
                    switch ($v) {
                        'C' {
                            $m0 = Get-KernelKB
                            $t['C add'] += Measure-Ms { & $exe add $p $N; if ($LASTEXITCODE) { throw 'C add failed' } }
                            $m1 = Get-KernelKB
                            $t['slab'] += ($m1.Slab - $m0.Slab) / $N
                            $t['percpu'] += ($m1.Percpu - $m0.Percpu) / $N
                            Assert-Count $p $N 'C add'
                            Wait-Settled $N
                            $t['C del'] += Measure-Ms { & $exe del $p $N; if ($LASTEXITCODE) { throw 'C del failed' } }
                        }
                        'ip' {
                            Set-Content "$OutputDir/scale-add.batch" ($names | ForEach-Object { "netns add $_" })
                            Set-Content "$OutputDir/scale-del.batch" ($names | ForEach-Object { "netns delete $_" })
                            $t['ip add'] += Measure-Ms { ip -b "$OutputDir/scale-add.batch"; if ($LASTEXITCODE) { throw 'ip add failed' } }
                            Assert-Count $p $N 'ip -b add'
                            Wait-Settled $N
                            $t['ip del'] += Measure-Ms { ip -b "$OutputDir/scale-del.batch"; if ($LASTEXITCODE) { throw 'ip del failed' } }
                        }
                        'ours' {
                            $m0 = Get-KernelKB
                            $t['ours add'] += Measure-Ms { New-NetNamespace -Name $names -ErrorAction Stop }
                            $m1 = Get-KernelKB
                            $t['ours slab'] += ($m1.Slab - $m0.Slab) / $N
                            Assert-Count $p $N 'New-NetNamespace'
                            $present = @([IO.Directory]::GetFiles('/run/netns')).Count
                            if (@(Get-NetNamespace).Count -ne $present) { throw "Get-NetNamespace does not list the $present entries" }
                            for ($q = 0; $q -lt [math]::Max(5, $Rounds); $q++) { $t['get'] += Measure-Ms { $null = Get-NetNamespace } }
                            $t['ip list'] += Measure-Ms { ip -j netns list > /dev/null }
                            $t['adapters'] += Measure-Ms { $null = Get-NetNamespaceAdapter -All }
                            if ($N -le $AdapterAnchorMax) {
                                $loop = Join-Path $OutputDir 'scale-adapters.sh'
                                Set-Content $loop -Value ("ip -j link`n" + (($names | ForEach-Object { "ip -j -n '$_' link" }) -join "`n"))
                                $t['ip adapters'] += Measure-Ms { bash $loop > /dev/null }
                            }
                            Wait-Settled $N
                            $t['ours del'] += Measure-Ms { Remove-NetNamespace -Name $names -ErrorAction Stop }
                        }
                    }
                    Assert-Count $p 0 "$v del"
                }
                finally {
                    foreach ($f in [IO.Directory]::GetFiles('/run/netns', "$prefix*")) { umount -l $f 2>$null; Remove-Item -LiteralPath $f -Force -ErrorAction SilentlyContinue }
                    Exit-FreshRunDir $fresh
                }
                Wait-Cleanup
            }
        }
        $med = @{}
        foreach ($k in $t.Keys) { $med[$k] = if ($t[$k].Count) { Get-Median $t[$k] } else { [double]::NaN } }
        $row = [pscustomobject]@{
            Count = $N; Rounds = $rounds
            OursAddMs = $med['ours add']; CAddMs = $med['C add']; IpAddMs = $med['ip add']
            OursDelMs = $med['ours del']; CDelMs = $med['C del']; IpDelMs = $med['ip del']
            GetMs = $med['get']; IpListMs = $med['ip list']; AdaptersAllMs = $med['adapters']; IpAdaptersMs = $med['ip adapters']
            SlabKBPerNs = $med['slab']; PercpuKBPerNs = $med['percpu']; OursSlabKBPerNs = $med['ours slab']
            Raw = $t
        }
        $results.Add($row)
        Write-Host ("{0,6} namespaces: create ours {1:N0} ms, C {2:N0}, ip -b {3:N0} ({4:N2}x C); remove ours {5:N0}, C {6:N0}, ip -b {7:N0} ({8:N2}x C); Get-NetNamespace {9:N1} ms; ip -j netns list {10:N0} ms; adapters -All {11:N0} ms (ip loop {12:N0}); Slab {13:N1} KB, Percpu {14:N1} KB a namespace" -f
            $N, $row.OursAddMs, $row.CAddMs, $row.IpAddMs, ($row.OursAddMs / $row.CAddMs), $row.OursDelMs, $row.CDelMs, $row.IpDelMs, ($row.OursDelMs / $row.CDelMs),
            $row.GetMs, $row.IpListMs, $row.AdaptersAllMs, $row.IpAdaptersMs, $row.SlabKBPerNs, $row.PercpuKBPerNs)
        ConvertTo-Json -InputObject @($results) -Depth 5 | Set-Content (Join-Path $OutputDir 'scale.json')
    }
}
finally {
    foreach ($f in [IO.Directory]::GetFiles('/run/netns', "$prefix*")) { umount -l $f 2>$null; Remove-Item -LiteralPath $f -Force -ErrorAction SilentlyContinue }
}

# The table for bench/RESULTS.md.
function F([double] $ms) { if ([double]::IsNaN($ms)) { '-' } elseif ($ms -ge 100) { '{0:N0}' -f $ms } else { '{0:N1}' -f $ms } }
function X([double] $a, [double] $b) { if ([double]::IsNaN($a) -or [double]::IsNaN($b) -or $b -eq 0) { '' } else { ' ({0:N2}x)' -f ($a / $b) } }
$machine = "$([Environment]::ProcessorCount) processors, kernel $((uname -r)), load average $(((Get-Content /proc/loadavg) -split ' ')[0..2] -join ' ') at the end"
$lines = @(
    "Measured $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC on $machine by ``./build.ps1 -Task Bench -Scale``; /run/netns a directory of the ext4 root bind-mounted in a private mount namespace, a fresh one for each contender.",
    'Milliseconds for the whole batch (ratio to the C loop); medians of the rounds given; Get-NetNamespace: median of 5 listings with the N present.',
    '',
    '| namespaces | rounds | create: NetnsPS | C loop | ip -b | remove: NetnsPS | C loop | ip -b | Get-NetNamespace | ip -j netns list | Get-NetNamespaceAdapter -All | ip -j -n NS link loop | kernel KB a namespace: Slab | Percpu |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|'
)
foreach ($r in $results) {
    $lines += "| {0:N0} | {1} | {2}{3} | {4} | {5}{6} | {7}{8} | {9} | {10}{11} | {12} | {13} | {14} | {15} | {16:N0} | {17:N1} |" -f $r.Count, $r.Rounds,
        (F $r.OursAddMs), (X $r.OursAddMs $r.CAddMs), (F $r.CAddMs), (F $r.IpAddMs), (X $r.IpAddMs $r.CAddMs),
        (F $r.OursDelMs), (X $r.OursDelMs $r.CDelMs), (F $r.CDelMs), (F $r.IpDelMs), (X $r.IpDelMs $r.CDelMs),
        (F $r.GetMs), (F $r.IpListMs), (F $r.AdaptersAllMs), (F $r.IpAdaptersMs), $r.SlabKBPerNs, $r.PercpuKBPerNs
}
Set-Content (Join-Path $OutputDir 'scale.md') $lines
$lines | Write-Host
