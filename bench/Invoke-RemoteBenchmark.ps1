<#
.SYNOPSIS
    What -Session adds per call over a plain Invoke-Command doing the same: `Get-NetNamespace -Session $s` against
    `Invoke-Command -Session $s { Get-NetNamespace }`, and `New-NetNamespace`/`Remove-NetNamespace -Session` against the
    same in Invoke-Command, on one and on two simulated hosts (tests/RemoteHosts.ps1: a network namespace each with a
    real sshd; PowerShell remoting over SSH). Interleaved, -Count calls per round, medians of -Rounds. Writes
    remote.rows.json to -OutputDir; writes no rows (and says why) when simulated hosts cannot run here (no sshd).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Count = 20,
    [int] $Rounds = 3,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
New-Item -ItemType Directory -Path $OutputDir -Force | Out-Null
Import-Module $ModulePath
$env:NETNSPS_MODULE_PATH = $ModulePath
. (Join-Path $PSScriptRoot '../tests/RemoteHosts.ps1')
$why = Test-SimulatedHostSupport
if ($why) { Write-Host "Remote benchmark skipped: $why"; return }

function Measure-PerCall([scriptblock] $Call, [int] $N) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $N; $i++) { $null = & $Call $i }
    $sw.Elapsed.TotalMilliseconds / $N
}

$rows = @()
try {
    $h1, $h2 = New-SimulatedHostPair
    Install-SimulatedHostModule $h1 | Out-Null
    Install-SimulatedHostModule $h2 | Out-Null
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $both = @(New-SimulatedSession $h1, $h2)
    $setup = $sw.Elapsed.TotalMilliseconds
    $sw.Restart()
    $null = Get-NetNamespace -Session $both     # the preflight, once per session
    $preflight = $sw.Elapsed.TotalMilliseconds
    $null = Invoke-Command $both { Get-NetNamespace }
    foreach ($case in @(@{ Label = 'one host'; S = @($both[0]) }, @{ Label = 'two hosts'; S = $both })) {
        $s = $case.S
        $t = @{ get = @(); getIc = @(); make = @(); makeIc = @() }
        for ($r = 0; $r -lt $Rounds; $r++) {
            $t.get += Measure-PerCall { Get-NetNamespace -Session $s } $Count
            $t.getIc += Measure-PerCall { Invoke-Command -Session $s { Get-NetNamespace } } $Count
            $t.make += Measure-PerCall { param($i) New-NetNamespace -Name "rb$i" -Session $s; Remove-NetNamespace -Name "rb$i" -Session $s } $Count
            $t.makeIc += Measure-PerCall { param($i) Invoke-Command -Session $s { New-NetNamespace -Name "rb$using:i" }; Invoke-Command -Session $s { Remove-NetNamespace -Name "rb$using:i" } } $Count
        }
        $g = Get-Median $t.get; $gi = Get-Median $t.getIc; $m = Get-Median $t.make; $mi = Get-Median $t.makeIc
        $rows += New-BenchRow -Row "Get-NetNamespace -Session ($($case.Label)), per call" -Variant "vs Invoke-Command -Session { Get-NetNamespace }" `
            -Ours $g -Anchors ([ordered]@{ 'Invoke-Command { Get-NetNamespace }' = $gi }) -RatioTo 'Invoke-Command { Get-NetNamespace }' `
            -Target '<= 2x Invoke-Command' -Met ($g -le 2 * $gi) -Items $Count
        $rows += New-BenchRow -Row "New- + Remove-NetNamespace -Session ($($case.Label)), per pair" -Variant "vs the same two calls in Invoke-Command" `
            -Ours $m -Anchors ([ordered]@{ 'Invoke-Command { New- }, { Remove- }' = $mi }) -RatioTo 'Invoke-Command { New- }, { Remove- }' `
            -Target '<= 2x Invoke-Command' -Met ($m -le 2 * $mi) -Items $Count
        Write-Host ("{0}: Get -Session {1:N1} ms vs Invoke-Command {2:N1} ms; New+Remove -Session {3:N1} ms vs Invoke-Command {4:N1} ms (per call, median of {5} rounds of {6})" -f
            $case.Label, $g, $gi, $m, $mi, $Rounds, $Count)
    }
    $rows += New-BenchRow -Row 'Remote set-up: New-PSSession to two hosts over SSH; first -Session call (preflight)' -Variant 'once per session' `
        -Ours $preflight -Anchors ([ordered]@{ 'New-PSSession -HostName h1,h2' = $setup }) -Target 'once per session'
    Write-Host ("New-PSSession to two hosts {0:N0} ms; first -Session call with the version preflight {1:N0} ms" -f $setup, $preflight)
}
finally { Stop-SimulatedHosts }
Save-BenchRows $rows (Join-Path $OutputDir 'remote.rows.json')
