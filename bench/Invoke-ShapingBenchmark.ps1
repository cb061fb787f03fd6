<#
.SYNOPSIS
    Shaping accuracy: a TCP bulk transfer across a veth between two namespaces, unshaped and with
    Set-NetNamespaceQdisc -Rate 1Mbit, 10Mbit and 100Mbit (tbf, the module's default burst and latency) on the
    sender's end; the rate asked against the rate the receiver measured.
.DESCRIPTION
    The transfer is tests/shaping-common.ps1's Measure-TcpThroughput: perl in namespace A (ip netns exec) writes to perl
    in B, which counts the bytes after its first read over the time to its last one (TCP payload, bits per second).
    A shaped transfer is sized to its rate (Seconds of data at the asked rate), the unshaped one runs Seconds. Each
    rate is set by Set-NetNamespaceQdisc (a replace) and checked with `tc -j qdisc show` before its transfer.
    Reported per rate (median of Rounds, the order of the four transfers rotating each round): measured/asked.
    What the receiver counts is payload: tbf meters whole frames, and a full 1514-byte frame (Ethernet 14, IP 20,
    TCP 20 + timestamps 12) carries 1448 bytes, so a precise tbf shows as 1448/1514 = 0.956 of the rate asked.
    Writes shaping.rows.json to -OutputDir and removes its namespaces.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    # Length of each transfer (seconds at the asked rate; CI's short form uses 1).
    [double] $Seconds = 2.5,
    [int] $Rounds = 3,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
. (Join-Path $PSScriptRoot '../tests/shaping-common.ps1')
$tag = Initialize-Bench $ModulePath $OutputDir
$A = "nnsh${tag}a"; $B = "nnsh${tag}b"
$rates = [ordered]@{ 'unshaped' = 0; '1Mbit' = 1e6; '10Mbit' = 10e6; '100Mbit' = 100e6 }
$payloadShare = 1448 / 1514
try {
    New-NetNamespace -Name $A, $B | Out-Null
    New-NetVethPair -Name eth0 -PeerName eth0 -Namespace $A -PeerNamespace $B | Out-Null
    Get-NetNamespaceAdapter -Namespace $A, $B | Set-NetNamespaceAdapter -State Up
    New-NetNamespaceAddress -Namespace $A -InterfaceAlias eth0 -IPAddress 10.66.0.1/24 | Out-Null
    New-NetNamespaceAddress -Namespace $B -InterfaceAlias eth0 -IPAddress 10.66.0.2/24 | Out-Null
    Test-NetNamespaceConnection -Namespace $A -Target 10.66.0.2 | Out-Null   # ARP resolved before the first transfer
    $names = @($rates.Keys)
    $r = @{}; $took = @{}; foreach ($n in $names) { $r[$n] = @(); $took[$n] = @() }
    $port = 5301
    for ($k = 0; $k -lt $Rounds; $k++) {
        for ($i = 0; $i -lt $names.Count; $i++) {
            $n = $names[($i + $k) % $names.Count]
            $rate = $rates[$n]
            if ($rate) {
                Set-NetNamespaceQdisc -Namespace $A -InterfaceAlias eth0 -Rate $n
                $o = Get-OQdisc $A eth0
                if ($o.Count -ne 1 -or $o[0].kind -ne 'tbf' -or $o[0].options.rate -ne $rate / 8) { throw "tc does not show tbf at $n on $A eth0: $($o | ConvertTo-Json -Compress -Depth 4)" }
            }
            elseif (Get-NetNamespaceQdisc -Namespace $A -InterfaceAlias eth0 -Shaped) {
                Remove-NetNamespaceQdisc -Namespace $A -InterfaceAlias eth0 -Confirm:$false
                if ((Get-OQdisc $A eth0)[0].kind -ne 'noqueue') { throw "tc still shows a qdisc on $A eth0 after Remove" }
            }
            $bytes = if ($rate) { [long]($rate / 8 * $Seconds * $payloadShare) } else { 0 }
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $r[$n] += (Measure-TcpThroughput -ServerNamespace $B -ServerAddress 10.66.0.2 -ClientNamespace $A -Port ($port++) -Seconds $Seconds -Bytes $bytes) / 1e6
            $took[$n] += $sw.Elapsed.TotalSeconds
            Start-Sleep -Milliseconds 200
        }
    }
    $median = @{}; foreach ($n in $names) { $median[$n] = Get-Median $r[$n] }
    Write-Host "`nTCP bulk transfer across a veth, tbf on the sender's end (median of $Rounds rounds, $Seconds s each):"
    $names | ForEach-Object {
        [pscustomobject]@{
            Asked = $_; MeasuredMbit = [math]::Round($median[$_], 3)
            Ratio = if ($rates[$_]) { [math]::Round($median[$_] * 1e6 / $rates[$_], 3) } else { $null }
            Runs = ($r[$_] | ForEach-Object { [math]::Round($_, 2) }) -join ' '
            Seconds = ($took[$_] | ForEach-Object { [math]::Round($_, 1) }) -join ' '
        }
    } | Format-Table -AutoSize | Out-String | Write-Host
    $rows = foreach ($n in $names | Where-Object { $rates[$_] }) {
        $asked = $rates[$n] / 1e6
        New-BenchRow -Row "TCP bulk transfer through Set-NetNamespaceQdisc -Rate $n (tbf), measured at the receiver" `
            -Variant ("TCP payload of a {0:0.#} s transfer; 1514-byte frames carry 1448 (0.956), so in frames {1:0.000}x asked" -f $Seconds, ($median[$n] / $asked / $payloadShare)) `
            -Ours $median[$n] -Unit 'Mbit/s' -Anchors ([ordered]@{ 'asked' = $asked }) -RatioTo 'asked' -Target '0.9-1.1x asked' `
            -Met ($median[$n] -ge 0.9 * $asked -and $median[$n] -le 1.1 * $asked)
    }
    $rows = @($rows) + (New-BenchRow -Row 'the same transfer unshaped (noqueue)' -Variant ("TCP payload of a {0:0.#} s transfer" -f $Seconds) `
            -Ours $median['unshaped'] -Unit 'Mbit/s' -Anchors ([ordered]@{ 'tbf 100Mbit' = $median['100Mbit'] }) -Target '' -Met $null)
    Save-BenchRows $rows (Join-Path $OutputDir 'shaping.rows.json')
    @{ seconds = $Seconds; rounds = $Rounds; mbit = $r; took = $took } | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutputDir 'shaping.json')
}
finally {
    foreach ($n in $A, $B) { if (Test-Path "/run/netns/$n") { Remove-NetNamespace -Name $n -Confirm:$false -ErrorAction SilentlyContinue } }
}
