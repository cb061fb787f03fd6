<#
.SYNOPSIS
    The README's main job: a real tour of NetnsPS on this machine (run as root). Cleans up after itself.
#>
$ErrorActionPreference = 'Stop'
$prefix = "demo-$([guid]::NewGuid().ToString('N').Substring(0, 6))-"
$sleeper = $null
try {
    Write-Host "`n# Create two namespaces (ip netns add)" -ForegroundColor Green
    New-NetNamespace -Name "${prefix}red", "${prefix}blue" | Format-Table -AutoSize | Out-String -Width 200 | Out-Host

    Write-Host "# Create 100 more in parallel, with a progress bar" -ForegroundColor Green
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $many = 1..100 | ForEach-Object { "${prefix}lab$_" } | New-NetNamespace
    Write-Host ("  {0} namespaces in {1} ms" -f @($many).Count, $sw.ElapsedMilliseconds)

    Write-Host "`n# A process in an unnamed namespace, then named with -ProcessId (ip netns attach)" -ForegroundColor Green
    $sleeper = Start-Process -FilePath unshare -ArgumentList '--net', 'sleep', '60' -PassThru
    for ($i = 0; $i -lt 100 -and (Get-Item "/proc/$($sleeper.Id)/ns/net").LinkTarget -eq (Get-Item /proc/self/ns/net).LinkTarget; $i++) {
        Start-Sleep -Milliseconds 20
    }
    New-NetNamespace -Name "${prefix}attached" -ProcessId $sleeper.Id | Format-List | Out-String -Width 200 | Out-Host

    Write-Host "# Which named namespace is process $($sleeper.Id) in? (ip netns identify)" -ForegroundColor Green
    Get-NetNamespace -ProcessId $sleeper.Id | Format-Table -AutoSize | Out-String -Width 200 | Out-Host

    Write-Host "# Its processes (ip netns pids), as Process objects" -ForegroundColor Green
    Get-NetNamespaceProcess -Name "${prefix}attached" | Select-Object Id, ProcessName, NetNamespace | Format-Table -AutoSize | Out-String -Width 200 | Out-Host

    Write-Host "# A small lab: a veth cable between red and blue, addresses, routes, forwarding" -ForegroundColor Green
    New-NetVethPair -Name eth0 -PeerName eth1 -Namespace "${prefix}red" -PeerNamespace "${prefix}blue" | Out-Null
    Get-NetNamespaceAdapter -Namespace "${prefix}red", "${prefix}blue" | Set-NetNamespaceAdapter -State Up
    New-NetNamespaceAddress -Namespace "${prefix}red" -InterfaceAlias eth0 -IPAddress 10.77.0.1/24 | Out-Null
    New-NetNamespaceAddress -Namespace "${prefix}blue" -InterfaceAlias eth1 -IPAddress 10.77.0.2/24 | Out-Null
    New-NetNamespaceRoute -Namespace "${prefix}red" -DestinationPrefix default -NextHop 10.77.0.2 | Out-Null
    Set-NetNamespaceSysctl -Namespace "${prefix}blue" -Name net.ipv4.ip_forward -Value 1
    Get-NetNamespaceAdapter -Namespace "${prefix}red", "${prefix}blue" | Format-Table -AutoSize | Out-String -Width 200 | Out-Host
    Get-NetNamespaceRoute -Namespace "${prefix}red" | Format-Table -AutoSize | Out-String -Width 200 | Out-Host
    Get-NetNamespaceSysctl -Namespace "${prefix}red", "${prefix}blue" | Format-Table -AutoSize | Out-String -Width 200 | Out-Host
    Write-Host "  as ip sees red's routes:"; ip -n "${prefix}red" route | ForEach-Object { "    $_" } | Out-Host

    Write-Host "# Everything we made, as ip sees it" -ForegroundColor Green
    $ours = @(ip netns list | Where-Object { $_ -like "${prefix}*" })
    Write-Host "  ip netns list: $($ours.Count) entries with prefix $prefix"

    Write-Host "`n# Remove them all; -Force stops the process still inside" -ForegroundColor Green
    Get-NetNamespace -Name "${prefix}*" | Remove-NetNamespace -Force
    $left = @(ip netns list | Where-Object { $_ -like "${prefix}*" })
    Write-Host "  left in ip netns list: $($left.Count); sleeper exited: $($sleeper.HasExited -or $null -eq (Get-Process -Id $sleeper.Id -ErrorAction SilentlyContinue))"
    if ($left.Count) { throw "demo left namespaces behind: $left" }
}
finally {
    if ($sleeper -and -not $sleeper.HasExited) { $sleeper.Kill() }
    Get-ChildItem /run/netns -Filter "${prefix}*" -ErrorAction SilentlyContinue | ForEach-Object { ip netns delete $_.Name }
}
