<#
.SYNOPSIS
    Build + teardown of a chain lab (-Count namespaces, a veth between neighbours, addresses, forwarding in the
    middle ones, routes both ways at the ends) with New-NetLab / Remove-NetLab against the same lab built with ip batch files
    (ip -b, ip -n NS -b, ip netns exec sysctl) and torn down by one ip -b batch, measured in one run.
.DESCRIPTION
    Both variants make exactly the same objects (checked once with ip -j before timing); every round waits for the
    kernel's asynchronous namespace cleanup before the next one, so rounds do not slow each other down.
    Prints medians and the ratio, writes JSON to -OutputDir, removes everything.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Count = 10,
    [int] $Rounds = 5,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$tag = Initialize-Bench $ModulePath $OutputDir
$prefixOurs = "nnlb$tag-"
$prefixIp = "nnli$tag-"

# The chain: n0 - n1 - ... - n(Count-1); link i joins n(i) and n(i+1) on 10.200.i.0/24.
$nsShort = 0..($Count - 1) | ForEach-Object { "n$_" }
$definition = @{
    Name       = 'chain'
    Namespaces = @(for ($i = 0; $i -lt $Count; $i++) {
            $routes = @()
            if ($i -lt $Count - 1) { $routes += @{ Destination = '10.201.0.0/16'; Gateway = "10.200.$i.2" } }
            @{ Name = "n$i"; Forwarding = ($i -gt 0 -and $i -lt $Count - 1); Routes = $routes }
        })
    Links      = @(for ($i = 0; $i -lt $Count - 1; $i++) {
            @{ Endpoints = @(@{ Namespace = "n$i"; Adapter = 'right'; Address = "10.200.$i.1/24" }, @{ Namespace = "n$($i + 1)"; Adapter = 'left'; Address = "10.200.$i.2/24" }) }
        })
}

# The anchor: what a bash user writes with iproute2. `ip -b` lines take no -n, so: one batch that adds the
# namespaces, one `ip -n NS -b FILE` per namespace (lo, veth to the next one, addresses, links up, routes), and
# `ip netns exec NS sysctl` for forwarding; teardown is one batch of `netns delete`.
$dir = Join-Path $OutputDir "lab-$tag"
New-Item -ItemType Directory -Path $dir -Force | Out-Null
Set-Content (Join-Path $dir 'add.batch') -Value ($nsShort | ForEach-Object { "netns add $prefixIp$_" })
$script = [System.Collections.Generic.List[string]]::new()
$script.Add("ip -b $dir/add.batch")
for ($i = 0; $i -lt $Count; $i++) {
    $l = [System.Collections.Generic.List[string]]::new()
    $l.Add('link set lo up')
    if ($i -lt $Count - 1) { $l.Add("link add right type veth peer name left netns ${prefixIp}n$($i + 1)") }
    Set-Content (Join-Path $dir "n$i-a.batch") -Value $l
    $script.Add("ip -n ${prefixIp}n$i -b $dir/n$i-a.batch")
    if ($i -gt 0 -and $i -lt $Count - 1) {
        $script.Add("ip netns exec ${prefixIp}n$i sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1")
    }
}
for ($i = 0; $i -lt $Count; $i++) {
    $l = [System.Collections.Generic.List[string]]::new()
    if ($i -lt $Count - 1) { $l.Add("addr add 10.200.$i.1/24 dev right"); $l.Add('link set right up') }
    if ($i -gt 0) { $l.Add("addr add 10.200.$($i - 1).2/24 dev left"); $l.Add('link set left up') }
    if ($i -lt $Count - 1) { $l.Add("route add 10.201.0.0/16 via 10.200.$i.2") }
    Set-Content (Join-Path $dir "n$i-b.batch") -Value $l
    $script.Add("ip -n ${prefixIp}n$i -b $dir/n$i-b.batch")
}
$build = Join-Path $dir 'build.sh'
Set-Content $build -Value (@('set -e') + $script)
$teardown = Join-Path $dir 'teardown.batch'
Set-Content $teardown -Value ($nsShort | ForEach-Object { "netns delete $prefixIp$_" })

try {
    # Sanity: both variants make the same adapters and addresses.
    $lab = New-NetLab -Definition $definition -Prefix $prefixOurs
    bash $build
    foreach ($n in $nsShort) {
        $a = (ip -j -n "$prefixOurs$n" addr | ConvertFrom-Json | ForEach-Object { "$($_.ifname) $($_.addr_info | Where-Object family -eq inet | ForEach-Object local)" }) -join ';'
        $b = (ip -j -n "$prefixIp$n" addr | ConvertFrom-Json | ForEach-Object { "$($_.ifname) $($_.addr_info | Where-Object family -eq inet | ForEach-Object local)" }) -join ';'
        if ($a -ne $b) { throw "lab and ip batch differ in ${n}: '$a' vs '$b'" }
    }
    $lab | Remove-NetLab -Confirm:$false
    ip -b $teardown
    Wait-Settled $Count

    $r = @{ 'NetnsPS build' = @(); 'NetnsPS teardown' = @(); 'ip -b build' = @(); 'ip -b teardown' = @() }
    for ($k = 0; $k -lt $Rounds; $k++) {
        $r['ip -b build'] += Measure-Ms { bash $build; if ($LASTEXITCODE) { throw "ip batch build failed ($LASTEXITCODE)" } }
        $r['ip -b teardown'] += Measure-Ms { ip -b $teardown }
        Wait-Settled $Count
        $r['NetnsPS build'] += Measure-Ms { $script:lab = New-NetLab -Definition $definition -Prefix $prefixOurs }
        $r['NetnsPS teardown'] += Measure-Ms { $script:lab | Remove-NetLab -Confirm:$false }
        Wait-Settled $Count
    }
    $ours = (Get-Median $r['NetnsPS build']) + (Get-Median $r['NetnsPS teardown'])
    $ip = (Get-Median $r['ip -b build']) + (Get-Median $r['ip -b teardown'])
    $rows = foreach ($k in 'NetnsPS build', 'NetnsPS teardown', 'ip -b build', 'ip -b teardown') {
        [pscustomobject]@{ Variant = $k; MedianMs = [math]::Round((Get-Median $r[$k]), 1) }
    }
    Write-Host "`nChain lab of $Count namespaces, build + teardown (median of $Rounds rounds):"
    $rows | Format-Table -AutoSize | Out-String | Write-Host
    Write-Host ("NetnsPS {0:0.0} ms vs ip -b {1:0.0} ms: ratio {2:0.00}" -f $ours, $ip, ($ours / $ip))
    $row = New-BenchRow -Row "build + teardown of a $Count-namespace chain lab" -Variant 'New-NetLab + Remove-NetLab' `
        -Ours $ours -Anchors ([ordered]@{ 'ip batch files (ip -b, ip -n NS -b, ip netns exec sysctl)' = $ip }) `
        -RatioTo 'ip batch files (ip -b, ip -n NS -b, ip netns exec sysctl)' -Target '< ip batch' -Met ($ours -lt $ip) -Items $Count
    Save-BenchRows @($row) (Join-Path $OutputDir 'lab.rows.json')
    @{ count = $Count; rounds = $Rounds; oursMs = $ours; ipBatchMs = $ip; ratio = $ours / $ip; results = $rows } |
        ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutputDir 'lab.json')
}
finally {
    Get-NetLab -Prefix $prefixOurs -ErrorAction SilentlyContinue | Remove-NetLab -Force -Confirm:$false
    if (-not $env:KEEP) { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }
    foreach ($p in $prefixOurs, $prefixIp) {
        Get-ChildItem /run/netns -Filter "$p*" -ErrorAction SilentlyContinue | ForEach-Object { ip netns delete $_.Name 2>$null }
    }
}
