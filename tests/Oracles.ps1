# The independent oracles every Pester file asserts with: iproute2 (ip -j), /proc, /sys, ls -i, nft -j, and real
# sockets (perl, started with `ip netns exec`). Never the module. Dot-sourced by common.ps1; nothing here makes or
# changes anything except the socket listener and client, which live only inside a namespace the test made.

# ---- namespaces: ip netns, /run/netns, /proc/PID/ns/net, nsfs mounts ----------------------------------------------

function Get-IpNetns {
    # `ip -j netns list` -> objects with name and (optional) id
    $json = ip -j netns list 2>$null
    if (-not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Get-IpNetnsNames { @(Get-IpNetns | ForEach-Object name) }

function Get-IpListId([string] $Namespace) {
    # `ip -j netns list-id` as seen from a namespace ('' = the host): objects with nsid and (for named ones) name
    $nsArgs = if ($Namespace) { @('-n', $Namespace) } else { @() }
    $json = ip @nsArgs -j netns list-id 2>$null
    if (-not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Get-IpNetnsPids([string] $Name) { @(ip netns pids $Name 2>$null | Where-Object { $_ } | ForEach-Object { [int]$_ }) }

function Get-IpNetnsIdentify([int] $ProcessId) { @(ip netns identify $ProcessId 2>$null | Where-Object { $_ }) }

function Get-FileInode([string] $Path) { [uint64](stat -L -c %i $Path) }

function Get-ProcNetInode([int] $ProcessId) {
    $t = (Get-Item "/proc/$ProcessId/ns/net" -ErrorAction Stop).LinkTarget
    [uint64]($t -replace '^net:\[(\d+)\]$', '$1')
}

function Test-NsfsMount([string] $Path) {
    [bool](Get-Content /proc/self/mountinfo | Where-Object { $f = $_ -split ' '; $f[4] -eq $Path -and ($f -contains 'nsfs') })
}

function Get-LsInode {
    # name -> inode from `ls -i /run/netns`, names with our prefix only.
    $map = @{}
    foreach ($line in @(ls -1i /run/netns 2>$null)) {
        if ($line -match '^\s*(\d+)\s+(.+)$' -and $Matches[2].StartsWith($script:Prefix, [StringComparison]::Ordinal)) {
            $map[$Matches[2]] = [uint64]$Matches[1]
        }
    }
    $map
}

function Get-NsfsMountPoint {
    # Mount points of nsfs mounts in /proc/self/mountinfo (fstype is the first field after ' - '; octal escapes decoded).
    foreach ($line in [System.IO.File]::ReadAllLines('/proc/self/mountinfo')) {
        $halves = $line -split ' - ', 2
        if (($halves[1] -split ' ')[0] -ne 'nsfs') { continue }
        [regex]::Replace(($halves[0] -split ' ')[4], '\\([0-7]{3})', { param($m) [string][char][Convert]::ToInt32($m.Groups[1].Value, 8) })
    }
}

function Get-MountCount([string] $Path) {
    # How many mounts (any type) are stacked on $Path in this mount namespace.
    @([System.IO.File]::ReadAllLines('/proc/self/mountinfo') | Where-Object { ($_ -split ' ')[4] -ceq $Path }).Count
}

function Get-PrefixState {
    # What exists with our prefix: /run/netns entries, nsfs mounts, `ip netns list` names (sorted, one string each).
    [pscustomobject]@{
        Entries = (@(Get-ChildItem /run/netns -Force -ErrorAction SilentlyContinue | Where-Object { $_.Name.StartsWith($script:Prefix, [StringComparison]::Ordinal) }).Name | Sort-Object) -join ','
        Mounts  = (@(Get-NsfsMountPoint | Where-Object { $_.StartsWith("/run/netns/$script:Prefix", [StringComparison]::Ordinal) }) | Sort-Object) -join ','
        Listed  = (@(Get-IpNetnsNames | Where-Object { $_.StartsWith($script:Prefix, [StringComparison]::Ordinal) }) | Sort-Object) -join ','
    }
}

function Get-TasksInNamespace([uint64] $Inode) {
    # Threads of this process that are in the namespace with this inode (there must never be any afterwards), except
    # the .NET runtime's tiered-compilation worker: code that runs inside (a scriptblock, a launcher) can make the
    # runtime start it, it then inherits the namespace, and it ends by itself after 4 s without JIT work, which in a
    # busy test process can take long. Nothing of ours is named like it (Test-RuntimeThread).
    @(Get-ChildItem /proc/self/task -Directory | Where-Object {
        try { (Get-Item "$($_.FullName)/ns/net" -ErrorAction Stop).LinkTarget -eq "net:[$Inode]" -and -not (Test-RuntimeThread $_.FullName) } catch { $false }
    })
}

function Test-RuntimeThread([string] $TaskDir) {
    # The tiered-compilation worker of the .NET runtime (/proc/self/task/TID/comm is ".NET Tiered Com").
    try { (Get-Content "$TaskDir/comm" -Raw -ErrorAction Stop).TrimEnd() -like '.NET Tiered*' } catch { $false }
}

# ---- links, addresses, routes, neighbours, sysctls: ip -j and /proc/sys ------------------------------------------

function Get-IpLink {
    # `ip -j -d [-n NS] link [show dev NAME]`; '' = host. Nothing when the device does not exist.
    param([string] $Namespace, [string] $Name)
    $nsArgs = if ($Namespace) { @('-n', $Namespace) } else { @() }
    $devArgs = if ($Name) { @('show', 'dev', $Name) } else { @() }
    $json = ip @nsArgs -j -d link @devArgs 2>$null
    if ($LASTEXITCODE -ne 0 -or -not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Get-OLinkNames([string] $Namespace) { @(Get-IpLink $Namespace | ForEach-Object ifname) }

function Get-IpAddr([string] $Namespace) {
    # `ip -j -n NS addr`: one object per link, its addresses in addr_info.
    @(ip -n $Namespace -j addr | ConvertFrom-Json)
}

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

function Get-IpRoute {
    # `ip -j -n NS -4|-6 route show table T`
    param([string] $Namespace, [string] $Family = '-4', [string] $Table = 'main')
    $json = ip -n $Namespace $Family -j route show table $Table 2>$null
    if (-not $json) { return @() }
    @($json | ConvertFrom-Json)
}

# The names the netlink suites were written with (one implementation each).
Set-Alias -Name Get-OLink -Value Get-IpLink
Set-Alias -Name Get-ORoute -Value Get-IpRoute

function ConvertTo-OPrefix($Route, [string] $Family = '-4') {
    # ip's dst ("default", "10.1.2.3", "10.1.0.0/16") as a full prefix.
    if ($Route.dst -eq 'default') { return $(if ($Family -eq '-6') { '::/0' } else { '0.0.0.0/0' }) }
    if ($Route.dst -notmatch '/') { return "$($Route.dst)/$(if ($Family -eq '-6') { 128 } else { 32 })" }
    $Route.dst
}

function Get-ONeigh {
    # `ip -j -n NS neigh show nud all [dev DEV]` (IPv4 and IPv6 neighbour entries).
    param([string] $Namespace, [string] $Device)
    $devArgs = if ($Device) { @('dev', $Device) } else { @() }
    $json = ip -n $Namespace -j neigh show nud all @devArgs 2>$null
    if ($LASTEXITCODE -ne 0 -or -not $json) { return @() }
    @($json | ConvertFrom-Json)
}

function Get-OStats {
    # rtnl_link_stats64 of one device as `ip -s -j link` reports it.
    param([string] $Namespace, [string] $Name)
    (ip -n $Namespace -s -j link show dev $Name | ConvertFrom-Json)[0].stats64
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

# ---- nf_tables ---------------------------------------------------------------------------------------------------

function Get-NftOracle {
    <#
        The nft program the tests read rulesets with (an oracle only: the module never starts nft).
        $env:NETNSPS_TEST_NFT first (CI keeps nft outside every place the module could find it and points here),
        then nft on PATH; $null when there is none, and the tests that need it skip with that reason.
    #>
    if ($env:NETNSPS_TEST_NFT -and (Test-Path $env:NETNSPS_TEST_NFT)) { return $env:NETNSPS_TEST_NFT }
    $c = Get-Command nft -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($c) { $c.Source } else { $null }
}

$script:NoNftReason = 'nft is not installed (Debian package nftables; ./build.ps1 -Task Test installs it when root): it is the ruleset oracle'

# ---- traffic: one TCP/UDP listener and one client, perl sockets inside namespaces ---------------------------------

# The listener binds (and listens, for TCP), prints READY, waits for one peer (alarm: gives up after $secs), sends the
# reply line to a TCP peer, prints the peer's address and exits 0. IO::Socket::IP speaks IPv4 and IPv6.
$script:SocketListenerPerl = @'
use IO::Socket::IP; $| = 1;
my ($addr, $port, $proto, $reply, $secs) = @ARGV;
my $s = IO::Socket::IP->new(LocalHost => $addr, LocalPort => $port, Proto => $proto, ReuseAddr => 1,
    ($proto eq 'tcp' ? (Listen => 1) : ())) or die "listen $addr $port/$proto: $@\n";
print "READY\n";
alarm $secs;
if ($proto eq 'tcp') {
    my $c = $s->accept or die "accept: $!\n";
    print $c "$reply\n" if length $reply;
    print $c->peerhost, "\n";
    close $c;
} else {
    defined $s->recv(my $b, 100) or die "recv: $!\n";
    print $s->peerhost, "\n";
}
'@

# The client connects (TCP: prints the line the listener sent, if any) or sends one datagram (UDP); dies with
# "connect: ..." when it cannot.
$script:SocketClientPerl = @'
use IO::Socket::IP;
my ($addr, $port, $proto, $secs) = @ARGV;
alarm $secs + 2;
my $c = IO::Socket::IP->new(PeerHost => $addr, PeerPort => $port, Proto => $proto, Timeout => $secs)
    or die "connect: $@\n";
if ($proto eq 'udp') { $c->send('hi') or die "send: $!\n" }
else { my $l = <$c>; print $l if defined $l }
'@

function Start-SocketListener {
    <#
        A one-shot perl listener on $Address:$Port inside $Namespace, returned once it is bound (and listening, for
        TCP): it prints READY after bind/listen and this waits for that line, so nothing sleeps or polls. Stop it with
        Stop-SocketListener, or read the peer address it saw with Receive-SocketListener.
    #>
    param([Parameter(Mandatory)] [string] $Namespace, [Parameter(Mandatory)] [string] $Address, [Parameter(Mandatory)] [int] $Port,
        [ValidateSet('tcp', 'udp')] [string] $Protocol = 'tcp', [string] $Reply = '', [int] $TimeoutSeconds = 10, [object] $OnHost)
    # -OnHost: a simulated host (tests/RemoteHosts.ps1): $Namespace is one of ITS namespaces, entered through its sshd's namespaces.
    $command = @(Get-OnHostPrefix $OnHost) + @('ip', 'netns', 'exec', $Namespace, 'perl', '-e', $script:SocketListenerPerl, $Address, "$Port", $Protocol, $Reply, "$TimeoutSeconds")
    $psi = [System.Diagnostics.ProcessStartInfo]::new($command[0])
    foreach ($x in $command | Select-Object -Skip 1) { $psi.ArgumentList.Add($x) }
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
    $p = [System.Diagnostics.Process]::Start($psi)
    $script:StartedProcesses.Add($p)
    $errors = $p.StandardError.ReadToEndAsync()
    $ready = $p.StandardOutput.ReadLineAsync()
    if (-not $ready.Wait(10000) -or $ready.Result -ne 'READY') {
        Stop-TestProcess $p
        throw "listener on $Address $Port/$Protocol in $Namespace did not start: $($ready.Result) $($errors.Result)"
    }
    [pscustomobject]@{ Process = $p; Namespace = $Namespace; Address = $Address; Port = $Port; Protocol = $Protocol; Errors = $errors }
}

function Receive-SocketListener {
    # The address of the peer the listener saw (waits for it to finish); $null when no peer reached it in time.
    param([Parameter(Mandatory)] $Listener, [int] $TimeoutMs = 8000)
    $p = $Listener.Process
    if (-not $p.WaitForExit($TimeoutMs)) { Stop-TestProcess $p; return $null }
    if ($p.ExitCode -ne 0) { return $null }
    "$($p.StandardOutput.ReadToEnd())".Trim()
}

function Test-SocketListenerWaiting {
    # True while no peer has reached the listener (it is still waiting for one).
    param([Parameter(Mandatory)] $Listener)
    -not $Listener.Process.HasExited
}

function Stop-SocketListener([Parameter(Mandatory)] $Listener) { Stop-TestProcess $Listener.Process }

function Invoke-SocketClient {
    <#
        Connects from inside $Namespace to $Address:$Port (TCP) or sends one datagram (UDP). Returns { ExitCode;
        Output }: Output is the line the listener sent (TCP), or the error ("connect: ..."), trimmed.
    #>
    param([Parameter(Mandatory)] [string] $Namespace, [Parameter(Mandatory)] [string] $Address, [Parameter(Mandatory)] [int] $Port,
        [ValidateSet('tcp', 'udp')] [string] $Protocol = 'tcp', [int] $TimeoutSeconds = 3, [object] $OnHost)
    $command = @(Get-OnHostPrefix $OnHost) + @('ip', 'netns', 'exec', $Namespace, 'perl', '-e', $script:SocketClientPerl, $Address, "$Port", $Protocol, "$TimeoutSeconds")
    $rest = @($command | Select-Object -Skip 1)
    $out = & $command[0] @rest 2>&1
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = "$out".Trim() }
}

function Get-OnHostPrefix([object] $OnHost) {
    # The command that runs what follows in a simulated host's mount and network namespaces (none for this machine).
    if ($OnHost) { @('nsenter', '-t', "$($OnHost.Pid)", '-m', '-n', '--') } else { @() }
}

function Test-TcpBetween {
    # Listens on $ServerAddress:$Port in $ServerNamespace, connects from $ClientNamespace; returns what the client read.
    # -ServerHost/-ClientHost: simulated hosts (tests/RemoteHosts.ps1) the namespaces are on (default: this machine).
    param([string] $ServerNamespace, [string] $ServerAddress, [string] $ClientNamespace, [int] $Port, [object] $ServerHost, [object] $ClientHost)
    $l = Start-SocketListener -Namespace $ServerNamespace -Address $ServerAddress -Port $Port -Reply "hello over $Port" -OnHost $ServerHost
    try { (Invoke-SocketClient -Namespace $ClientNamespace -Address $ServerAddress -Port $Port -OnHost $ClientHost).Output }
    finally { Stop-SocketListener $l }
}

# ---- labs at scale: a tree of routers and hosts, for New-NetLab and as ip batch files (issue 18) -------------------

function New-TreeLab {
    <#
        A tree lab of $Count namespaces: a core router r0, R = round(sqrt(Count)) routers rI (I = 1..R) joined to it on
        10.255.I.0/24 (core .1, router .2), and the other Count-1-R hosts hI-J spread over them, each on its own
        10.I.J.0/24 (router .1, host .2). Routes: a host's default via its router, a router's default via the core, the
        core's 10.I.0.0/16 via router I; routers forward. Returns Definition (New-NetLab's format), Hosts ([I, J] pairs)
        and, with -IpPrefix and -Dir, the same lab as ip batch files there: BuildScript (bash: `ip -b` for namespaces
        and veths, `ip -n NS -b` per namespace, `ip netns exec NS sysctl` per router) and TeardownBatch (`ip -b`).
    #>
    param([Parameter(Mandatory)] [ValidateRange(3, 60000)] [int] $Count, [string] $IpPrefix, [string] $Dir)
    $r = [math]::Max(1, [int][math]::Round([math]::Sqrt($Count)))
    $hosts = [System.Collections.Generic.List[int[]]]::new()
    $perRouter = @{}
    for ($k = 0; $k -lt $Count - 1 - $r; $k++) { $i = 1 + $k % $r; $perRouter[$i] = 1 + [int]$perRouter[$i]; $hosts.Add(@($i, $perRouter[$i])) }
    if ($perRouter.Values | Where-Object { $_ -gt 254 }) { throw "New-TreeLab: more than 254 hosts per router at $Count" }
    $ns = [System.Collections.Generic.List[object]]::new()
    $links = [System.Collections.Generic.List[object]]::new()
    $ns.Add(@{ Name = 'r0'; Forwarding = $true; Routes = @(1..$r | ForEach-Object { @{ Destination = "10.$_.0.0/16"; Gateway = "10.255.$_.2" } }) })
    foreach ($i in 1..$r) {
        $ns.Add(@{ Name = "r$i"; Forwarding = $true; Routes = @(@{ Destination = 'default'; Gateway = "10.255.$i.1" }) })
        $links.Add(@{ Endpoints = @(@{ Namespace = 'r0'; Adapter = "r$i"; Address = "10.255.$i.1/24" }, @{ Namespace = "r$i"; Adapter = 'core'; Address = "10.255.$i.2/24" }) })
    }
    foreach ($h in $hosts) {
        $i, $j = $h
        $ns.Add(@{ Name = "h$i-$j"; Routes = @(@{ Destination = 'default'; Gateway = "10.$i.$j.1" }) })
        $links.Add(@{ Endpoints = @(@{ Namespace = "r$i"; Adapter = "h$j"; Address = "10.$i.$j.1/24" }, @{ Namespace = "h$i-$j"; Adapter = 'eth0'; Address = "10.$i.$j.2/24" }) })
    }
    $result = [ordered]@{ Definition = @{ Name = 'tree'; Namespaces = $ns.ToArray(); Links = $links.ToArray() }; Hosts = $hosts.ToArray(); Routers = $r }
    if (-not $Dir) { return [pscustomobject]$result }

    # The same lab with iproute2. `ip -b` lines take no -n: namespaces and veths (each end made directly in its
    # namespace) in batches, then one `ip -n NS -b FILE` per namespace. ip keeps every namespace it names in a batch
    # open, so batches hold 400 lines (under ulimit -n 1024).
    $P = $IpPrefix
    $script = [System.Collections.Generic.List[string]]::new()
    $script.Add('set -e')
    $n = 0
    function Save-Batch([string[]] $Lines, [string] $Name) {
        for ($k = 0; $k -lt $Lines.Count; $k += 400) {
            $f = Join-Path $Dir "$Name-$k.batch"
            Set-Content $f -Value $Lines[$k..([math]::Min($Lines.Count, $k + 400) - 1)]
            $script.Add("ip -b $f")
        }
    }
    Save-Batch @($ns | ForEach-Object { "netns add $P$($_.Name)" }) 'add'
    Save-Batch @($links | ForEach-Object { $a, $b = $_.Endpoints; "link add $($a.Adapter) netns $P$($a.Namespace) type veth peer name $($b.Adapter) netns $P$($b.Namespace)" }) 'veth'
    $per = @{}
    foreach ($x in $ns) { $per[$x.Name] = [System.Collections.Generic.List[string]]::new(); $per[$x.Name].Add('link set lo up') }
    foreach ($l in $links) { foreach ($e in $l.Endpoints) { $per[$e.Namespace].Add("addr add $($e.Address) dev $($e.Adapter)"); $per[$e.Namespace].Add("link set $($e.Adapter) up") } }
    foreach ($x in $ns) {
        foreach ($rt in $x.Routes) { $per[$x.Name].Add("route add $($rt.Destination) via $($rt.Gateway)") }
        $f = Join-Path $Dir "ns-$((++$n)).batch"
        Set-Content $f -Value $per[$x.Name]
        if ($x.Forwarding) { $script.Add("ip netns exec $P$($x.Name) sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1") }
        $script.Add("ip -n $P$($x.Name) -b $f")
    }
    $result.BuildScript = Join-Path $Dir 'build.sh'
    Set-Content $result.BuildScript -Value $script
    $result.TeardownBatch = Join-Path $Dir 'teardown.batch'
    Set-Content $result.TeardownBatch -Value ($ns | ForEach-Object { "netns delete $P$($_.Name)" })
    [pscustomobject]$result
}
