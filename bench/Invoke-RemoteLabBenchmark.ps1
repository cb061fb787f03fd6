<#
.SYNOPSIS
    Build + removal of the same 20-namespace chain lab on this machine, on one simulated host, and split over two and
    three simulated hosts (tests/RemoteHosts.ps1: a network namespace, private mount and PID namespaces and a real
    sshd each), and where the time goes: opening the sessions, the preflight, building the parts (remote calls and
    the vxlan stitch steps), and Remove-NetLab (sessions again, then each host's removal).
.DESCRIPTION
    The chain n0 - n1 - ... - n19 (a veth or, between hosts, a vxlan per neighbour pair, addresses on each) is split
    into contiguous blocks, one per host, so a split over k hosts has k-1 vxlan links. New-NetLab's -Verbose lines
    "sessions: N ms", "preflight: N ms", "build: N ms" give the phases. Every round removes the lab and waits for the
    kernel's namespace cleanup. Prints medians, writes lab-remote.rows.json to -OutputDir, stops the hosts.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Count = 20,
    [int] $Rounds = 3,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$env:NETNSPS_MODULE_PATH = (Resolve-Path $ModulePath).Path
New-Item -ItemType Directory -Path $OutputDir -Force | Out-Null
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
. (Join-Path $PSScriptRoot '../tests/RemoteHosts.ps1')
if ($why = Test-SimulatedHostSupport) { Write-Warning "remote lab benchmark skipped: $why"; Save-BenchRows @() (Join-Path $OutputDir 'lab-remote.rows.json'); return }

function New-ChainDefinition([string[]] $Placement, [hashtable] $Hosts, [string] $UnderlayNamespace) {
    # n(i) goes to $Placement[i] ('' = this machine); link i joins n(i) and n(i+1) on 10.210.i.0/24.
    $d = @{
        Name       = 'rchain'
        Namespaces = @(for ($i = 0; $i -lt $Placement.Count; $i++) {
                $n = @{ Name = "n$i" }
                if ($Placement[$i]) { $n.Host = $Placement[$i] }
                $n
            })
        Links      = @(for ($i = 0; $i -lt $Placement.Count - 1; $i++) {
                @{ Endpoints = @(@{ Namespace = "n$i"; Adapter = 'right'; Address = "10.210.$i.1/24" }, @{ Namespace = "n$($i + 1)"; Adapter = 'left'; Address = "10.210.$i.2/24" }) }
            })
    }
    if ($Hosts.Count) { $d.Hosts = $Hosts; $d.Underlay = '192.0.2.254'; $d.UnderlayNamespace = $UnderlayNamespace }
    $d
}

$savedPath = $env:PATH
$rows = [System.Collections.Generic.List[object]]::new()
try {
    $hosts = @(Start-SimulatedHost -Name h1 -Address 192.0.2.1; Start-SimulatedHost -Name h2 -Address 192.0.2.2; Start-SimulatedHost -Name h3 -Address 192.0.2.3)
    foreach ($h in $hosts) { Install-SimulatedHostModule $h | Out-Null }
    $under = New-SimulatedUnderlay
    $env:PATH = "$($under.SshFolder):$savedPath"
    $ssh = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
    $table = @{}
    foreach ($h in $hosts) { $table[$h.Name] = @{ HostName = $h.Address; UserName = 'root'; KeyFilePath = $under.KeyFilePath; Options = $ssh } }

    $variants = [ordered]@{
        'this machine (no remoting)' = @(1..$Count | ForEach-Object { '' })
        'one host'                   = @(1..$Count | ForEach-Object { 'h1' })
        'two hosts'                  = @(0..($Count - 1) | ForEach-Object { @('h1', 'h2')[[math]::Floor($_ * 2 / $Count)] })
        'three hosts'                = @(0..($Count - 1) | ForEach-Object { @('h1', 'h2', 'h3')[[math]::Floor($_ * 3 / $Count)] })
    }
    $results = [ordered]@{}
    foreach ($v in $variants.Keys) {
        $placement = [string[]]$variants[$v]
        $used = @($placement | Where-Object { $_ } | Sort-Object -Unique)
        $hostTable = @{}
        foreach ($u in $used) { $hostTable[$u] = $table[$u] }
        $def = New-ChainDefinition $placement $hostTable $under.Namespace
        $m = @{ Build = @(); Remove = @(); Sessions = @(); Preflight = @(); Parts = @() }
        for ($r = 0; $r -lt $Rounds; $r++) {
            $p = "nnrb$([guid]::NewGuid().ToString('N').Substring(0, 6))-"
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $verbose = New-NetLab $def -Prefix $p -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
            $m.Build += $sw.Elapsed.TotalMilliseconds
            foreach ($phase in 'sessions', 'preflight', 'build') {
                $line = $verbose | Where-Object { $_ -match "^${phase}: (\d+) ms$" } | Select-Object -Last 1
                $key = @{ sessions = 'Sessions'; preflight = 'Preflight'; build = 'Parts' }[$phase]
                if ($line -match '(\d+) ms') { $m[$key] += [double]$Matches[1] }
            }
            $m.Remove += Measure-Ms { Remove-NetLab -Prefix $p -Force -Confirm:$false }
            Wait-Settled $Count
        }
        $results[$v] = $m
        $b = Get-Median $m.Build; $x = Get-Median $m.Remove
        $phases = if ($m.Sessions.Count) { " (sessions $([math]::Round((Get-Median $m.Sessions))) ms, preflight $([math]::Round((Get-Median $m.Preflight))) ms, parts $([math]::Round((Get-Median $m.Parts))) ms)" } else { '' }
        Write-Host ("{0,-28} build {1,8:N0} ms{2}   remove {3,8:N0} ms" -f $v, $b, $phases, $x)
    }
    $local = $results['this machine (no remoting)']
    $localTotal = (Get-Median $local.Build) + (Get-Median $local.Remove)
    foreach ($v in $variants.Keys) {
        $m = $results[$v]
        $total = (Get-Median $m.Build) + (Get-Median $m.Remove)
        $rows.Add((New-BenchRow -Row "build + removal of a $Count-namespace chain lab" -Variant $v -Ours $total `
                    -Anchors ([ordered]@{ 'this machine' = $localTotal }) -RatioTo 'this machine' -Items $Count))
        if ($m.Sessions.Count) {
            foreach ($phase in 'Sessions', 'Preflight', 'Parts', 'Remove') {
                $rows.Add((New-BenchRow -Row "  $v`: $($phase.ToLowerInvariant())" -Variant 'New-NetLab -Verbose phases' -Ours (Get-Median $m[$phase]) -Items $Count))
            }
        }
    }
}
finally {
    $env:PATH = $savedPath
    Get-NetLab -ErrorAction SilentlyContinue | Where-Object Prefix -like 'nnrb*' | Remove-NetLab -Force -Confirm:$false -ErrorAction SilentlyContinue
    Stop-SimulatedHosts
}
Save-BenchRows $rows.ToArray() (Join-Path $OutputDir 'lab-remote.rows.json')
