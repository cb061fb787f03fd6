<#
.SYNOPSIS
    Turns the *.rows.json files the bench/Invoke-*Benchmark.ps1 scripts wrote into ONE Markdown table, between the
    markers <!-- results:begin --> and <!-- results:end --> of -ResultsPath (bench/RESULTS.md); the text around the
    markers (the notes on where the time goes) is kept. Prints the table too.
#>
param(
    [Parameter(Mandatory)] [string] $OutputDir,
    [Parameter(Mandatory)] [string] $ResultsPath,
    [string[]] $Order = @('lifecycle', 'lifecycle-tmpfs', 'query', 'adapters', 'exec', 'lab', 'visibility', 'import'),
    [string] $Command = ''
)
$ErrorActionPreference = 'Stop'
$inv = [Globalization.CultureInfo]::InvariantCulture

function Format-Value([double] $v, [string] $unit) {
    if ([double]::IsNaN($v)) { return 'n/a' }
    $digits = if ([math]::Abs($v) -ge 100) { 0 } elseif ([math]::Abs($v) -ge 10) { 1 } else { 2 }
    $s = [math]::Round($v, $digits).ToString("N$digits", $inv)
    $u = if ($unit -eq 'us') { 'µs' } else { $unit }
    "$s $u"
}

$rows = foreach ($name in $Order) {
    $f = Join-Path $OutputDir "$name.rows.json"
    if (Test-Path $f) { Get-Content $f -Raw | ConvertFrom-Json }
}
$lines = @(
    '| row | NetnsPS | anchors, same run | ratio | target | result |'
    '|---|---|---|---|---|---|'
)
foreach ($r in $rows) {
    $anchorText = @(foreach ($a in $r.Anchors) {
        $v = [double]$a.Value
        $ratio = if ($r.Unit -ne 'MB' -and $v -gt 0 -and -not [double]::IsNaN($v) -and $r.Row -notlike 'Import-Module*' -and $r.Row -notlike 'Invoke-InNetNamespace NS*') {
            ' (ours {0}x)' -f [math]::Round($r.Ours / $v, 2).ToString($inv)
        } else { '' }
        "$($a.Name) $(Format-Value $v $r.Unit)$ratio"
    }) -join '<br>'
    $ratio = ''
    if ($r.RatioTo) {
        $to = $r.Anchors | Where-Object Name -eq $r.RatioTo | Select-Object -First 1
        if ($to -and [double]$to.Value -gt 0) { $ratio = '{0}x {1}' -f [math]::Round($r.Ours / [double]$to.Value, 2).ToString($inv), $r.RatioTo }
    }
    $result = if ($null -eq $r.Met) { '' } elseif ($r.Met) { '**met**' } else { '**missed**' }
    $lines += '| {0} | {1}<br><sub>{2}</sub> | {3} | {4} | {5} | {6} |' -f $r.Row, (Format-Value $r.Ours $r.Unit), $r.Variant, $anchorText, $ratio, $r.Target, $result
}
$cpu = ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':\s*', 2)[1]
$by = if ($Command) { ' by `' + $Command + '`' } else { '' }
$header = @(
    "Measured $(Get-Date -AsUTC -Format 'yyyy-MM-dd HH:mm') UTC on $([Environment]::ProcessorCount) processors ($cpu), kernel $(uname -r)$by."
    'Times are medians of interleaved rounds; every anchor was measured in the same run as NetnsPS.'
    ''
)
$table = ($header + $lines) -join "`n"
Write-Host $table

$begin = '<!-- results:begin -->'; $end = '<!-- results:end -->'
$doc = if (Test-Path $ResultsPath) { Get-Content $ResultsPath -Raw } else { "# Benchmark results`n`n$begin`n$end`n" }
$i = $doc.IndexOf($begin); $j = $doc.IndexOf($end)
if ($i -lt 0 -or $j -lt $i) { $doc = $doc.TrimEnd() + "`n`n$begin`n$end`n"; $i = $doc.IndexOf($begin); $j = $doc.IndexOf($end) }
$doc = $doc.Substring(0, $i + $begin.Length) + "`n" + $table + "`n" + $doc.Substring($j)
Set-Content -Path $ResultsPath -Value $doc.TrimEnd() -Encoding utf8
Write-Host "Wrote $ResultsPath"
