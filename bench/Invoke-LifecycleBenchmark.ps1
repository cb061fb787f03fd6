<#
.SYNOPSIS
    Creating and removing N named namespaces: NetnsPS against a plain C loop, `ip -b`, `ip netns add` per process
    and pyroute2, in one run.
.DESCRIPTION
    Variants, each timed as wall-clock milliseconds for the whole batch:
      C loop          bench/netns_c_loop.c compiled with gcc -O2 here (iproute2's syscall sequence, one thread),
                      run as a process
      ip -b           one `ip -b FILE` with N lines `netns add NAME` / `netns delete NAME`
      ip netns add    one `ip netns add NAME` process per namespace (a bash loop), likewise `ip netns delete`
      pyroute2        pyroute2.netns.create/remove in a loop (time measured inside Python; skipped when
                      python3-pyroute2 is not installed)
      NetnsPS xT      New-NetNamespace -Name $names -ThrottleLimit T and Remove-NetNamespace -Name $names, inside
                      this already-running pwsh, for T in 1, P and 2P (P = Environment.ProcessorCount; the default
                      is NamespaceCreator.DefaultThreads = P, at most 8)
    Rounds are interleaved, each round in another order (a rotation), and the median is reported: on an ext4 /run
    a create gets slower the more entries were deleted in the last minutes (ext4 skips recently freed inodes), so
    no variant may always follow the same one. Between batches the script waits for the kernel's asynchronous
    namespace cleanup to settle. Everything uses a unique prefix and is removed in finally.
    Then the C loop and NetnsPS are measured once more in a private mount namespace with a tmpfs on /run/netns
    (what most hosts have: /run is a tmpfs), which shows the kernel's namespace work without the filesystem's.
    Writes lifecycle.rows.json and lifecycle-tmpfs.rows.json (rows for RESULTS.md) to -OutputDir.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Count = 1000,
    [int] $Rounds = 5,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench'),
    # Internal: the run inside a private mount namespace with a tmpfs on /run/netns (started by the main run).
    [switch] $OnTmpfs
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$tag = Initialize-Bench $ModulePath $OutputDir
$prefix = "nnlb$tag-"

$exe = Join-Path $OutputDir 'netns_c_loop'
& gcc -O2 -o $exe (Join-Path $PSScriptRoot 'netns_c_loop.c')
if ($LASTEXITCODE -ne 0) { throw 'gcc failed' }
$py = Get-PyRoute2Python
if (-not $py) { Write-Warning 'python3-pyroute2 is not installed: the pyroute2 anchor is skipped.' }

$cpus = [Environment]::ProcessorCount   # (not $P: PowerShell names are case-insensitive, $p is a prefix below)
$default = [NetnsPS.Core.Namespaces.NamespaceCreator]::DefaultThreads
$threads = @(1, $default, $cpus, (2 * $cpus)) | Select-Object -Unique   # (2 * $cpus): "," binds tighter than "*"
if ($OnTmpfs) {
    if ((stat -f -c %T /run/netns) -ne 'tmpfs') { throw '-OnTmpfs: /run/netns is not a tmpfs here' }
    $threads = @(1, $default) | Select-Object -Unique
    $py = $null
}

$variants = [ordered]@{
    'C loop' = @{
        Add = { param($p, $n) & $exe add $p $Count; if ($LASTEXITCODE) { throw 'C add failed' } }
        Del = { param($p, $n) & $exe del $p $Count; if ($LASTEXITCODE) { throw 'C del failed' } }
    }
    'ip -b' = if (-not $OnTmpfs) { @{
        Add = { param($p, $n) Set-Content "$OutputDir/add.batch" ($n | ForEach-Object { "netns add $_" }); ip -b "$OutputDir/add.batch"; if ($LASTEXITCODE) { throw 'ip add failed' } }
        Del = { param($p, $n) Set-Content "$OutputDir/del.batch" ($n | ForEach-Object { "netns delete $_" }); ip -b "$OutputDir/del.batch"; if ($LASTEXITCODE) { throw 'ip del failed' } }
    } }
    'ip netns add per process' = if (-not $OnTmpfs) { @{
        Add = { param($p, $n) bash -c "for i in `$(seq 0 $($Count - 1)); do ip netns add $p`$i || exit 1; done"; if ($LASTEXITCODE) { throw 'ip netns add failed' } }
        Del = { param($p, $n) bash -c "for i in `$(seq 0 $($Count - 1)); do ip netns delete $p`$i || exit 1; done"; if ($LASTEXITCODE) { throw 'ip netns delete failed' } }
    } }
}
foreach ($k in @($variants.Keys)) { if ($null -eq $variants[$k]) { $variants.Remove($k) } }
if ($py) {
    # Measured inside Python: the interpreter's start is not counted (returns the time instead of being timed).
    $variants['pyroute2'] = @{
        Add = { param($p, $n) Invoke-PyRoute2Anchor $py @('add', $p, $Count) }
        Del = { param($p, $n) Invoke-PyRoute2Anchor $py @('del', $p, $Count) }
        Inner = $true
    }
}
foreach ($t in $threads) {
    $variants["NetnsPS x$t"] = @{
        Add = [scriptblock]::Create("param(`$p, `$n) New-NetNamespace -Name `$n -ThrottleLimit $t -ErrorAction Stop")
        Del = { param($p, $n) Remove-NetNamespace -Name $n -ErrorAction Stop }
    }
}

function Measure-Variant($v, [string] $op, [string] $p, [string[]] $names) {
    if ($v.Inner) { return (& $v[$op] $p $names) }
    Measure-Ms { & $v[$op] $p $names }
}

$times = @{}
foreach ($k in $variants.Keys) { $times["$k add"] = @(); $times["$k del"] = @() }
try {
    $keys = @($variants.Keys)
    for ($r = 0; $r -lt $Rounds; $r++) {
        $order = @(for ($i = 0; $i -lt $keys.Count; $i++) { $keys[($i + $r) % $keys.Count] })
        foreach ($k in $order) {
            $p = "$prefix$r-$($k -replace '\W', '')-"
            $names = 0..($Count - 1) | ForEach-Object { "$p$_" }   # the C loop names PREFIX0..PREFIX{N-1} too
            Wait-Settled $Count
            $times["$k add"] += Measure-Variant $variants[$k] 'Add' $p $names
            $made = @(Get-ChildItem /run/netns -Filter "$p*").Count
            if ($made -ne $Count) { throw "$k made $made of $Count namespaces" }
            Wait-Settled $Count
            $times["$k del"] += Measure-Variant $variants[$k] 'Del' $p $names
            $left = @(Get-ChildItem /run/netns -Filter "$p*").Count
            if ($left) { throw "$k left $left namespaces" }
        }
    }
    $med = @{}
    foreach ($k in $times.Keys) { $med[$k] = Get-Median $times[$k] }
    $anchorNames = @($variants.Keys | Where-Object { $_ -notlike 'NetnsPS*' })
    $rows = @()
    $defaultText = "default: $default threads = ProcessorCount, at most 8"
    if ($OnTmpfs) {
        $c = $med['C loop add']
        $rows += New-BenchRow -Row "create $Count namespaces, /run/netns on tmpfs" -Variant "New-NetNamespace -Name `$names ($defaultText); private mount namespace" `
            -Ours $med["NetnsPS x$default add"] -Anchors ([ordered]@{ 'C loop' = $c }) -RatioTo 'C loop' -Items $Count
        foreach ($t in $threads | Where-Object { $_ -ne $default }) {
            $rows += New-BenchRow -Row "create $Count namespaces, /run/netns on tmpfs, -ThrottleLimit $t" -Variant "New-NetNamespace -ThrottleLimit $t" `
                -Ours $med["NetnsPS x$t add"] -Anchors ([ordered]@{ 'C loop' = $c }) -RatioTo 'C loop' -Items $Count
        }
    }
    else {
        foreach ($op in 'add', 'del') {
            $anchors = [ordered]@{}
            foreach ($a in $anchorNames) { $anchors[$a] = $med["$a $op"] }
            $c = $med["C loop $op"]
            $what = if ($op -eq 'add') { 'create' } else { 'remove' }
            $limit = if ($op -eq 'add') { 0.8 } else { 1.5 }
            $ours = $med["NetnsPS x$default $op"]
            $variantText = if ($op -eq 'add') { "New-NetNamespace -Name `$names ($defaultText)" } else { 'Remove-NetNamespace -Name $names (one after the other; the /proc scan beside)' }
            $rows += New-BenchRow -Row "$what $Count namespaces" -Variant $variantText `
                -Ours $ours -Anchors $anchors -RatioTo 'C loop' -Target "<= ${limit}x C loop" -Met ($ours / $c -le $limit) -Items $Count
            if ($op -eq 'add') {
                foreach ($t in $threads | Where-Object { $_ -ne $default }) {
                    $rows += New-BenchRow -Row "create $Count namespaces, -ThrottleLimit $t" -Variant "New-NetNamespace -ThrottleLimit $t" `
                        -Ours $med["NetnsPS x$t add"] -Anchors ([ordered]@{ 'C loop' = $c }) -RatioTo 'C loop' -Items $Count
                }
            }
        }
    }
    Write-Host "`nCreating and removing $Count namespaces (median of $Rounds rounds, $cpus processors$(if ($OnTmpfs) { ', /run/netns on tmpfs' })):"
    $times.Keys | Sort-Object | ForEach-Object { [pscustomobject]@{ Variant = $_; MedianMs = [math]::Round($med[$_], 1); PerNamespaceUs = [math]::Round($med[$_] * 1000 / $Count, 1); VsC = [math]::Round($med[$_] / $med["C loop $(($_ -split ' ')[-1])"], 3); Rounds = ($times[$_] | ForEach-Object { [math]::Round($_) }) -join ' ' } } |
        Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    Save-BenchRows $rows (Join-Path $OutputDir $(if ($OnTmpfs) { 'lifecycle-tmpfs.rows.json' } else { 'lifecycle.rows.json' }))
    if (-not $OnTmpfs) {
        # The same measurement with /run/netns on a tmpfs, in a private mount namespace (nothing outside changes).
        $cmd = "& '$PSCommandPath' -ModulePath '$ModulePath' -Count $Count -Rounds $Rounds -OutputDir '$OutputDir' -OnTmpfs"
        Push-Location (Split-Path $PSScriptRoot)   # dotnet pwsh: the tool manifest is at the root
        try { unshare --mount --propagation private sh -c 'mount -t tmpfs none /run/netns && exec dotnet pwsh -NoProfile -NonInteractive -Command "$0"' $cmd | Out-Host }
        finally { Pop-Location }
        if ($LASTEXITCODE) { Write-Warning "the tmpfs run failed ($LASTEXITCODE)" }
    }
}
finally {
    Get-ChildItem /run/netns -Filter "$prefix*" -ErrorAction SilentlyContinue | ForEach-Object {
        ip netns delete $_.Name 2>$null
        if (Test-Path $_.FullName) { umount -l $_.FullName 2>$null; Remove-Item $_.FullName -Force -ErrorAction SilentlyContinue }
    }
}
