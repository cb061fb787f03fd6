# Helpers of the adapter / veth / move / address / route / sysctl / lab tests. Dot-source it in BeforeAll.
# Everything these tests make is named with one unique tag per file run:
#   namespaces            $NsPrefix<suffix>   ("nnpa1a2b3c-<suffix>")
#   adapters in the host  $HostPrefix<suffix> ("nh1a2b3c<suffix>", at most 15 bytes) - the only host objects we touch.
# The oracle is iproute2 (ip -j) and /proc/sys read inside the namespace with ip netns exec, never the module.
Import-Module $env:NETNSPS_MODULE_PATH -Force

$script:Tag = [guid]::NewGuid().ToString('N').Substring(0, 6)
$script:NsPrefix = "nnpa$script:Tag-"
$script:HostPrefix = "nh$script:Tag"

function Get-NsName([string] $Suffix) { "$script:NsPrefix$Suffix" }

function New-TestNamespace {
    # Creates our namespaces with the module and checks with ip that they exist; returns their names.
    param([Parameter(Mandatory)] [string[]] $Suffix)
    $names = $Suffix | ForEach-Object { Get-NsName $_ }
    New-NetNamespace -Name $names -ErrorAction Stop | Out-Null
    $listed = Get-IpNetnsNames
    foreach ($n in $names) { if ($listed -notcontains $n) { throw "namespace $n was not created" } }
    $names
}

function Get-IpNetnsNames {
    $json = ip -j netns list 2>$null
    if (-not $json) { return @() }
    @($json | ConvertFrom-Json | ForEach-Object name)
}

function Invoke-Ip {
    # ip [-n NS] ARGS, throwing on failure (fixtures are built with the independent tool).
    param([string] $Namespace, [Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    $nsArgs = if ($Namespace) { @('-n', $Namespace) } else { @() }
    $out = & ip @nsArgs @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ip $($nsArgs + $Arguments -join ' ') failed: $out" }
    $out
}

function Get-OLink {
    # `ip -j -d [-n NS] link [show dev NAME]`; '' = host. Nothing when the device does not exist.
    param([string] $Namespace, [string] $Name)
    $nsArgs = if ($Namespace) { @('-n', $Namespace) } else { @() }
    $devArgs = if ($Name) { @('show', 'dev', $Name) } else { @() }
    $json = ip @nsArgs -j -d link @devArgs 2>$null
    if ($LASTEXITCODE -ne 0 -or -not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Get-OLinkNames([string] $Namespace) { @(Get-OLink $Namespace | ForEach-Object ifname) }

function Get-OAddr {
    # `ip -j [-n NS] [-4|-6] addr [show dev NAME]` -> one object per address with ifname, ifindex added.
    param([string] $Namespace, [string] $Name, [ValidateSet('', '-4', '-6')] [string] $Family = '')
    $a = @(); if ($Namespace) { $a += '-n', $Namespace }; if ($Family) { $a += $Family }
    $a += '-j', 'addr'
    if ($Name) { $a += 'show', 'dev', $Name }
    $json = ip @a 2>$null
    if ($LASTEXITCODE -ne 0 -or -not $json) { return @() }
    @($json | ConvertFrom-Json | ForEach-Object {
            $l = $_
            $l.addr_info | Where-Object { $_.PSObject.Properties['local'] } | ForEach-Object {
                $_ | Add-Member -NotePropertyName ifname -NotePropertyValue $l.ifname -PassThru |
                    Add-Member -NotePropertyName ifindex -NotePropertyValue $l.ifindex -PassThru
            }
        })
}

function Get-ORoute {
    # `ip -j -n NS -4|-6 route show table T`
    param([string] $Namespace, [string] $Family = '-4', [string] $Table = 'main')
    $json = ip -n $Namespace $Family -j route show table $Table 2>$null
    if (-not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function ConvertTo-OPrefix($Route, [string] $Family = '-4') {
    # ip's dst ("default", "10.1.2.3", "10.1.0.0/16") as a full prefix.
    if ($Route.dst -eq 'default') { return $(if ($Family -eq '-6') { '::/0' } else { '0.0.0.0/0' }) }
    if ($Route.dst -notmatch '/') { return "$($Route.dst)/$(if ($Family -eq '-6') { 128 } else { 32 })" }
    $Route.dst
}

function Get-OSysctl {
    # The value of a net.* sysctl read inside the namespace by cat (a '/' in a name part stands for a '.').
    param([Parameter(Mandatory)] [string] $Namespace, [Parameter(Mandatory)] [string] $Name)
    $path = '/proc/sys/' + (($Name -split '\.' | ForEach-Object { $_ -replace '/', '.' }) -join '/')
    $v = ip netns exec $Namespace cat $path 2>$null
    if ($LASTEXITCODE -ne 0) { throw "cannot read $path in $Namespace" }
    "$v".TrimEnd()
}

function Get-HostSysctl([string] $Path) { (Get-Content $Path -Raw).TrimEnd() }

function Start-SleepInNamespace {
    # `ip netns exec NS sleep N`, returned once the process is inside the namespace.
    param([Parameter(Mandatory)] [string] $Namespace, [int] $Seconds = 60)
    $p = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $Namespace, 'sleep', "$Seconds" -PassThru
    $want = "net:[$(stat -L -c %i "/run/netns/$Namespace")]"
    $deadline = [DateTime]::UtcNow.AddSeconds(5)
    while ([DateTime]::UtcNow -lt $deadline) {
        try { if ((Get-Item "/proc/$($p.Id)/ns/net" -ErrorAction Stop).LinkTarget -eq $want) { return $p } } catch { }
        Start-Sleep -Milliseconds 10
    }
    if (-not $p.HasExited) { $p.Kill() }
    throw "sleep did not enter $Namespace"
}

function Stop-TestProcess($Process) {
    if ($Process -and -not $Process.HasExited) { try { $Process.Kill($true) } catch { } }
    if ($Process) { $Process.WaitForExit(5000) | Out-Null }
}

function Get-OurHostLinks { @(Get-OLinkNames '' | Where-Object { $_.StartsWith($script:HostPrefix, [StringComparison]::Ordinal) }) }

function Remove-OurHostLink([string] $Name) {
    if (-not $Name.StartsWith($script:HostPrefix, [StringComparison]::Ordinal)) { throw "refusing to delete host adapter '$Name' (not ours)" }
    ip link delete dev $Name 2>$null
}

function Remove-NetlinkTestLeftovers {
    # Our namespaces: the module first, then ip netns delete (killing what still runs in them); then our host adapters.
    $ours = @(Get-IpNetnsNames | Where-Object { $_.StartsWith($script:NsPrefix, [StringComparison]::Ordinal) })
    foreach ($n in $ours) { ip netns pids $n 2>$null | ForEach-Object { kill -9 $_ 2>$null } }
    if ($ours) { Remove-NetNamespace -Name $ours -Force -Confirm:$false -ErrorAction SilentlyContinue -WarningAction SilentlyContinue }
    foreach ($n in Get-IpNetnsNames | Where-Object { $_.StartsWith($script:NsPrefix, [StringComparison]::Ordinal) }) { ip netns delete $n 2>$null }
    Get-ChildItem /run/netns -Filter "$script:NsPrefix*" -ErrorAction SilentlyContinue | ForEach-Object {
        umount $_.FullName 2>$null; Remove-Item $_.FullName -Force -ErrorAction SilentlyContinue
    }
    foreach ($l in Get-OurHostLinks) { Remove-OurHostLink $l }
}

function Assert-NetlinkNoLeftovers {
    $ns = @(Get-IpNetnsNames | Where-Object { $_.StartsWith($script:NsPrefix, [StringComparison]::Ordinal) })
    $links = Get-OurHostLinks
    if ($ns -or $links) { throw "left over: $($ns + $links -join ', ')" }
}

function Get-ErrorIds($ErrorRecords) { @($ErrorRecords | ForEach-Object FullyQualifiedErrorId) }

function Get-ErrorId {
    # FullyQualifiedErrorId of the first error the script block throws (use -ErrorAction Stop inside), $null when none.
    param([Parameter(Mandatory)] [scriptblock] $Script)
    try { $null = & $Script; $null } catch { $_.FullyQualifiedErrorId }
}

function Wait-Until {
    # Polls a condition (e.g. an operstate settling after linkwatch) for up to $Seconds.
    param([Parameter(Mandatory)] [scriptblock] $Condition, [double] $Seconds = 5, [string] $What = 'condition')
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "timed out waiting for $What" }
        Start-Sleep -Milliseconds 20
    }
}
