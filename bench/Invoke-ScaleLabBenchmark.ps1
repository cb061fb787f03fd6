<#
.SYNOPSIS
    Issue 18 at scale, in a private /run/netns: (1) a tree lab of -LabCount namespaces (tests/Oracles.ps1 New-TreeLab:
    a core router, routers, hosts, routes) built and removed with New-NetLab / Remove-NetLab against the same lab from
    ip batch files (ip -b, ip -n NS -b, ip netns exec sysctl) in the same run, per namespace; (2) at -Count namespaces
    with a veth between every pair, Get-NetNamespaceAdapter -All against the `ip` loop (ip -n NS -j link per
    namespace), and Invoke-InNetNamespace -All { 1 }: when its first output comes and when its last.
.DESCRIPTION
    Runs itself again inside `unshare -m --propagation private` with a directory of /var/tmp bind-mounted over
    /run/netns, so other users of the machine never see the thousands of names; everything is removed at the end (the
    namespaces by the run, the directory afterwards). At -Count the ip loop is timed over -IpSample namespaces and
    scaled to -Count (each ip -n copies the mount table, so every call costs the same at one size; the row says so).
    Rows go to -OutputDir/scale-lab.rows.json (Write-BenchResults.ps1 group 'scale-lab').
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $LabCount = 1000,
    [int] $Count = 10000,
    [int] $IpSample = 500,
    [int] $Rounds = 1,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench'),
    # Which parts: Lab, Adapters (the -All rows); also one comma-separated string (as pwsh -File passes it)
    [string[]] $Part = @('Lab', 'Adapters')
)
$ErrorActionPreference = 'Stop'
$Part = @($Part -split ',' | ForEach-Object Trim)
foreach ($x in $Part) { if ($x -notin 'Lab', 'Adapters') { throw "-Part: '$x' is not Lab or Adapters" } }
New-Item -ItemType Directory -Path $OutputDir -Force | Out-Null
$OutputDir = (Resolve-Path $OutputDir).Path
$ModulePath = (Resolve-Path $ModulePath).Path

if (-not $env:NNPS_SCALELAB_PRIVATE) {
    # Outside: a private mount namespace whose /run/netns is our own directory, then this script again inside it.
    $dir = (mktemp -d /var/tmp/nnps-scalelab-XXXXXX)
    try {
        $pwsh = [Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $self = @('-NoProfile', '-File', $PSCommandPath, '-ModulePath', $ModulePath, '-LabCount', $LabCount, '-Count', $Count,
            '-IpSample', $IpSample, '-Rounds', $Rounds, '-OutputDir', $OutputDir, '-Part', ($Part -join ','))
        $pwshArgs = if ($pwsh -like "*dotnet") { @([Environment]::GetCommandLineArgs()[0]) + $self } else { $self } # pwsh.dll under dotnet
        $env:NNPS_SCALELAB_PRIVATE = $dir
        unshare -m --propagation private sh -c 'mount --bind "$NNPS_SCALELAB_PRIVATE" /run/netns && exec "$@"' sh $pwsh @pwshArgs
        if ($LASTEXITCODE) { throw "the private run failed ($LASTEXITCODE)" }
    }
    finally {
        $env:NNPS_SCALELAB_PRIVATE = $null
        Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
    }
    return
}

. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
. (Join-Path $PSScriptRoot '../tests/Oracles.ps1')
$tag = Initialize-Bench $ModulePath $OutputDir
$work = Join-Path $OutputDir "scale-lab-$tag"
New-Item -ItemType Directory -Path $work -Force | Out-Null
$rows = [System.Collections.Generic.List[object]]::new()
$inv = [Globalization.CultureInfo]::InvariantCulture

try {
    if ($Part -contains 'Lab') {
        $po = "nsl$tag-"; $pi = "nsi$tag-"
        $tree = New-TreeLab -Count $LabCount -IpPrefix $pi -Dir $work
        $r = @{ ours = @(); oursRemove = @(); ip = @(); ipRemove = @() }
        for ($k = 0; $k -lt $Rounds; $k++) {
            $r.ip += Measure-Ms { bash $tree.BuildScript; if ($LASTEXITCODE) { throw "ip batch build failed ($LASTEXITCODE)" } }
            if ($k -eq 0) {
                # the same lab: a sample of namespaces has the same addresses and routes both ways
                $lab = New-NetLab -Definition $tree.Definition -Prefix $po
                foreach ($n in $tree.Definition.Namespaces | Get-Random -Count 20 -SetSeed 18) {
                    foreach ($q in @('addr'), @('route')) {
                        $a = (ip -n "$po$($n.Name)" -4 -o @q) -replace '\s+', ' ' -replace 'valid_lft.*', '' -join ';'
                        $b = (ip -n "$pi$($n.Name)" -4 -o @q) -replace '\s+', ' ' -replace 'valid_lft.*', '' -join ';'
                        if ($a -ne $b) { throw "lab and ip batch differ in $($n.Name) ($q): '$a' vs '$b'" }
                    }
                }
                $lab | Remove-NetLab -Confirm:$false
                Wait-Settled $LabCount
            }
            $r.ipRemove += Measure-Ms { ip -b $tree.TeardownBatch }
            Wait-Settled $LabCount
            $r.ours += Measure-Ms { $script:lab = New-NetLab -Definition $tree.Definition -Prefix $po }
            $r.oursRemove += Measure-Ms { $script:lab | Remove-NetLab -Confirm:$false }
            Wait-Settled $LabCount
        }
        $anchor = 'ip batch files (ip -b, ip -n NS -b, ip netns exec sysctl)'
        foreach ($x in @(@('build', 'ours', 'ip', 'New-NetLab'), @('removal', 'oursRemove', 'ipRemove', 'Remove-NetLab'))) {
            $ours = Get-Median $r[$x[1]]; $ip = Get-Median $r[$x[2]]
            $perNs = '{0:0.00} ms per namespace (ip {1:0.00})' -f ($ours / $LabCount), ($ip / $LabCount)
            Write-Host ("tree lab of {0} namespaces, {1}: NetnsPS {2:N0} ms, ip {3:N0} ms; {4}" -f $LabCount, $x[0], $ours, $ip, $perNs)
            $rows.Add((New-BenchRow -Row "$($x[0]) of a $LabCount-namespace tree lab ($($tree.Routers) routers, routes)" -Variant "$($x[3]); $perNs" `
                -Ours $ours -Anchors ([ordered]@{ $anchor = $ip }) -RatioTo $anchor -Target '< ip batch' -Met ($ours -lt $ip) -Items $LabCount))
        }
    }

    if ($Part -contains 'Adapters') {
        $p = "nsa$tag-"
        $names = 1..$Count | ForEach-Object { "$p$_" }
        New-NetNamespace $names | Out-Null
        $lines = 1..[int]($Count / 2) | ForEach-Object { "link add a$_ netns $p$(2 * $_ - 1) type veth peer name b$_ netns $p$(2 * $_)" }
        for ($k = 0; $k -lt $lines.Count; $k += 400) {
            $lines[$k..([math]::Min($lines.Count, $k + 400) - 1)] | Set-Content "$work/veth.batch"
            ip -b "$work/veth.batch"; if ($LASTEXITCODE) { throw 'ip -b (veths) failed' }
        }
        Wait-Settled 100
        $sample = [math]::Min($IpSample, $Count)
        $ipMs = (Measure-Ms { bash -c 'for n in "$@"; do ip -n "$n" -j link >/dev/null; done' sh @($names | Select-Object -First $sample) }) * $Count / $sample
        $peers = 0
        $ours = Measure-Ms { Get-NetNamespaceAdapter -All | ForEach-Object { if ($_.Kind -eq 'veth' -and $_.PeerNamespace -like "$p*") { $script:peers++ } } }
        if ($peers -ne 2 * $lines.Count) { throw "Get-NetNamespaceAdapter -All resolved $peers veth peers, not $(2 * $lines.Count)" }
        $loop = if ($sample -lt $Count) { "ip -n NS -j link per namespace ($sample of $Count timed, scaled)" } else { 'ip -n NS -j link per namespace' }
        Write-Host ("Get-NetNamespaceAdapter -All at {0}: {1:N0} ms, ip loop {2:N0} ms" -f $Count, $ours, $ipMs)
        $rows.Add((New-BenchRow -Row "Get-NetNamespaceAdapter -All, $Count namespaces, a veth per pair (peers resolved)" -Variant 'one invocation' `
            -Ours $ours -Anchors ([ordered]@{ $loop = $ipMs }) -RatioTo $loop -Target '≤ 0.3x ip loop' -Met ($ours -le 0.3 * $ipMs) -Items $Count))

        $sw = [Diagnostics.Stopwatch]::StartNew(); $first = [double]::NaN; $n = 0
        $fd0 = @(Get-ChildItem /proc/self/fd).Count; $fdMax = 0
        Invoke-InNetNamespace -All { 1 } | ForEach-Object {
            if ($n++ -eq 0) { $first = $sw.Elapsed.TotalMilliseconds }
            if ($n % 1000 -eq 0) { $fdMax = [math]::Max($fdMax, @(Get-ChildItem /proc/self/fd).Count - $fd0) }
        }
        $last = $sw.Elapsed.TotalMilliseconds
        if ($n -ne $Count) { throw "Invoke-InNetNamespace -All wrote $n, not $Count" }
        Write-Host ("Invoke-InNetNamespace -All {{ 1 }} at {0}: first output {1:N0} ms, last {2:N0} ms, descriptors +{3} at most" -f $Count, $first, $last, $fdMax)
        $rows.Add((New-BenchRow -Row "Invoke-InNetNamespace -All { 1 }, $Count namespaces: first output" -Variant "streams; last after $([math]::Round($last).ToString('N0', $inv)) ms, descriptors +$fdMax at most" `
            -Ours $first -Anchors ([ordered]@{ 'last output' = $last }) -Target 'first long before last' -Met ($first -lt $last / 10) -Items $Count))
        Remove-NetNamespace "$p*" -Confirm:$false
    }
    Save-BenchRows $rows.ToArray() (Join-Path $OutputDir 'scale-lab.rows.json')
}
finally {
    Get-NetLab -Prefix "nsl$tag-" -ErrorAction SilentlyContinue | Remove-NetLab -Force -Confirm:$false
    Get-ChildItem /run/netns -Name -ErrorAction SilentlyContinue | Where-Object { $_ -like "ns?$tag-*" } | ForEach-Object { ip netns delete $_ 2>$null }
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
