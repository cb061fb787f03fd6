<#
.SYNOPSIS
    Seeing everything: Get-NetNamespace -All against `lsns -t net -J`, and Get-NetNamespaceAdapter -All against a
    loop of `ip -j -n NS link` over every named namespace (plus `ip -j link` for the host), measured in one run.
.DESCRIPTION
    Sets up -Count namespaces of our own (a veth to the next one, so peers resolve across namespaces) and
    -Processes sleep processes spread over them (`ip netns exec NS sleep`), then times -Rounds rounds of each
    side. Both sides see the whole machine, so namespaces and processes of others count too (printed).
    Prints medians and ratios (NetnsPS / tool), writes visibility.json and visibility.rows.json (rows for
    bench/RESULTS.md) to -OutputDir, and removes everything it made (its processes by id, its namespaces by name).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Count = 200,
    [int] $Processes = 400,
    [int] $Rounds = 5,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$tag = Initialize-Bench $ModulePath $OutputDir
$prefix = "nnvb$tag-"
$names = 1..$Count | ForEach-Object { "$prefix$_" }
$started = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()

try {
    Write-Host "Setting up $Count namespaces and $Processes processes..."
    $null = New-NetNamespace -Name $names
    if ($Count -gt 1) {
        for ($i = 0; $i -lt $Count; $i++) {
            $null = New-NetVethPair -Name 'vb0' -PeerName 'vb1' -Namespace $names[$i] -PeerNamespace $names[($i + 1) % $Count]
        }
    }
    for ($i = 0; $i -lt $Processes; $i++) {
        $started.Add((Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $names[$i % $Count], 'sleep', '3600' -PassThru))
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    do {
        $inside = ($names | ForEach-Object { @(ip netns pids $_).Count } | Measure-Object -Sum).Sum
        if ($inside -ge $Processes) { break }
        Start-Sleep -Milliseconds 200
    } while ([DateTime]::UtcNow -lt $deadline)
    if ($inside -lt $Processes) { throw "only $inside of $Processes processes entered their namespaces" }

    # Sanity: both sides agree.
    $all = Get-NetNamespace -All
    $lsns = @((lsns -t net -J | ConvertFrom-Json).namespaces)
    $missing = @($lsns | Where-Object { $i = [uint64]$_.ns; -not ($all | Where-Object Inode -EQ $i) })
    if ($missing.Count) {
        # Another program's namespace may have appeared after the listing: a real miss is one that lsns shows before
        # and after a second listing, which then still lacks it.
        $all = Get-NetNamespace -All
        $still = @((lsns -t net -J | ConvertFrom-Json).namespaces.ns)
        $missing = @($missing | Where-Object { $i = [uint64]$_.ns; $_.ns -in $still -and -not ($all | Where-Object Inode -EQ $i) })
    }
    foreach ($l in $missing) { throw "lsns shows net:[$($l.ns)] that Get-NetNamespace -All misses" }
    $adapters = Get-NetNamespaceAdapter -All
    $unresolved = @($adapters | Where-Object { $_.Kind -eq 'veth' -and $_.Name -like 'vb*' -and $null -eq $_.PeerNamespace })
    if ($unresolved.Count) { throw "$($unresolved.Count) veth peers were not resolved" }
    $named = @(Get-NetNamespace | Where-Object { -not $_.IsStale }).Name
    $loop = Join-Path $OutputDir 'visibility-loop.sh'
    Set-Content $loop -Value ("ip -j link`n" + (($named | ForEach-Object { "ip -j -n '$_' link" }) -join "`n"))

    $r = [ordered]@{ NamespacesAll = $all.Count; Named = $named.Count; ProcessesSeen = ($all | Measure-Object ProcessCount -Sum).Sum; Adapters = $adapters.Count }
    $t = @{ GetAll = @(); Lsns = @(); AdaptersAll = @(); IpLoop = @() }
    for ($k = 0; $k -lt $Rounds; $k++) {
        $t.GetAll += Measure-Ms { Get-NetNamespace -All }
        $t.Lsns += Measure-Ms { lsns -t net -J }
        $t.AdaptersAll += Measure-Ms { Get-NetNamespaceAdapter -All }
        $t.IpLoop += Measure-Ms { bash $loop }
    }
    foreach ($key in 'GetAll', 'Lsns', 'AdaptersAll', 'IpLoop') { $r["${key}Ms"] = [math]::Round((Get-Median $t[$key]), 1) }
    $r.GetAllVsLsns = [math]::Round($r.GetAllMs / $r.LsnsMs, 3)
    $r.AdaptersAllVsIpLoop = [math]::Round($r.AdaptersAllMs / $r.IpLoopMs, 3)
    [pscustomobject]$r | Format-List | Out-Host
    [pscustomobject]$r | ConvertTo-Json | Set-Content (Join-Path $OutputDir 'visibility.json')
    $seen = "$($r.NamespacesAll) namespaces ($($r.Named) named), $($r.ProcessesSeen) processes, $($r.Adapters) adapters on the machine"
    Save-BenchRows @(
        New-BenchRow -Row "Get-NetNamespace -All ($Count of ours, $Processes processes)" -Variant "every namespace with its processes; $seen" `
            -Ours (Get-Median $t.GetAll) -Anchors ([ordered]@{ 'lsns -t net -J' = (Get-Median $t.Lsns) }) -RatioTo 'lsns -t net -J' -Target '< lsns' -Met ($r.GetAllVsLsns -lt 1)
        New-BenchRow -Row "Get-NetNamespaceAdapter -All ($Count of ours)" -Variant 'every adapter of every namespace, veth peers resolved' `
            -Ours (Get-Median $t.AdaptersAll) -Anchors ([ordered]@{ 'ip -j link + ip -j -n NS link per named namespace' = (Get-Median $t.IpLoop) }) `
            -RatioTo 'ip -j link + ip -j -n NS link per named namespace' -Target '< the ip loop' -Met ($r.AdaptersAllVsIpLoop -lt 1)
    ) (Join-Path $OutputDir 'visibility.rows.json')
    [pscustomobject]$r
}
finally {
    foreach ($p in $started) { if (-not $p.HasExited) { try { $p.Kill($true) } catch { } } }
    foreach ($p in $started) { try { $p.WaitForExit(3000) | Out-Null } catch { } }
    foreach ($n in $names) { ip netns delete $n 2>$null }
}
