<#
.SYNOPSIS
    Creating and removing N named namespaces: NetnsPS against a plain C loop and `ip -b`, in one run.
.DESCRIPTION
    Variants, each timed as wall-clock milliseconds for the whole batch:
      C loop        bench/netns_c_loop.c compiled with gcc -O2 here (iproute2's syscall sequence, one thread),
                    run as a process
      ip -b         one `ip -b FILE` with N lines `netns add NAME` / `netns delete NAME`
      NetnsPS       New-NetNamespace -Name $names (default -ThrottleLimit: one thread per processor) and
                    Remove-NetNamespace -Name $names, inside this already-running pwsh
      NetnsPS x1    the same with -ThrottleLimit 1
    Rounds are interleaved (C, ip, NetnsPS, NetnsPS x1, ...) and the median is reported. Between batches the
    script waits for the kernel's asynchronous namespace cleanup to settle, so one variant's teardown does not
    slow the next. Everything uses a unique prefix and is removed in finally.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Count = 1000,
    [int] $Rounds = 3,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
New-Item -ItemType Directory -Path $OutputDir -Force | Out-Null
$prefix = "nnlb$([guid]::NewGuid().ToString('N').Substring(0, 6))-"

$exe = Join-Path $OutputDir 'netns_c_loop'
& gcc -O2 -o $exe (Join-Path $PSScriptRoot 'netns_c_loop.c')
if ($LASTEXITCODE -ne 0) { throw 'gcc failed' }

function Get-Median([double[]] $v) {
    $s = $v | Sort-Object
    if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

function Wait-Settled {
    # Namespaces are freed by a kernel worker (cleanup_net) after the last reference goes, well after the
    # removal returns; that work competes with the next batch. Measured here: ~2-3 ms of worker time per
    # namespace, so wait that long (and until the run queue is quiet) before timing anything.
    Start-Sleep -Milliseconds ([math]::Max(1000, 3 * $Count))
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ([int]((((Get-Content /proc/loadavg) -split ' ')[3] -split '/')[0]) -gt 2 -and [DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Milliseconds 200
    }
}

function Measure-Ms([scriptblock] $b) {
    $sw = [Diagnostics.Stopwatch]::StartNew(); & $b | Out-Null; $sw.Elapsed.TotalMilliseconds
}

$variants = [ordered]@{
    'C loop' = @{
        Add = { param($p, $n) & $exe add $p $Count; if ($LASTEXITCODE) { throw 'C add failed' } }
        Del = { param($p, $n) & $exe del $p $Count; if ($LASTEXITCODE) { throw 'C del failed' } }
    }
    'ip -b' = @{
        Add = { param($p, $n) Set-Content "$OutputDir/add.batch" ($n | ForEach-Object { "netns add $_" }); ip -b "$OutputDir/add.batch"; if ($LASTEXITCODE) { throw 'ip add failed' } }
        Del = { param($p, $n) Set-Content "$OutputDir/del.batch" ($n | ForEach-Object { "netns delete $_" }); ip -b "$OutputDir/del.batch"; if ($LASTEXITCODE) { throw 'ip del failed' } }
    }
    'NetnsPS' = @{
        Add = { param($p, $n) New-NetNamespace -Name $n -ErrorAction Stop }
        Del = { param($p, $n) Remove-NetNamespace -Name $n -ErrorAction Stop }
    }
    'NetnsPS x1' = @{
        Add = { param($p, $n) New-NetNamespace -Name $n -ThrottleLimit 1 -ErrorAction Stop }
        Del = { param($p, $n) Remove-NetNamespace -Name $n -ErrorAction Stop }
    }
}

$times = @{}
foreach ($k in $variants.Keys) { $times["$k add"] = @(); $times["$k del"] = @() }
try {
    for ($r = 0; $r -lt $Rounds; $r++) {
        foreach ($k in $variants.Keys) {
            $p = "$prefix$r-$($k -replace '\W', '')-"
            $names = 0..($Count - 1) | ForEach-Object { "$p$_" }   # the C loop names PREFIX0..PREFIX{N-1} too
            Wait-Settled
            $times["$k add"] += Measure-Ms { & $variants[$k].Add $p $names }
            $made = @(Get-ChildItem /run/netns -Filter "$p*").Count
            if ($made -ne $Count) { throw "$k made $made of $Count namespaces" }
            Wait-Settled
            $times["$k del"] += Measure-Ms { & $variants[$k].Del $p $names }
            $left = @(Get-ChildItem /run/netns -Filter "$p*").Count
            if ($left) { throw "$k left $left namespaces" }
        }
    }
    $rows = foreach ($op in 'add', 'del') {
        $c = Get-Median $times["C loop $op"]
        $ip = Get-Median $times["ip -b $op"]
        foreach ($k in $variants.Keys) {
            $m = Get-Median $times["$k $op"]
            [pscustomobject]@{
                Operation = $(if ($op -eq 'add') { 'create' } else { 'remove' }); Variant = $k
                MedianMs = [math]::Round($m, 1); PerNamespaceUs = [math]::Round($m * 1000 / $Count, 1)
                VsC = [math]::Round($m / $c, 3); VsIpBatch = [math]::Round($m / $ip, 3)
            }
        }
    }
    Write-Host "`nCreating and removing $Count namespaces (median of $Rounds rounds, $([Environment]::ProcessorCount) processors):"
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    $create = ($rows | Where-Object { $_.Operation -eq 'create' -and $_.Variant -eq 'NetnsPS' }).VsC
    Write-Host ("Target create <= 1.2x C loop: {0} ({1}x);  long-term target < 0.8x: {2}" -f
        $(if ($create -le 1.2) { 'PASS' } else { 'FAIL' }), $create, $(if ($create -lt 0.8) { 'PASS' } else { 'not yet' }))
    @{ count = $Count; rounds = $Rounds; processors = [Environment]::ProcessorCount; results = $rows } |
        ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutputDir 'lifecycle.json')
}
finally {
    Get-ChildItem /run/netns -Filter "$prefix*" -ErrorAction SilentlyContinue | ForEach-Object {
        ip netns delete $_.Name 2>$null
        if (Test-Path $_.FullName) { umount -l $_.FullName 2>$null; Remove-Item $_.FullName -Force -ErrorAction SilentlyContinue }
    }
}
