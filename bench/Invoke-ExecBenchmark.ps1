<#
.SYNOPSIS
    Running code inside a namespace: in-process overhead, native program starts, session start, in one run.
.DESCRIPTION
      in-process      Invoke-InNetNamespace NS { 1 } against & { 1 }, N calls; reports the overhead per call; anchor:
                      pyroute2's pushns(NS)/popns() (the same enter-and-restore of the calling thread, timed inside Python)
      native x Count  `true` started Count times, each way started as a process from this pwsh:
                        bare spawn (Process.Start + WaitForExit, no namespace, no pipe),
                        & true (PowerShell's own native-command call, no namespace), Invoke-InNetNamespace -FilePath
                        true, ip netns exec NS true, nsenter --net=/run/netns/NS true.
                      Each batch starts with one untimed call of its own kind (a warm start for every way alike: for
                      Invoke-InNetNamespace it starts the namespace's launcher, which is measured on its own:)
      first call      the first Invoke-InNetNamespace -FilePath true after the launcher went idle (it prepares the
                      namespace: setns, a private mount namespace, /sys remount), against a bare spawn after the
                      same pause
      session         New-NetNamespaceSession + Remove-PSSession, median of Rounds
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Calls = 5000,
    [int] $Count = 100,
    [int] $Rounds = 5,
    [string] $OutputDir = (Join-Path $PSScriptRoot '../output/bench')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$py = Get-PyRoute2Python
$tag = Initialize-Bench $ModulePath $OutputDir
$ns = "nnxb$tag"

function Start-Wait([string] $file, [string[]] $argv) {
    $psi = [Diagnostics.ProcessStartInfo]::new($file); foreach ($a in $argv) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $p = [Diagnostics.Process]::Start($psi); $p.WaitForExit(); $p.Dispose()
}

try {
    New-NetNamespace -Name $ns | Out-Null
    $true_ = (Get-Command true -CommandType Application)[0].Source
    $rows = @()

    # in-process
    $inproc = @(); $plain = @()
    for ($r = 0; $r -lt $Rounds; $r++) {
        $plain += Measure-Ms { for ($i = 0; $i -lt $Calls; $i++) { $null = & { 1 } } }
        $inproc += Measure-Ms { for ($i = 0; $i -lt $Calls; $i++) { $null = Invoke-InNetNamespace $ns { 1 } } }
    }
    $over = ((Get-Median $inproc) - (Get-Median $plain)) * 1000 / $Calls
    $rows += [pscustomobject]@{ Measure = "in-process call overhead (x$Calls)"; MedianMs = [math]::Round((Get-Median $inproc), 1); PerItemUs = [math]::Round($over, 1); Ratio = ''; Target = '<= 100 us'; Met = $over -le 100 }
    $anchors = [ordered]@{ '& { 1 }' = (Get-Median $plain) * 1000 / $Calls; 'Invoke-InNetNamespace NS { 1 }' = (Get-Median $inproc) * 1000 / $Calls }
    if ($py) { $anchors['pyroute2 pushns+popns'] = (Invoke-PyRoute2Anchor $py @('inproc', $ns, $Calls)) * 1000 / $Calls }
    $md = @(New-BenchRow -Row 'Invoke-InNetNamespace NS { 1 }, overhead per call over & { 1 }' -Variant "x$Calls, in-process" -Ours $over `
        -Unit 'us' -Anchors $anchors -Target '<= 100 us' -Met ($over -le 100) -Items $Calls)

    # native starts
    $ways = [ordered]@{
        'bare spawn'             = { param($n) for ($i = 0; $i -lt $n; $i++) { Start-Wait $true_ @() } }
        '& true'                 = { param($n) for ($i = 0; $i -lt $n; $i++) { & $true_ } }
        'Invoke-InNetNamespace'  = { param($n) for ($i = 0; $i -lt $n; $i++) { Invoke-InNetNamespace $ns -FilePath $true_ } }
        'ip netns exec'          = { param($n) for ($i = 0; $i -lt $n; $i++) { Start-Wait ip @('netns', 'exec', $ns, $true_) } }
        'nsenter --net'          = { param($n) for ($i = 0; $i -lt $n; $i++) { Start-Wait nsenter @("--net=/run/netns/$ns", $true_) } }
    }
    $t = @{}
    foreach ($k in $ways.Keys) { $t[$k] = @() }
    for ($r = 0; $r -lt $Rounds; $r++) {
        foreach ($k in $ways.Keys) {
            & $ways[$k] 1 | Out-Null
            $t[$k] += Measure-Ms { & $ways[$k] $Count }
        }
    }
    # The first call after the launcher went idle, against a bare spawn after the same pause.
    $first = @(); $firstBare = @()
    for ($r = 0; $r -lt $Rounds; $r++) {
        Start-Sleep -Milliseconds ([NetnsPS.Core.Exec.NetnsExec]::IdleMilliseconds + 300)
        $firstBare += Measure-Ms { Start-Wait $true_ @() }
        Start-Sleep -Milliseconds ([NetnsPS.Core.Exec.NetnsExec]::IdleMilliseconds + 300)
        $first += Measure-Ms { Invoke-InNetNamespace $ns -FilePath $true_ }
    }
    $bare = Get-Median $t['bare spawn']
    $ipx = Get-Median $t['ip netns exec']
    foreach ($k in $ways.Keys) {
        $m = Get-Median $t[$k]
        $target = switch ($k) { 'Invoke-InNetNamespace' { '<= 1.1x bare, < ip netns exec' } default { '' } }
        $met = if ($k -eq 'Invoke-InNetNamespace') { ($m / $bare -le 1.1) -and ($m -lt $ipx) } else { '' }
        $rows += [pscustomobject]@{ Measure = "true x${Count}: $k"; MedianMs = [math]::Round($m, 1); PerItemUs = [math]::Round($m * 1000 / $Count, 1); Ratio = "$([math]::Round($m / $bare, 2))x bare"; Target = $target; Met = $met }
    }

    $ours = Get-Median $t['Invoke-InNetNamespace']
    $md += New-BenchRow -Row "native true x${Count} in a namespace" -Variant 'Invoke-InNetNamespace NS -FilePath true (stdout read as lines)' -Ours $ours `
        -Anchors ([ordered]@{ 'bare spawn (Process.Start, no namespace, no pipe)' = $bare; '& true (no namespace)' = (Get-Median $t['& true']); 'ip netns exec' = $ipx; 'nsenter --net' = (Get-Median $t['nsenter --net']) }) `
        -RatioTo 'bare spawn (Process.Start, no namespace, no pipe)' -Target '<= 1.1x bare spawn and < ip netns exec' -Met (($ours / $bare -le 1.1) -and ($ours -lt $ipx)) -Items $Count
    $md += New-BenchRow -Row 'first native call in a namespace (launcher start)' -Variant 'Invoke-InNetNamespace NS -FilePath true after the launcher went idle' `
        -Ours (Get-Median $first) -Anchors ([ordered]@{ 'bare spawn after the same pause' = (Get-Median $firstBare) }) -RatioTo 'bare spawn after the same pause'
    $rows += [pscustomobject]@{ Measure = 'first call (launcher start)'; MedianMs = [math]::Round((Get-Median $first), 2); PerItemUs = ''; Ratio = "$([math]::Round((Get-Median $first) / (Get-Median $firstBare), 2))x bare"; Target = ''; Met = '' }

    # session start
    $sess = @()
    for ($r = 0; $r -lt $Rounds; $r++) { $sess += Measure-Ms { $s = New-NetNamespaceSession -Namespace $ns; Remove-PSSession $s } }
    $rows += [pscustomobject]@{ Measure = 'New-NetNamespaceSession + Remove-PSSession'; MedianMs = [math]::Round((Get-Median $sess), 1); PerItemUs = ''; Ratio = ''; Target = ''; Met = '' }

    $md += New-BenchRow -Row 'New-NetNamespaceSession + Remove-PSSession' -Variant 'a pwsh session process inside' -Ours (Get-Median $sess)
    Save-BenchRows $md (Join-Path $OutputDir 'exec.rows.json')
    Write-Host "`nRunning code inside a namespace (median of $Rounds rounds):"
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    @{ calls = $Calls; count = $Count; rounds = $Rounds; results = $rows } | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutputDir 'exec.json')
}
finally {
    Get-PSSession | Where-Object Name -eq "netns:$ns" | Remove-PSSession
    if (Test-Path "/run/netns/$ns") { Remove-NetNamespace -Name $ns -Force -WarningAction SilentlyContinue }
}
