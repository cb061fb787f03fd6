# Shared by every Pester file: imports the built module, gives a unique prefix, and offers independent oracles.
Import-Module $env:NETNSPS_MODULE_PATH -Force

# Unique per file run, so parallel or leftover runs never collide with ours.
$script:Prefix = "nnpt$([guid]::NewGuid().ToString('N').Substring(0, 6))-"

function Get-IpNetns {
    # `ip -j netns list` -> objects with name and (optional) id
    $json = ip -j netns list 2>$null
    if (-not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Get-IpNetnsNames { @(Get-IpNetns | ForEach-Object name) }

function Get-FileInode([string] $Path) { [uint64](stat -L -c %i $Path) }

function Test-NsfsMount([string] $Path) {
    [bool](Get-Content /proc/self/mountinfo | Where-Object { $f = $_ -split ' '; $f[4] -eq $Path -and ($f -contains 'nsfs') })
}

function Get-ProcNetInode([int] $ProcessId) {
    $t = (Get-Item "/proc/$ProcessId/ns/net" -ErrorAction Stop).LinkTarget
    [uint64]($t -replace '^net:\[(\d+)\]$', '$1')
}

function Start-InNamespace([string] $Name, [int] $Seconds = 60) {
    # A sleep inside a named namespace, started by the independent tool.
    $p = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $Name, 'sleep', "$Seconds" -PassThru
    $deadline = [DateTime]::UtcNow.AddSeconds(5)
    $target = Get-FileInode "/run/netns/$Name"
    while ([DateTime]::UtcNow -lt $deadline) {
        try { if ((Get-ProcNetInode $p.Id) -eq $target) { return $p } } catch { }
        Start-Sleep -Milliseconds 10
    }
    throw "process did not enter $Name"
}

function Start-InNewNamespace([int] $Seconds = 60) {
    # A sleep in a fresh unnamed namespace.
    $p = Start-Process -FilePath unshare -ArgumentList '--net', 'sleep', "$Seconds" -PassThru
    $hostIno = Get-ProcNetInode $PID
    $deadline = [DateTime]::UtcNow.AddSeconds(5)
    while ([DateTime]::UtcNow -lt $deadline) {
        try { if ((Get-ProcNetInode $p.Id) -ne $hostIno) { return $p } } catch { }
        Start-Sleep -Milliseconds 10
    }
    throw 'unshare child did not get its own namespace'
}

function Remove-TestLeftovers {
    # Everything with our prefix, removed with the independent tool.
    Get-ChildItem /run/netns -Filter "$script:Prefix*" -ErrorAction SilentlyContinue | ForEach-Object {
        ip netns pids $_.Name 2>$null | ForEach-Object { kill -9 $_ 2>$null }
        ip netns delete $_.Name 2>$null
        if (Test-Path $_.FullName) { Remove-Item $_.FullName -Force }
    }
    Get-ChildItem /etc/netns -Filter "$script:Prefix*" -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
    ip -o link show | ForEach-Object { ($_ -split ': ')[1] -replace '@.*' } | Where-Object { $_ -like "$script:Prefix*" } |
        ForEach-Object { ip link delete $_ 2>$null }
}

function Assert-NoLeftovers {
    $left = @(Get-ChildItem /run/netns -Filter "$script:Prefix*" -ErrorAction SilentlyContinue)
    if ($left) { throw "entries with prefix $script:Prefix exist already: $($left.Name -join ', ')" }
}

function Get-IpLink([string] $Namespace, [string] $Name) {
    # `ip -j -d link` of one namespace ('' = host), optionally one device
    $nsArgs = if ($Namespace) { @('-n', $Namespace) } else { @() }
    $devArgs = if ($Name) { @('show', 'dev', $Name) } else { @() }
    $json = ip @nsArgs -j -d link @devArgs 2>$null
    if (-not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Get-IpAddr([string] $Namespace) {
    @(ip -n $Namespace -j addr | ConvertFrom-Json)
}

function Get-IpRoute([string] $Namespace, [string] $Family = '-4', [string] $Table = 'main') {
    $json = ip -n $Namespace $Family -j route show table $Table
    if (-not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Get-TasksInNamespace([uint64] $Inode) {
    # Threads of this process that are in the namespace with this inode (there must never be any afterwards).
    @(Get-ChildItem /proc/self/task -Directory | Where-Object {
        try { (Get-Item "$($_.FullName)/ns/net" -ErrorAction Stop).LinkTarget -eq "net:[$Inode]" } catch { $false }
    })
}
