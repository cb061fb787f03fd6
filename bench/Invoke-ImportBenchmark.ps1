<#
.SYNOPSIS
    What `Import-Module NetnsPS` adds to a pwsh start: `pwsh -NoProfile -c 'Import-Module PATH'` against
    `pwsh -NoProfile -c '1'`, interleaved, medians of -Rounds. Writes import.rows.json to -OutputDir.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Rounds = 7,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
New-Item -ItemType Directory -Path $OutputDir -Force | Out-Null
# The pwsh running this script (the pinned tool's when started through `dotnet pwsh`).
$pwsh = [Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
$pre = @()
if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { $pre = @([Environment]::GetCommandLineArgs()[0]) }
function Start-Pwsh([string] $command) {
    $psi = [Diagnostics.ProcessStartInfo]::new($pwsh)
    foreach ($a in $pre + @('-NoProfile', '-NonInteractive', '-Command', $command)) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $p = [Diagnostics.Process]::Start($psi); $null = $p.StandardOutput.ReadToEnd(); $p.WaitForExit()
    $ms = $sw.Elapsed.TotalMilliseconds
    if ($p.ExitCode) { throw "pwsh -c $command exited with $($p.ExitCode)" }
    $ms
}
$import = "Import-Module '$ModulePath'"
$null = Start-Pwsh '1'; $null = Start-Pwsh $import   # warm the page cache
$t = @{ base = @(); import = @() }
for ($r = 0; $r -lt $Rounds; $r++) {
    $t.base += Start-Pwsh '1'
    $t.import += Start-Pwsh $import
}
$base = Get-Median $t.base; $imp = Get-Median $t.import
$added = $imp - $base
$rows = @(New-BenchRow -Row 'Import-Module NetnsPS added to a pwsh start' -Variant "pwsh -c 'Import-Module ...' minus pwsh -c '1'" `
    -Ours $added -Anchors ([ordered]@{ "pwsh -NoProfile -c '1'" = $base; "pwsh -NoProfile -c 'Import-Module ...'" = $imp }) `
    -Target '<= 150 ms added' -Met ($added -le 150))
Write-Host ("`npwsh start {0:N0} ms, with Import-Module NetnsPS {1:N0} ms: +{2:N0} ms (median of {3})" -f $base, $imp, $added, $Rounds)
Save-BenchRows $rows (Join-Path $OutputDir 'import.rows.json')
