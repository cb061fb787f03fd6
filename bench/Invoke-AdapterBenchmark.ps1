<#
.SYNOPSIS
    Listing adapters and addresses of many namespaces: NetnsPS against `ip -j -n NS addr` per namespace and
    against one `ip -b` batch of the same commands, measured in one run.
.DESCRIPTION
    Sets up -Count namespaces of our own (lo up, and a veth to the next namespace with an IPv4 and an IPv6
    address on each end, so every listing resolves a cross-namespace peer), then times -Rounds rounds of:
      NetnsPS adapters   Get-NetNamespaceAdapter -Namespace <all of ours> (links + addresses + veth peers)
      NetnsPS addresses  Get-NetNamespaceAddress -Namespace <all of ours>
      ip per namespace   a bash loop running `ip -j -n NS addr` once per namespace
      ip -b              one `ip -b FILE` whose lines are `netns exec NS ip -j addr` (ip batch has no per-line -n)
      pyroute2           NetNS(NS).get_links() + get_addr() per namespace (timed inside Python; skipped when missing)
    Prints medians, per-namespace cost and ratios (NetnsPS / ip), writes JSON to -OutputDir, removes everything.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Count = 100,
    [int] $Rounds = 5,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$py = Get-PyRoute2Python
$tag = Initialize-Bench $ModulePath $OutputDir
$prefix = "nnab$tag-"
$names = 1..$Count | ForEach-Object { "$prefix$_" }

try {
    Write-Host "Setting up $Count namespaces with veths between neighbours..."
    $null = New-NetNamespace -Name $names
    for ($i = 0; $i -lt $Count; $i++) {
        $ns = $names[$i]; $next = $names[($i + 1) % $Count]
        Set-NetNamespaceAdapter -Namespace $ns -Name lo -State Up
        if ($Count -gt 1) {
            $null = New-NetVethPair -Name 'bn0' -PeerName 'bp0' -Namespace $ns -PeerNamespace $next
            $hi = [math]::Floor($i / 250); $lo = $i % 250
            $null = New-NetNamespaceAddress -Namespace $ns -InterfaceAlias bn0 -IPAddress "10.$hi.$lo.1/30"
            $null = New-NetNamespaceAddress -Namespace $next -InterfaceAlias bp0 -IPAddress "10.$hi.$lo.2/30"
            $null = New-NetNamespaceAddress -Namespace $ns -InterfaceAlias bn0 -IPAddress "fd00:$i::1/64" -SkipDuplicateAddressDetection
            Set-NetNamespaceAdapter -Namespace $ns -Name bn0 -State Up
        }
    }
    # Sanity: both sides see the same adapters.
    $ours = Get-NetNamespaceAdapter -Namespace $names
    $ipCount = ($names | ForEach-Object { (ip -j -n $_ link | ConvertFrom-Json).Count } | Measure-Object -Sum).Sum
    if ($ours.Count -ne $ipCount) { throw "NetnsPS lists $($ours.Count) adapters, ip lists $ipCount" }
    $unresolved = @($ours | Where-Object { $_.Kind -eq 'veth' -and -not $_.PeerNamespace })
    if ($unresolved.Count) { throw "$($unresolved.Count) veth peers were not resolved" }

    $batch = Join-Path $OutputDir 'adapters.batch'
    Set-Content $batch -Value ($names | ForEach-Object { "netns exec $_ ip -j addr" })
    $loop = "for n in $($names -join ' '); do ip -j -n `$n addr >/dev/null; done"

    $results = @{ 'NetnsPS adapters' = @(); 'NetnsPS addresses' = @(); 'ip per namespace' = @(); 'ip -b' = @() }
    for ($r = 0; $r -lt $Rounds; $r++) {
        $results['ip per namespace'] += Measure-Ms { bash -c $loop }
        $results['ip -b'] += Measure-Ms { ip -b $batch > /dev/null }
        $results['NetnsPS adapters'] += Measure-Ms { Get-NetNamespaceAdapter -Namespace $names }
        $results['NetnsPS addresses'] += Measure-Ms { Get-NetNamespaceAddress -Namespace $names }
    }
    $ipLoop = Get-Median $results['ip per namespace']
    $ipBatch = Get-Median $results['ip -b']
    $rows = foreach ($k in 'NetnsPS adapters', 'NetnsPS addresses', 'ip per namespace', 'ip -b') {
        $m = Get-Median $results[$k]
        [pscustomobject]@{
            Variant        = $k
            MedianMs       = [math]::Round($m, 1)
            PerNamespaceUs = [math]::Round($m * 1000 / $Count, 1)
            VsIpLoop       = [math]::Round($m / $ipLoop, 3)
            VsIpBatch      = [math]::Round($m / $ipBatch, 3)
        }
    }
    Write-Host "`nListing adapters and addresses of $Count namespaces (median of $Rounds rounds):"
    $rows | Format-Table -AutoSize | Out-String | Write-Host
    $target = $rows | Where-Object Variant -eq 'NetnsPS adapters'
    Write-Host ("Target 'faster than ip -b': {0} (ratio {1})" -f ($(if ($target.VsIpBatch -lt 1) { 'PASS' } else { 'FAIL' }), $target.VsIpBatch))
    $anchors = [ordered]@{ 'ip -b' = $ipBatch; 'ip -j -n NS addr per namespace' = $ipLoop }
    if ($py) {
        Set-Content "$OutputDir/adapters.names" $names
        $anchors['pyroute2 NetNS per namespace'] = Invoke-PyRoute2Anchor $py @('addr', "$OutputDir/adapters.names")
    }
    $ours = Get-Median $results['NetnsPS adapters']
    $md = @(
        New-BenchRow -Row "adapters+addresses of $Count namespaces" -Variant 'Get-NetNamespaceAdapter -Namespace $names (links, addresses, veth peers)' `
            -Ours $ours -Anchors $anchors -RatioTo 'ip -b' -Target '< ip -b' -Met ($ours -lt $ipBatch) -Items $Count
        New-BenchRow -Row "addresses of $Count namespaces" -Variant 'Get-NetNamespaceAddress -Namespace $names' `
            -Ours (Get-Median $results['NetnsPS addresses']) -Anchors ([ordered]@{ 'ip -b' = $ipBatch }) -RatioTo 'ip -b' -Items $Count
    )
    Save-BenchRows $md (Join-Path $OutputDir 'adapters.rows.json')
    @{ count = $Count; rounds = $Rounds; results = $rows } | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutputDir 'adapters.json')
}
finally {
    Get-ChildItem /run/netns -Filter "$prefix*" -ErrorAction SilentlyContinue | ForEach-Object {
        Remove-NetNamespace -Name $_.Name -ErrorAction SilentlyContinue
        if (Test-Path $_.FullName) { ip netns delete $_.Name }
    }
}
