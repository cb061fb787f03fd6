# Shared by the bench/Invoke-*Benchmark.ps1 scripts (dot-sourced): medians, timing, the pyroute2 anchor, and the
# row format that bench/Write-BenchResults.ps1 turns into bench/RESULTS.md.

function Get-Median([double[]] $Values) {
    $s = @($Values | Sort-Object)
    if ($s.Count -eq 0) { return [double]::NaN }
    if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

function Measure-Ms([scriptblock] $Block) {
    $sw = [Diagnostics.Stopwatch]::StartNew(); & $Block | Out-Null; $sw.Elapsed.TotalMilliseconds
}

# Waits for the kernel's asynchronous namespace cleanup (cleanup_net, ~2-3 ms of worker time per namespace) and
# for a quiet run queue, so that one variant's teardown does not slow the next.
function Wait-Settled([int] $Count) {
    Start-Sleep -Milliseconds ([math]::Max(300, 3 * $Count))
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while ([int]((((Get-Content /proc/loadavg) -split ' ')[3] -split '/')[0]) -gt 2 -and [DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Milliseconds 100
    }
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
