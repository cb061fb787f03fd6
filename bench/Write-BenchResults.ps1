<#
.SYNOPSIS
    Turns the *.rows.json files the bench/Invoke-*Benchmark.ps1 scripts wrote into ONE Markdown table, between the
    markers <!-- results:begin --> and <!-- results:end --> of -ResultsPath (bench/RESULTS.md); the text around the
    markers (the notes on where the time goes) is kept. Prints the table too.
.DESCRIPTION
    Every row carries its group (the rows file it came from) as an HTML comment, invisible when rendered. With -Only
    (a run of some benchmarks: build.ps1 -BenchName), only the rows of those groups are replaced; the other rows and
    the line saying when they were measured stay, and a line says when and how the replaced groups were measured.
#>
param(
    [Parameter(Mandatory)] [string] $OutputDir,
    [Parameter(Mandatory)] [string] $ResultsPath,
    [string[]] $Order = @('lifecycle', 'lifecycle-tmpfs', 'query', 'adapters', 'exec', 'lab', 'lab-remote', 'lab-nat', 'capture', 'shaping', 'nat-forwards', 'visibility', 'remote', 'scale-lab', 'import'),
    [string] $Command = '',
    # Groups measured by this run when it was not a run of all benchmarks; empty: the whole table is replaced.
    [string[]] $Only = @()
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
    if (Test-Path $f) { Get-Content $f -Raw | ConvertFrom-Json | ForEach-Object { $_ | Add-Member -NotePropertyName Group -NotePropertyValue $name -PassThru } }
}
$tableHead = @(
    '| row | NetnsPS | anchors, same run | ratio | target | result |'
    '|---|---|---|---|---|---|'
)
$lines = @()
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
    $lines += '| {0}<!-- {7} --> | {1}<br><sub>{2}</sub> | {3} | {4} | {5} | {6} |' -f $r.Row, (Format-Value $r.Ours $r.Unit), $r.Variant, $anchorText, $ratio, $r.Target, $result, $r.Group
}
$cpu = ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':\s*', 2)[1]
$by = if ($Command) { ' by `' + $Command + '`' } else { '' }
# The load others put on the machine meanwhile (a shared machine makes every row slower and noisier).
$load = (Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 3
$loadText = if ($load) { ", load average $($load -join ' ') (1/5/15 min) at the end" } else { '' }
$when = "$(Get-Date -AsUTC -Format 'yyyy-MM-dd HH:mm') UTC on $([Environment]::ProcessorCount) processors ($cpu), kernel $(uname -r)$loadText$by"
$note = 'Times are medians of interleaved rounds; every anchor was measured in the same run as NetnsPS.'
$header = @("Measured $when.", $note)

$begin = '<!-- results:begin -->'; $end = '<!-- results:end -->'
$doc = if (Test-Path $ResultsPath) { Get-Content $ResultsPath -Raw } else { "# Benchmark results`n`n$begin`n$end`n" }
$i = $doc.IndexOf($begin); $j = $doc.IndexOf($end)
if ($i -lt 0 -or $j -lt $i) { $doc = $doc.TrimEnd() + "`n`n$begin`n$end`n"; $i = $doc.IndexOf($begin); $j = $doc.IndexOf($end) }
if (@($Only).Count -gt 0) {
    # Keep the rows of the groups this run did not measure, in the order of -Order, and the lines saying when they
    # were measured; the groups measured now get one line of their own.
    $old = @($doc.Substring($i + $begin.Length, $j - $i - $begin.Length) -split "`n" | ForEach-Object { $_.TrimEnd() })
    $oldRows = @($old | Where-Object { $_ -match '^\| ' -and $_ -notmatch '^\| row \|' })
    $groupOf = { param($line) if ($line -match '<!-- ([\w-]+) -->') { $Matches[1] } else { '' } }
    $merged = foreach ($g in @($Order) + @($oldRows | ForEach-Object { & $groupOf $_ } | Where-Object { $_ -notin $Order } | Select-Object -Unique)) {
        if ($Only -contains $g) { $lines | Where-Object { (& $groupOf $_) -eq $g } }
        else { $oldRows | Where-Object { (& $groupOf $_) -eq $g } }
    }
    $lines = @($merged) + @($oldRows | Where-Object { -not (& $groupOf $_) })
    $kept = @($old | Where-Object { $_ -like 'Measured *' -or ($_ -like 'Rows of *' -and @(($_ -replace '^Rows of (.*?) measured .*', '$1') -split ', ' | Where-Object { $Only -notcontains $_ }).Count -gt 0) })
    $header = $kept + "Rows of $($Only -join ', ') measured $when." + $note
}
$table = ($header + '' + $tableHead + $lines) -join "`n"
Write-Host $table
$doc = $doc.Substring(0, $i + $begin.Length) + "`n" + $table + "`n" + $doc.Substring($j)
Set-Content -Path $ResultsPath -Value $doc.TrimEnd() -Encoding utf8
Write-Host "Wrote $ResultsPath"
