<#
.SYNOPSIS
    The README's main job: a real tour of NetnsPS on this machine (run as root). Cleans up after itself.
    Part 1 builds seed 004's lab (examples/seed004.lab.psd1: client -- router with NAT -- an "outside" namespace),
    shows its topology, proves connectivity and NAT, and tears it down. Part 2 tours the lifecycle cmdlets.
#>
$ErrorActionPreference = 'Stop'
$prefix = "demo-$([guid]::NewGuid().ToString('N').Substring(0, 6))-"
$sleeper = $null
$lab = $null
$root = Split-Path $PSScriptRoot
try {
    Write-Host "`n# Part 1: seed 004's lab from one definition (examples/seed004.lab.psd1)" -ForegroundColor Green
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $lab = New-NetLab -Definition (Join-Path $root 'examples/seed004.lab.psd1') -Prefix "${prefix}s4-"
    Write-Host ("  built in {0} ms" -f $sw.ElapsedMilliseconds)
    $lab | Format-List | Out-String -Width 200 | Out-Host

    Write-Host "# Its topology: adapters of the lab's namespaces, veth peers resolved across namespaces" -ForegroundColor Green
    $adapters = Get-NetNamespaceAdapter -Namespace $lab.Namespaces
    $adapters | Format-Table -AutoSize | Out-String -Width 200 | Out-Host
    if (Get-Command ConvertTo-NetNamespaceGraph -ErrorAction SilentlyContinue) {
        Write-Host "# The same as a Mermaid diagram (paste into Markdown)" -ForegroundColor Green
        $adapters | ConvertTo-NetNamespaceGraph -Format Mermaid | Out-Host
    }

    $client = $lab.NamespaceOf('client'); $outside = $lab.NamespaceOf('outside')
    Write-Host "`n# Connectivity: ICMP from a raw socket inside $client to the outside address" -ForegroundColor Green
    Test-NetNamespaceConnection -Namespace $client -Target 198.51.100.2 -Count 3 -Delay 0.1 | Format-Table -AutoSize | Out-String -Width 200 | Out-Host

    Write-Host "# TCP to a listener in ${outside}: the outside sees the router, not the client (NAT)" -ForegroundColor Green
    $listener = New-NetNamespaceSocket -Namespace $outside
    try {
        $listener.Bind([System.Net.IPEndPoint]::new([ipaddress]'198.51.100.2', 8080)); $listener.Listen()
        $r = Test-NetNamespaceConnection -Namespace $client -Target 198.51.100.2 -Port 8080
        $accepted = $listener.Accept()
        Write-Host ("  client connected from {0}; the outside saw {1}" -f $r.Source, $accepted.RemoteEndPoint.Address)
        if ($r.Status -ne 'Success' -or "$($accepted.RemoteEndPoint.Address)" -ne '198.51.100.1') { throw 'NAT check failed' }
        $accepted.Dispose()
    }
    finally { $listener.Dispose() }
    Write-Host "  the router's NAT rule (nf_tables, read over netlink inside $($lab.NamespaceOf('router'))), with what it translated:"
    Get-NetNamespaceNat -Namespace $lab.NamespaceOf('router') | Format-Table -AutoSize | Out-String -Width 200 | ForEach-Object { $_.TrimEnd() -split "`n" } | ForEach-Object { "    $_" } | Out-Host

    Write-Host "`n# Tear the lab down" -ForegroundColor Green
    $lab | Remove-NetLab -Confirm:$false
    $left = @(ip netns list | Where-Object { $_ -like "${prefix}s4-*" }) + @(Get-NetLab -Prefix "${prefix}s4-" -ErrorAction SilentlyContinue)
    Write-Host "  left behind: $($left.Count) namespaces or lab records"
    if ($left.Count) { throw "the lab left things behind: $left" }
    $lab = $null

    Write-Host "`n# Part 2: namespace lifecycle" -ForegroundColor Green
    Write-Host "# Create two namespaces (ip netns add)" -ForegroundColor Green
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
    if ($lab) { $lab | Remove-NetLab -Force -Confirm:$false }
    if ($sleeper -and -not $sleeper.HasExited) { $sleeper.Kill() }
    Get-ChildItem /run/netns -Filter "${prefix}*" -ErrorAction SilentlyContinue | ForEach-Object { ip netns delete $_.Name }
}
$left = @(ip netns list | Where-Object { $_ -like "${prefix}*" })
Write-Host "`nDemo done; namespaces left with prefix ${prefix}: $($left.Count)" -ForegroundColor Green
