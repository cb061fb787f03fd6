# Shared by the bench/Invoke-*Benchmark.ps1 scripts (dot-sourced): medians, timing, the pyroute2 anchor, and the
# row format that bench/Write-BenchResults.ps1 turns into bench/RESULTS.md.

# The start of every benchmark script: imports the module under test, makes -OutputDir and returns a random tag
# (6 hex digits) for the names of what the script makes, so that they never meet anyone else's.
function Initialize-Bench([string] $ModulePath, [string] $OutputDir) {
    Import-Module $ModulePath
    New-Item -ItemType Directory -Path $OutputDir -Force | Out-Null
    [guid]::NewGuid().ToString('N').Substring(0, 6)
}

function Get-Median([double[]] $Values) {
    $s = @($Values | Sort-Object)
    if ($s.Count -eq 0) { return [double]::NaN }
    if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

function Measure-Ms([scriptblock] $Block) {
    $sw = [Diagnostics.Stopwatch]::StartNew(); & $Block | Out-Null; $sw.Elapsed.TotalMilliseconds
}

# Waits for the kernel's asynchronous namespace cleanup (cleanup_net, ~2-3 ms of worker time per namespace) and
# other background work to finish, so that one variant's teardown does not slow the next: at least a short pause,
# then until the machine is idle (>= 90% idle time over 200 ms in /proc/stat), at most 15 s.
function Wait-Settled([int] $Count) {
    Start-Sleep -Milliseconds ([math]::Max(300, [math]::Min(3000, 2 * $Count)))
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while ([DateTime]::UtcNow -lt $deadline) {
        $a = Get-CpuTimes; Start-Sleep -Milliseconds 200; $b = Get-CpuTimes
        $total = $b.Total - $a.Total
        if ($total -le 0 -or ($b.Idle - $a.Idle) / $total -ge 0.9) { return }
    }
}

# Idle and total jiffies of all processors (the "cpu" line of /proc/stat; idle includes iowait).
function Get-CpuTimes {
    $f = @((Get-Content /proc/stat -TotalCount 1) -split '\s+' | Select-Object -Skip 1 | Where-Object { $_ } | ForEach-Object { [double]$_ })
    [pscustomobject]@{ Idle = $f[3] + $f[4]; Total = ($f | Measure-Object -Sum).Sum }
}

# A python3 that can import pyroute2 (Debian's python3-pyroute2 lives under /usr/bin/python3), or $null.
function Get-PyRoute2Python {
    foreach ($py in '/usr/bin/python3', (Get-Command python3 -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source)) {
        if ($py -and (Test-Path $py)) {
            & $py -c 'import pyroute2' 2>$null
            if ($LASTEXITCODE -eq 0) { return $py }
        }
    }
    $null
}

# Runs bench/pyroute2_anchor.py and returns the milliseconds it measured (NaN when it failed).
function Invoke-PyRoute2Anchor([string] $Python, [string[]] $Arguments) {
    $out = & $Python (Join-Path $PSScriptRoot 'pyroute2_anchor.py') @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { Write-Warning "pyroute2 anchor $($Arguments -join ' ') failed: $out"; return [double]::NaN }
    [double]::Parse(($out | Select-Object -Last 1), [Globalization.CultureInfo]::InvariantCulture)
}

# One row of RESULTS.md. Ours and the anchors in milliseconds (or the Unit given); Target and Met say what is asked.
function New-BenchRow {
    param(
        [string] $Row, [string] $Variant, [double] $Ours, [System.Collections.Specialized.OrderedDictionary] $Anchors = [ordered]@{},
        [string] $RatioTo, [string] $Target = '', $Met = $null, [string] $Unit = 'ms', [int] $Items = 0
    )
    [pscustomobject]@{
        Row = $Row; Variant = $Variant; Unit = $Unit; Ours = $Ours; Items = $Items
        Anchors = @($Anchors.GetEnumerator() | ForEach-Object { [pscustomobject]@{ Name = $_.Key; Value = $_.Value } })
        RatioTo = $RatioTo; Target = $Target; Met = $Met
    }
}

function Save-BenchRows([object[]] $Rows, [string] $Path) {
    ConvertTo-Json -InputObject @($Rows) -Depth 5 | Set-Content $Path
}
