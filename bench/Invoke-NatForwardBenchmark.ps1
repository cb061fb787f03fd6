<#
.SYNOPSIS
    -Count port forwards (TCP, port 10000+i to 10.0.2.2:20000+i) added to one namespace and removed again:
    Add-/Remove-NetNamespaceNatStaticMapping (one call per forward, and all of them piped into one call) against
    `ip netns exec NS nft` once per forward and one `nft -f` file, measured in one run.
.DESCRIPTION
    Every variant ends where it started: no netnsps table in the namespace. Each makes the same table, chains and
    rules (checked once before timing with nft -j: a prerouting and an output rule per forward, as NetnsPS makes
    them). The nft variants:
      per call  one `ip netns exec NS nft -f TABLEFILE` for the table and its chains, then per forward one
                `ip netns exec NS nft -e -a 'add rule ...prerouting...; add rule ...output...'` (the handles read from
                its echo); removal: per forward one `nft 'delete rule ... handle H; delete rule ... handle H2'`, then
                `nft delete table inet netnsps` (NetnsPS removes the table with the last forward);
      file      one `nft -f` of the table, chains and all rules; removal: one `nft -f` of `delete table inet netnsps`.
    Without the nft program the anchors are skipped with a visible reason and the NetnsPS rows still run.
    Writes nat-forwards.rows.json to -OutputDir and removes its namespace.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Count = 100,
    [int] $Rounds = 5,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$tag = Initialize-Bench $ModulePath $OutputDir
$ns = "nnfw$tag"

$nft = Get-Command nft -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source
$skip = if (-not $nft) { 'nft is not installed (apt-get install nftables): the nft anchors are skipped' }

$specs = @(for ($i = 0; $i -lt $Count; $i++) {
        [pscustomobject]@{ Protocol = 'TCP'; ExternalPort = 10000 + $i; InternalIPAddress = '10.0.2.2'; InternalPort = 20000 + $i }
    })
# The rule NetnsPS makes for a forward (both chains), as nft writes it; the comment is NetnsPS's too.
function Get-RuleText($s) {
    "meta nfproto ipv4 meta l4proto tcp th dport $($s.ExternalPort) fib daddr type local counter dnat ip to $($s.InternalIPAddress):$($s.InternalPort) comment `"TCP *:$($s.ExternalPort) -> $($s.InternalIPAddress):$($s.InternalPort)`""
}
$dir = Join-Path $OutputDir "natfw-$tag"
New-Item -ItemType Directory -Path $dir -Force | Out-Null
$chains = @(
    '  chain postrouting { type nat hook postrouting priority srcnat; policy accept; }'
    '  chain prerouting { type nat hook prerouting priority dstnat; policy accept; }'
    '  chain output { type nat hook output priority -100; policy accept; }'
)
$tableFile = Join-Path $dir 'table.nft'
Set-Content $tableFile -Value (@('table inet netnsps {') + $chains + '}')
$addFile = Join-Path $dir 'add.nft'
Set-Content $addFile -Value (@('table inet netnsps {') + $chains + '}' + @(foreach ($s in $specs) {
            "add rule inet netnsps prerouting $(Get-RuleText $s)"
            "add rule inet netnsps output $(Get-RuleText $s)"
        }))
$removeFile = Join-Path $dir 'remove.nft'
Set-Content $removeFile -Value 'delete table inet netnsps'
$perCall = @(foreach ($s in $specs) { "add rule inet netnsps prerouting $(Get-RuleText $s); add rule inet netnsps output $(Get-RuleText $s)" })

function Invoke-Nft([string[]] $Arguments) {
    $out = ip netns exec $ns nft @Arguments 2>&1
    if ($LASTEXITCODE) { throw "nft $Arguments failed ($LASTEXITCODE): $out" }
    $out
}
function Get-RuleShape {
    # The table's chains and rules (expressions and comments, handles left out), sorted: comparable across variants.
    $j = (ip netns exec $ns nft -j list ruleset | ConvertFrom-Json).nftables
    @($j | Where-Object { $_.chain -or $_.rule } | ForEach-Object {
            if ($_.chain) { "chain $($_.chain.table) $($_.chain.name) $($_.chain.hook) $($_.chain.prio)" }
            else { "rule $($_.rule.chain) $($_.rule.comment) $($_.rule.expr | ConvertTo-Json -Compress -Depth 8)" }
        } | Sort-Object) -join "`n"
}
function Assert-NoTable([string] $After) {
    if (Get-NetNamespaceNatStaticMapping -Namespace $ns) { throw "port forwards left in $ns after $After" }
    if ($nft -and (ip netns exec $ns nft list tables)) { throw "a table is left in $ns after ${After}: $(ip netns exec $ns nft list tables)" }
}

$variants = [ordered]@{
    'NetnsPS, one call per forward' = {
        $script:added = foreach ($s in $specs) { Add-NetNamespaceNatStaticMapping -Namespace $ns -Protocol TCP -ExternalPort $s.ExternalPort -InternalIPAddress $s.InternalIPAddress -InternalPort $s.InternalPort }
    }, {
        foreach ($s in $specs) { Remove-NetNamespaceNatStaticMapping -Namespace $ns -Protocol TCP -ExternalPort $s.ExternalPort -Confirm:$false }
    }
    'NetnsPS, piped into one call' = {
        $script:added = $specs | Add-NetNamespaceNatStaticMapping -Namespace $ns
    }, {
        $script:added | Remove-NetNamespaceNatStaticMapping -Confirm:$false
    }
}
if (-not $skip) {
    $variants['nft per call (ip netns exec NS nft)'] = {
        Invoke-Nft '-f', $tableFile | Out-Null
        $script:handles = foreach ($line in $perCall) {
            $echo = Invoke-Nft '-e', '-a', $line
            , @($echo | ForEach-Object { if ("$_" -match '# handle (\d+)') { $Matches[1] } })
        }
    }, {
        $k = 0
        foreach ($h in $script:handles) {
            if ($h.Count -ne 2) { throw "nft -e -a did not echo two handles for forward $k" }
            Invoke-Nft "delete rule inet netnsps prerouting handle $($h[0]); delete rule inet netnsps output handle $($h[1])" | Out-Null
            $k++
        }
        Invoke-Nft 'delete', 'table', 'inet', 'netnsps' | Out-Null
    }
    $variants['nft -f file (ip netns exec NS nft -f)'] = {
        Invoke-Nft '-f', $addFile | Out-Null
    }, {
        Invoke-Nft '-f', $removeFile | Out-Null
    }
}

try {
    New-NetNamespace -Name $ns | Out-Null
    # Sanity: every variant makes the same chains and rules and leaves nothing behind.
    $shape = $null
    foreach ($v in $variants.Keys) {
        & $variants[$v][0]
        $n = @(Get-NetNamespaceNatStaticMapping -Namespace $ns).Count
        if ($n -ne $Count) { throw "$v made $n port forwards, not $Count" }
        if ($nft) {
            $s = Get-RuleShape
            if ($null -eq $shape) { $shape = $s }
            elseif ($s -ne $shape) { throw "$v made other rules than NetnsPS:`n$s`nvs`n$shape" }
        }
        & $variants[$v][1]
        Assert-NoTable $v
    }
    if ($skip) { Write-Warning $skip }

    $r = @{}
    foreach ($v in $variants.Keys) { $r["$v add"] = @(); $r["$v remove"] = @() }
    $names = @($variants.Keys)
    for ($k = 0; $k -lt $Rounds; $k++) {
        # Interleaved, the order rotating each round.
        for ($i = 0; $i -lt $names.Count; $i++) {
            $v = $names[($i + $k) % $names.Count]
            $r["$v add"] += Measure-Ms $variants[$v][0]
            $r["$v remove"] += Measure-Ms $variants[$v][1]
            Assert-NoTable $v
            Start-Sleep -Milliseconds 200 # no namespace is freed here: nothing for Wait-Settled to wait for
        }
    }
    $median = @{}; foreach ($key in $r.Keys) { $median[$key] = Get-Median $r[$key] }
    $rows = foreach ($v in $names) {
        [pscustomobject]@{ Variant = $v; AddMs = [math]::Round($median["$v add"], 1); RemoveMs = [math]::Round($median["$v remove"], 1); TotalMs = [math]::Round($median["$v add"] + $median["$v remove"], 1) }
    }
    Write-Host "`n$Count port forwards added and removed in one namespace (median of $Rounds rounds):"
    $rows | Format-Table -AutoSize | Out-String | Write-Host
    $total = @{}; foreach ($v in $names) { $total[$v] = $median["$v add"] + $median["$v remove"] }

    $fileName = 'nft -f file (ip netns exec NS nft -f)'
    $callName = 'nft per call (ip netns exec NS nft)'
    $note = if ($skip) { "; anchors skipped: $skip" } else { '' }
    $anchors = [ordered]@{}
    if (-not $skip) { $anchors[$fileName] = $total[$fileName]; $anchors[$callName] = $total[$callName] }
    $piped = New-BenchRow -Row "$Count port forwards added + removed" -Variant "$Count objects piped into Add-NetNamespaceNatStaticMapping, the results into Remove-NetNamespaceNatStaticMapping (one invocation each)$note" `
        -Ours $total['NetnsPS, piped into one call'] -Anchors $anchors -RatioTo $fileName -Target '<= nft -f file' `
        -Met $(if ($skip) { $null } else { $total['NetnsPS, piped into one call'] -le $total[$fileName] }) -Items $Count
    $anchors2 = [ordered]@{}
    if (-not $skip) { $anchors2[$callName] = $total[$callName]; $anchors2[$fileName] = $total[$fileName] }
    $single = New-BenchRow -Row "$Count port forwards added + removed, one call each" -Variant "Add-NetNamespaceNatStaticMapping x$Count, Remove-NetNamespaceNatStaticMapping x$Count$note" `
        -Ours $total['NetnsPS, one call per forward'] -Anchors $anchors2 -RatioTo $callName -Target '' -Met $null -Items $Count
    Save-BenchRows @($piped, $single) (Join-Path $OutputDir 'nat-forwards.rows.json')
    @{ count = $Count; rounds = $Rounds; skipped = $skip; results = $rows; raw = $r } | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutputDir 'nat-forwards.json')
}
finally {
    Remove-NetNamespace -Name $ns -Force -Confirm:$false -ErrorAction SilentlyContinue
    if (-not $env:KEEP) { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }
}
