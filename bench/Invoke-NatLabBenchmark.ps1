<#
.SYNOPSIS
    Build + teardown of seed 004's lab (examples/seed004.lab.psd1: client - router - outside, forwarding and
    masquerade in the router) three ways, measured in one run: New-NetLab / Remove-NetLab with the native NAT
    (nf_tables over netlink); the previous path (the same lab without its Masquerade key, then
    `ip netns exec ROUTER nft -f FILE` for the NAT); and ip batch files (ip -b, ip -n NS -b, ip netns exec sysctl)
    plus `ip netns exec ROUTER nft -f FILE`, torn down by one ip -b batch.
.DESCRIPTION
    All three make the same objects (checked once before timing: addresses with ip -j, the NAT with nft -j); every
    round waits for the kernel's asynchronous namespace cleanup before the next one, and the variants take turns
    in each round. Without the nft program the two anchors are skipped with a visible reason and the NetnsPS row
    still runs. Prints medians and ratios, writes lab-nat.rows.json to -OutputDir, removes everything.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Rounds = 7,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$tag = Initialize-Bench $ModulePath $OutputDir
$prefixOurs = "nnnl$tag-"
$prefixNft = "nnnn$tag-"
$prefixIp = "nnni$tag-"

$labFile = Join-Path $PSScriptRoot '../examples/seed004.lab.psd1'
$definition = Import-PowerShellDataFile $labFile
# The previous path: the same lab, NAT left to nft.
$noNat = Import-PowerShellDataFile $labFile
foreach ($n in $noNat.Namespaces) { $n.Remove('Masquerade') }

$nft = Get-Command nft -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source
$skip = if (-not $nft) { 'nft is not installed (apt-get install nftables): the nft -f and ip+nft batch anchors are skipped' }

# The NAT as nft writes it: the same table, chains and rule New-NetLab makes (checked below with nft -j).
$dir = Join-Path $OutputDir "labnat-$tag"
New-Item -ItemType Directory -Path $dir -Force | Out-Null
$natFile = Join-Path $dir 'nat.nft'
Set-Content $natFile -Value @(
    'table inet netnsps {'
    '  chain postrouting { type nat hook postrouting priority srcnat; policy accept; oifname "wan0" counter masquerade comment "masquerade wan0"; }'
    '  chain prerouting { type nat hook prerouting priority dstnat; policy accept; }'
    '  chain output { type nat hook output priority -100; policy accept; }'
    '}'
)

# The ip+nft anchor: what a bash user writes (see Invoke-LabBenchmark.ps1): one batch adds the namespaces, one
# `ip -n NS -b FILE` per namespace, sysctl for forwarding, nft -f for the NAT; teardown is one batch of netns delete.
$names = 'client', 'router', 'outside'
Set-Content (Join-Path $dir 'add.batch') -Value ($names | ForEach-Object { "netns add $prefixIp$_" })
Set-Content (Join-Path $dir 'client.batch') -Value @(
    'link set lo up'
    "link add eth0 type veth peer name lan0 netns ${prefixIp}router"
    'addr add 10.0.1.2/24 dev eth0'
    'link set eth0 up'
)
Set-Content (Join-Path $dir 'router.batch') -Value @(
    'link set lo up'
    "link add wan0 type veth peer name eth0 netns ${prefixIp}outside"
    'addr add 10.0.1.1/24 dev lan0'
    'addr add 198.51.100.1/24 dev wan0'
    'link set lan0 up'
    'link set wan0 up'
)
Set-Content (Join-Path $dir 'outside.batch') -Value @(
    'link set lo up'
    'addr add 198.51.100.2/24 dev eth0'
    'link set eth0 up'
)
Set-Content (Join-Path $dir 'client-route.batch') -Value 'route add default via 10.0.1.1'
$build = Join-Path $dir 'build.sh'
Set-Content $build -Value @(
    'set -e'
    "ip -b $dir/add.batch"
    "ip -n ${prefixIp}client -b $dir/client.batch"
    "ip -n ${prefixIp}router -b $dir/router.batch"
    "ip -n ${prefixIp}outside -b $dir/outside.batch"
    "ip -n ${prefixIp}client -b $dir/client-route.batch"
    "ip netns exec ${prefixIp}router sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1"
    "ip netns exec ${prefixIp}router nft -f $natFile"
)
$teardown = Join-Path $dir 'teardown.batch'
Set-Content $teardown -Value ($names | ForEach-Object { "netns delete $prefixIp$_" })

function Get-LabShape([string] $Prefix) {
    # Addresses and routes of every namespace, and the NAT rules of the router, as comparable text.
    $s = foreach ($n in $names) {
        $a = (ip -j -n "$Prefix$n" addr | ConvertFrom-Json | ForEach-Object { "$($_.ifname) $($_.flags -contains 'UP') $($_.addr_info | Where-Object family -eq inet | ForEach-Object local)" }) -join ';'
        $r = (ip -j -n "$Prefix$n" route | ConvertFrom-Json | ForEach-Object { "$($_.dst) $($_.gateway) $($_.dev)" }) -join ';'
        $f = (ip netns exec "$Prefix$n" cat /proc/sys/net/ipv4/ip_forward)
        "$n [$a] [$r] fwd=$f"
    }
    if ($nft) {
        $rules = (ip netns exec "${Prefix}router" nft -j list ruleset | ConvertFrom-Json).nftables |
            Where-Object { $_.chain -or $_.rule } | ForEach-Object {
                if ($_.chain) { "chain $($_.chain.name) $($_.chain.hook) $($_.chain.prio)" } else { "rule $($_.rule.chain) $($_.rule.comment) $($_.rule.expr | ConvertTo-Json -Compress -Depth 8)" }
            }
        $s += "nft [$($rules -join ';')]"
    }
    $s -join "`n"
}

function Remove-Ip { ip -b $teardown; if ($LASTEXITCODE) { throw "ip -b teardown failed ($LASTEXITCODE)" } }

try {
    # Sanity: the variants make the same namespaces, adapters, addresses, routes, forwarding and NAT rules.
    $lab = New-NetLab -Definition $definition -Prefix $prefixOurs
    $shape = Get-LabShape $prefixOurs
    if (-not (Get-NetNamespaceNat -Namespace "${prefixOurs}router" | Where-Object Kind -eq 'Masquerade')) { throw "New-NetLab made no masquerade rule in ${prefixOurs}router" }
    if (-not $skip) {
        $lab2 = New-NetLab -Definition $noNat -Prefix $prefixNft
        ip netns exec "${prefixNft}router" nft -f $natFile
        if ($LASTEXITCODE) { throw "nft -f failed ($LASTEXITCODE)" }
        bash $build
        if ($LASTEXITCODE) { throw "ip batch build failed ($LASTEXITCODE)" }
        foreach ($p in $prefixNft, $prefixIp) {
            $other = Get-LabShape $p
            if ($other -ne $shape) { throw "lab $p differs from New-NetLab's:`n$other`nvs`n$shape" }
        }
        $lab2 | Remove-NetLab -Confirm:$false
        Remove-Ip
    }
    $lab | Remove-NetLab -Confirm:$false
    Wait-Settled 3

    $keys = @('NetnsPS build', 'NetnsPS teardown')
    if (-not $skip) { $keys += 'nft -f build', 'nft -f teardown', 'ip+nft build', 'ip+nft teardown' }
    $r = @{}; foreach ($k in $keys) { $r[$k] = @() }
    $variants = @(
        { $r['NetnsPS build'] += Measure-Ms { $script:lab = New-NetLab -Definition $definition -Prefix $prefixOurs }
          $r['NetnsPS teardown'] += Measure-Ms { $script:lab | Remove-NetLab -Confirm:$false } }
    )
    if (-not $skip) {
        $variants += {
            $r['nft -f build'] += Measure-Ms {
                $script:lab2 = New-NetLab -Definition $noNat -Prefix $prefixNft
                ip netns exec "${prefixNft}router" nft -f $natFile
                if ($LASTEXITCODE) { throw "nft -f failed ($LASTEXITCODE)" }
            }
            $r['nft -f teardown'] += Measure-Ms { $script:lab2 | Remove-NetLab -Confirm:$false }
        }
        $variants += {
            $r['ip+nft build'] += Measure-Ms { bash $build; if ($LASTEXITCODE) { throw "ip batch build failed ($LASTEXITCODE)" } }
            $r['ip+nft teardown'] += Measure-Ms { Remove-Ip }
        }
    }
    for ($k = 0; $k -lt $Rounds; $k++) {
        # Interleaved, and the order rotates each round so that no variant always follows the same one.
        for ($v = 0; $v -lt $variants.Count; $v++) {
            & $variants[($v + $k) % $variants.Count]
            Wait-Settled 3
        }
    }
    $median = @{}; foreach ($k in $keys) { $median[$k] = Get-Median $r[$k] }
    $rows = foreach ($k in $keys) { [pscustomobject]@{ Variant = $k; MedianMs = [math]::Round($median[$k], 2) } }
    Write-Host "`nSeed 004 lab (3 namespaces, 2 veth, forwarding, masquerade), build + teardown (median of $Rounds rounds):"
    $rows | Format-Table -AutoSize | Out-String | Write-Host
    $ours = $median['NetnsPS build'] + $median['NetnsPS teardown']
    $anchors = [ordered]@{}
    $target = '<= 0.5x ip+nft batch'
    $met = $null
    $variant = 'New-NetLab + Remove-NetLab, native NAT (nf_tables netlink)'
    if ($skip) {
        Write-Warning $skip
        $variant += "; anchors skipped: $skip"
    }
    else {
        $anchors['New-NetLab without NAT + ip netns exec nft -f (previous path)'] = $median['nft -f build'] + $median['nft -f teardown']
        $anchors['ip+nft batch (ip -b, ip -n NS -b, ip netns exec sysctl, ip netns exec nft -f)'] = $median['ip+nft build'] + $median['ip+nft teardown']
        $ipnft = $anchors['ip+nft batch (ip -b, ip -n NS -b, ip netns exec sysctl, ip netns exec nft -f)']
        $met = $ours -le 0.5 * $ipnft
        Write-Host ("NetnsPS {0:0.0} ms vs nft -f path {1:0.0} ms vs ip+nft batch {2:0.0} ms: ratio {3:0.00}" -f $ours, $anchors[0], $ipnft, ($ours / $ipnft))
    }
    $row = New-BenchRow -Row 'build + teardown of seed 004 lab with NAT' -Variant $variant -Ours $ours -Anchors $anchors `
        -RatioTo 'ip+nft batch (ip -b, ip -n NS -b, ip netns exec sysctl, ip netns exec nft -f)' -Target $target -Met $met -Items 3
    Save-BenchRows @($row) (Join-Path $OutputDir 'lab-nat.rows.json')
    @{ rounds = $Rounds; skipped = $skip; results = $rows; raw = $r } | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutputDir 'lab-nat.json')
}
finally {
    foreach ($p in $prefixOurs, $prefixNft) { Get-NetLab -Prefix $p -ErrorAction SilentlyContinue | Remove-NetLab -Force -Confirm:$false }
    if (-not $env:KEEP) { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }
    foreach ($p in $prefixOurs, $prefixNft, $prefixIp) {
        Get-ChildItem /run/netns -Filter "$p*" -ErrorAction SilentlyContinue | ForEach-Object { ip netns delete $_.Name 2>$null }
    }
}
