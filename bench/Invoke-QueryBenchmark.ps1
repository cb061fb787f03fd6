<#
.SYNOPSIS
    Listing namespaces with many present, and the memory creating them costs: NetnsPS against `ip -j netns list`
    and pyroute2, in one run (a fresh pwsh: the working-set row needs one).
.DESCRIPTION
      memory          working set of this pwsh after Import-Module (and a full GC) and after New-NetNamespace of
                      -Count namespaces (and a full GC): the growth, JIT and first-use allocations included
      list            Get-NetNamespace with the -Count namespaces present (all of /run/netns), median of -Rounds,
                      against `ip -j netns list` (a process: what a script would run) and pyroute2
                      (listnetns() + get_netnsid per name, timed inside Python)
    Also reports, for the note, the listing with ProcessCount read (which costs one /proc scan).
    Writes query.rows.json to -OutputDir; removes everything it made.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Count = 1000,
    [int] $Rounds = 15,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$tag = Initialize-Bench $ModulePath $OutputDir
$prefix = "nnqb$tag-"
$names = 0..($Count - 1) | ForEach-Object { "$prefix$_" }
$py = Get-PyRoute2Python

function Get-WorkingSetMB {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $p = [Diagnostics.Process]::GetCurrentProcess(); $p.Refresh(); $p.WorkingSet64 / 1MB
}

try {
    $ws0 = Get-WorkingSetMB
    $null = New-NetNamespace -Name $names
    $ws1 = Get-WorkingSetMB
    $present = @(Get-ChildItem /run/netns).Count
    if (@(Get-NetNamespace -Name "$prefix*").Count -ne $Count) { throw "Get-NetNamespace does not list the $Count namespaces" }

    $t = @{ ours = @(); counted = @(); ip = @() }
    for ($r = 0; $r -lt $Rounds; $r++) {
        $t.ours += Measure-Ms { $null = Get-NetNamespace }
        $t.counted += Measure-Ms { $null = (Get-NetNamespace)[0].ProcessCount }
        $t.ip += Measure-Ms { ip -j netns list > /dev/null }
    }
    $ours = Get-Median $t.ours; $ip = Get-Median $t.ip
    $anchors = [ordered]@{ 'ip -j netns list' = $ip }
    if ($py) { $anchors['pyroute2'] = Invoke-PyRoute2Anchor $py @('list', $Rounds) }
    $rows = @(
        New-BenchRow -Row "Get-NetNamespace, $present namespaces present" -Variant 'Get-NetNamespace' -Ours $ours -Anchors $anchors `
            -RatioTo 'ip -j netns list' -Target '<= 5 ms and <= 0.2x ip -j netns list' -Met (($ours -le 5) -and ($ours / $ip -le 0.2)) -Items $present
        New-BenchRow -Row "Get-NetNamespace, $present present, ProcessCount read" -Variant 'one /proc scan added' -Ours (Get-Median $t.counted) `
            -Anchors ([ordered]@{ 'ip -j netns list' = $ip }) -RatioTo 'ip -j netns list' -Items $present
        New-BenchRow -Row "working set growth, New-NetNamespace x$Count" -Variant 'pwsh WorkingSet64 after/before (full GC)' -Ours ($ws1 - $ws0) `
            -Unit 'MB' -Target '<= 20 MB' -Met (($ws1 - $ws0) -le 20) -Items $Count
    )
    Write-Host ("`nGet-NetNamespace with {0} present: {1:N2} ms (ProcessCount read: {2:N2} ms); ip -j netns list {3:N2} ms; working set +{4:N1} MB" -f
        $present, $ours, (Get-Median $t.counted), $ip, ($ws1 - $ws0))
    Save-BenchRows $rows (Join-Path $OutputDir 'query.rows.json')
}
finally {
    Remove-NetNamespace -Name "$prefix*" -ErrorAction SilentlyContinue
    Get-ChildItem /run/netns -Filter "$prefix*" -ErrorAction SilentlyContinue | ForEach-Object { ip netns delete $_.Name 2>$null }
}
