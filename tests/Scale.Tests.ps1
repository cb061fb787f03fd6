#Requires -Modules Pester
<#
    The descriptor bound (issue 18): the cmdlets that take many namespaces hold descriptors for the namespaces they are
    working on at the moment, never one per namespace for the whole invocation. A child pwsh under `ulimit -n 256`
    creates 2,000 namespaces and reads them with every many-namespace cmdlet; counts are checked against `ip netns
    list` and `ls /run/netns` run in the same private mount namespace (a tmpfs on /run/netns: nothing it makes can
    outlive the child, and other tests' namespaces are not counted).
#>

BeforeAll {
    . $PSScriptRoot/common.ps1
    $script:Count = 2000
    $script:Limit = 256
    $body = @'
$ErrorActionPreference = 'Stop'
$p = '__PREFIX__'
$n = __COUNT__
$r = [ordered]@{ limit = [int](sh -c 'ulimit -n') }
function Step([string] $What, [scriptblock] $Do) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    try { $o = @(& $Do); $r[$What] = @{ ok = $true; count = $o.Count; ms = $sw.ElapsedMilliseconds; data = $o } }
    catch { $r[$What] = @{ ok = $false; id = $_.FullyQualifiedErrorId; msg = $_.Exception.Message } }
}
Step 'new' { New-NetNamespace (1..$n | ForEach-Object { "$p$_" }) | ForEach-Object Name }
$r.ipList = @(ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ -like "$p*" }).Count
$r.ls = @(Get-ChildItem /run/netns -Name | Where-Object { $_ -like "$p*" }).Count
$r.linkOracle = @(ip -n "$p$n" -o link show).Count
$r.addrOracle = @(ip -n "$p$n" -o addr show).Count
# veth pairs from a hub to 40 spokes, made with ip: every peer must be resolved (namespace and name) while the
# invocation reads all 2,000 namespaces with few descriptors open
$veths = 40
foreach ($i in 2..($veths + 1)) { ip -n "${p}1" link add "v$i" type veth peer name "s$i" netns "$p$i" }
Step 'peers' {
    Get-NetNamespaceAdapter -Namespace "$p*" | Where-Object Kind -eq 'veth' | ForEach-Object {
        $i = $_.Name.Substring(1)
        $want = if ($_.Namespace -eq "${p}1") { @("$p$i", "s$i") } else { @("${p}1", "v$i") }
        if ($_.PeerNamespace -eq $want[0] -and $_.PeerName -eq $want[1]) { 'ok' } else { "$($_.Namespace)/$($_.Name) -> $($_.PeerNamespace)/$($_.PeerName)" }
    }
}
$r.peerBad = @($r.peers.data | Where-Object { $_ -ne 'ok' })
$r.vethOracle = @(ip -n "${p}1" -o link show type veth).Count * 2
Step 'get' { Get-NetNamespace | Where-Object Name -like "$p*" | ForEach-Object Name }
Step 'getAll' { Get-NetNamespace -All | Where-Object Name -like "$p*" | ForEach-Object Name }
Step 'adapter' { Get-NetNamespaceAdapter -Namespace "$p*" | ForEach-Object { "$($_.Namespace)/$($_.Name)" } }
Step 'adapterAll' { Get-NetNamespaceAdapter -All | Where-Object Namespace -like "$p*" | ForEach-Object { "$($_.Namespace)/$($_.Name)" } }
Step 'address' { Get-NetNamespaceAddress -Namespace "$p*" | ForEach-Object { "$($_.Namespace)/$($_.IPAddress)" } }
Step 'invoke' { Invoke-InNetNamespace "$p*" { 1 } }
# programs in 300 namespaces one after the other: launcher threads stay bounded (they end after an idle second,
# and the least recently used idle ones are ended first when more are needed)
$tasks0 = @(Get-ChildItem /proc/self/task -Name).Count
Step 'program' { Invoke-InNetNamespace (1..300 | ForEach-Object { "$p$_" }) -FilePath /bin/echo -ArgumentList x }
$r.taskGrowth = @(Get-ChildItem /proc/self/task -Name).Count - $tasks0
Step 'remove' { Remove-NetNamespace "$p*" -Confirm:$false }
$r.leftIpList = @(ip netns list | Where-Object { $_ -like "$p*" }).Count
$r.leftLs = @(Get-ChildItem /run/netns -Name | Where-Object { $_ -like "$p*" }).Count
$r.leftMounts = @(Get-Content /proc/self/mountinfo | Where-Object { $_ -like "*/run/netns/$p*" }).Count
# only counts leave the child (not the 2,000 names of each step)
foreach ($k in @($r.Keys)) { if ($r[$k] -is [hashtable]) { $r[$k].Remove('data') } }
'JSON:' + ($r | ConvertTo-Json -Compress -Depth 4)
'@
    $body = $body.Replace('__PREFIX__', $script:Prefix).Replace('__COUNT__', "$script:Count")
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $script:Child = Invoke-ChildPwsh -Script $body -PrivateRunDir -Setup "ulimit -n $script:Limit"
    $script:Seconds = $sw.Elapsed.TotalSeconds
    $script:R = $script:Child.Json
}

AfterAll {
    # The namespaces lived on the child's private /run/netns tmpfs (gone with its mount namespace); anything else with our prefix:
    Remove-TestLeftovers
}

Describe 'Every many-namespace cmdlet at 2,000 namespaces under ulimit -n 256' {
    It 'the child ran under the low limit and reported' {
        $script:R | Should -Not -BeNullOrEmpty -Because ($script:Child.Output -join "`n")
        $script:R.limit | Should -Be $script:Limit
    }

    It 'New-NetNamespace creates all of them (ip netns list and ls /run/netns agree)' {
        $script:R.new.ok | Should -BeTrue -Because $script:R.new.msg
        $script:R.new.count | Should -Be $script:Count
        $script:R.ipList | Should -Be $script:Count
        $script:R.ls | Should -Be $script:Count
    }

    It '<Step> succeeds with one result per namespace' -ForEach @(
        @{ Step = 'get' }, @{ Step = 'getAll' }, @{ Step = 'adapter' }, @{ Step = 'adapterAll' }, @{ Step = 'invoke' }
    ) {
        $s = $script:R.$Step
        $s.ok | Should -BeTrue -Because "$($s.id): $($s.msg)"
        # a new namespace has the adapters ip shows in one of them (lo); Invoke writes one 1 per namespace
        $perNs = if ($Step -like 'adapter*') { $script:R.linkOracle } else { 1 }
        $script:R.linkOracle | Should -Be 1
        $extra = if ($Step -like 'adapter*') { $script:R.vethOracle } else { 0 }
        $s.count | Should -Be ($script:R.ls * $perNs + $extra)
    }

    It 'veth peers are resolved (namespace and name) for every veth ip shows' {
        $script:R.peers.ok | Should -BeTrue -Because "$($script:R.peers.id): $($script:R.peers.msg)"
        $script:R.vethOracle | Should -Be 80
        $script:R.peers.count | Should -Be $script:R.vethOracle
        $script:R.peerBad | Should -BeNullOrEmpty
    }

    It 'programs run in 300 namespaces in a row with a bounded number of launcher threads' {
        $script:R.program.ok | Should -BeTrue -Because "$($script:R.program.id): $($script:R.program.msg)"
        $script:R.program.count | Should -Be 300
        # /proc/self/task, counted right after: at most MaxLaunchers (16) launchers, plus the runtime's own
        $script:R.taskGrowth | Should -BeLessThan 40
    }

    It 'Get-NetNamespaceAddress reads every namespace (as many addresses as ip shows in one of them, times the count)' {
        $script:R.address.ok | Should -BeTrue -Because "$($script:R.address.id): $($script:R.address.msg)"
        $script:R.address.count | Should -Be ($script:R.ls * $script:R.addrOracle)
    }

    It 'Remove-NetNamespace removes all of them, no entry and no mount left' {
        $script:R.remove.ok | Should -BeTrue -Because "$($script:R.remove.id): $($script:R.remove.msg)"
        $script:R.leftIpList | Should -Be 0
        $script:R.leftLs | Should -Be 0
        $script:R.leftMounts | Should -Be 0
    }

    It 'the whole run takes well under a minute' {
        $script:Seconds | Should -BeLessThan 50
    }
}

Describe 'The kernel''s namespace limit (user.max_net_namespaces)' {
    BeforeAll {
        # A user namespace of its own with the limit lowered to 3 (the host's user.max_net_namespaces is never touched),
        # on a private tmpfs /run/netns.
        $limitBody = @'
$p = '__PREFIX__lim'
$made = @(New-NetNamespace (1..5 | ForEach-Object { "$p$_" }) -ErrorAction SilentlyContinue -ErrorVariable errs | ForEach-Object Name)
$r = [ordered]@{
    max = (Get-Content /proc/sys/user/max_net_namespaces)
    made = $made
    ids = @($errs | ForEach-Object { $_.FullyQualifiedErrorId })
    cats = @($errs | ForEach-Object { "$($_.CategoryInfo.Category)" })
    msg = "$($errs | Select-Object -First 1)"
    ls = @(Get-ChildItem /run/netns -Name | Where-Object { $_ -like "$p*" })
    ip = @(ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ -like "$p*" })
    mounts = @(Get-Content /proc/self/mountinfo | Where-Object { $_ -like "*/run/netns/$p*" }).Count
}
'JSON:' + ($r | ConvertTo-Json -Compress -Depth 4)
'@
        $wrapper = @('unshare', '--user', '--map-root-user', '--net', '--mount', 'sh', '-c', '''echo 3 > /proc/sys/user/max_net_namespaces && exec "$@"''', 'sh')
        $script:HostMax = Get-Content /proc/sys/user/max_net_namespaces
        $script:Lim = Invoke-ChildPwsh -Script $limitBody.Replace('__PREFIX__', $script:Prefix) -PrivateRunDir -Wrapper $wrapper
        $script:L = $script:Lim.Json
    }

    It 'creates what the limit allows, refuses the rest with NamespaceLimitReached, and leaves nothing of the refused names' {
        $script:L | Should -Not -BeNullOrEmpty -Because ($script:Lim.Output -join "`n")
        $script:L.max | Should -Be 3
        @($script:L.made).Count | Should -BeGreaterThan 0
        @($script:L.ids).Count | Should -Be (5 - @($script:L.made).Count)
        $script:L.ids | ForEach-Object { $_ | Should -BeExactly 'NamespaceLimitReached,NetnsPS.Commands.NewNetNamespaceCommand' }
        $script:L.cats | ForEach-Object { $_ | Should -BeExactly 'LimitsExceeded' }
        $script:L.msg | Should -Match 'user\.max_net_namespaces = 3'
        $script:L.msg | Should -Match 'errno 28 ENOSPC'
        # the oracles: exactly the names made are entries, in ip's list and mounts; no placeholder for the others
        @($script:L.ls | Sort-Object) | Should -Be @($script:L.made | Sort-Object)
        @($script:L.ip | Sort-Object) | Should -Be @($script:L.made | Sort-Object)
        $script:L.mounts | Should -Be @($script:L.made).Count
    }

    It 'the host''s user.max_net_namespaces is untouched' {
        Get-Content /proc/sys/user/max_net_namespaces | Should -Be $script:HostMax
    }
}
