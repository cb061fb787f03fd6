# Get-, Set- and Remove-NetNamespaceAdapter against the oracle `ip -j -d -n NS link` / `ip -j addr`.
# Fixtures are built with ip (not with the module) in namespaces of our own; the only host object is one veth end
# named $HostPrefix*, removed in AfterAll.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:A, $script:B, $script:C, $script:D, $script:E = New-TestNamespace a, b, c, d, e
    $script:HostEnd = "${HostPrefix}h"

    # A: va0 (peer vb0 in B), s0/s1 (pair inside A), ifb7 enslaved to br0, hp0 (peer in the host), lo up
    Invoke-Ip $A link add va0 type veth peer name vb0 netns $B
    Invoke-Ip $A link add s0 type veth peer name s1
    Invoke-Ip $A link add ifb7 type ifb
    Invoke-Ip $A link add br0 type bridge
    Invoke-Ip '' link add $HostEnd type veth peer name hp0 netns $A
    # no IPv6 link-local addresses appearing asynchronously while we compare
    foreach ($n in 's0', 's1', 'va0', 'br0', 'ifb7') { Invoke-Ip $A link set $n addrgenmode none }
    Invoke-Ip $A link set s1 address 02:aa:bb:cc:dd:07
    Invoke-Ip $A link set ifb7 master br0
    Invoke-Ip $B link set vb0 mtu 1400
    foreach ($n in 'lo', 'va0', 's0', 's1') { Invoke-Ip $A link set $n up }
    Invoke-Ip $A addr add 10.50.0.1/24 dev va0
    Invoke-Ip $A addr add 10.50.1.1/16 dev va0
    Invoke-Ip $A addr add fd00:50::1/64 dev va0 nodad
    Invoke-Ip $A addr add 192.168.50.9/32 dev s0
    # s0/s1 have carrier: wait for linkwatch to settle their operstate
    Wait-Until { (Get-OLink $A s0).operstate -eq 'UP' -and (Get-OLink $A s1).operstate -eq 'UP' } -What 'operstate of s0/s1'

    function Resolve-Ns([string] $Token) { if ($Token -eq 'host') { '' } else { Get-NsName $Token } }
    function Resolve-Adapter([string] $Token) { if ($Token -eq 'HOSTEND') { $HostEnd } else { $Token } }

    function ConvertTo-IpLinkFlags($Flags) {
        # NetAdapterFlags names -> the IFF_* names `ip -j link` lists in "flags" (ip leaves RUNNING out), sorted
        $ipName = @{ Up = 'UP'; Broadcast = 'BROADCAST'; Debug = 'DEBUG'; Loopback = 'LOOPBACK'; PointToPoint = 'POINTOPOINT'; NoTrailers = 'NOTRAILERS'
            NoArp = 'NOARP'; Promiscuous = 'PROMISC'; AllMulticast = 'ALLMULTI'; Master = 'MASTER'; Slave = 'SLAVE'; Multicast = 'MULTICAST'
            PortSelect = 'PORTSEL'; AutoMedia = 'AUTOMEDIA'; Dynamic = 'DYNAMIC'; LowerUp = 'LOWER_UP'; Dormant = 'DORMANT'; Echo = 'ECHO' }
        @("$Flags" -split ', ' | Where-Object { $_ -and $_ -notin 'None', 'Running' } | ForEach-Object { $ipName[$_] } | Sort-Object)
    }

    function Assert-LikeIp($Object, [string] $Namespace) {
        # Every field of one adapter object against ip -j -d link and ip -j addr of its namespace.
        $ip = Get-OLink $Namespace $Object.Name
        $ip | Should -HaveCount 1 -Because "ip knows $($Object.Name) in '$Namespace'"
        $Object.Namespace | Should -BeExactly $Namespace
        $Object.InterfaceIndex | Should -Be $ip.ifindex
        $Object.Name | Should -BeExactly $ip.ifname
        $kind = if ($ip.PSObject.Properties['linkinfo']) { $ip.linkinfo.info_kind } elseif ($ip.link_type -eq 'loopback') { 'loopback' } else { 'physical' }
        $Object.Kind | Should -BeExactly $kind
        $Object.State | Should -BeExactly $(if ($ip.flags -contains 'UP') { 'Up' } else { 'Down' })
        "$($Object.OperationalStatus)".ToUpperInvariant() | Should -BeExactly $ip.operstate
        $Object.Mtu | Should -Be $ip.mtu
        $Object.MacAddress | Should -BeExactly $ip.address
        $Object.Flags | Should -BeOfType ([NetnsPS.NetAdapterFlags])
        ConvertTo-IpLinkFlags $Object.Flags | Should -Be @($ip.flags | Where-Object { $_ -notin 'NO-CARRIER', 'M-DOWN' } | Sort-Object) -Because "ip -j link shows flags $($ip.flags -join ',') for $($Object.Name)"
        ($ip.flags -contains 'NO-CARRIER') | Should -Be ($Object.Flags.HasFlag([NetnsPS.NetAdapterFlags]::Up) -and -not $Object.Flags.HasFlag([NetnsPS.NetAdapterFlags]::Running)) -Because 'ip shows NO-CARRIER for UP without RUNNING'
        $addrs = @(Get-OAddr $Namespace $Object.Name | ForEach-Object { "$($_.local)/$($_.prefixlen)" }) | Sort-Object
        (@($Object.IPAddress) | Sort-Object) -join ',' | Should -BeExactly ($addrs -join ',')
        if ($ip.PSObject.Properties['master']) {
            $Object.MasterIndex | Should -Be (Get-OLink $Namespace $ip.master).ifindex
        }
        else { $Object.MasterIndex | Should -BeNullOrEmpty }
        if ($kind -ne 'veth') {
            $Object.PeerName | Should -BeNullOrEmpty
            $Object.PeerNamespace | Should -BeNullOrEmpty
            $Object.PeerIndex | Should -BeNullOrEmpty
        }
    }
}

AfterAll {
    Remove-TestLeftovers
    Assert-NoLeftovers
}

Describe 'Netlink: Get-NetNamespaceAdapter' {
    It 'reports <Name> (<Kind>) exactly as ip -j -d link and ip -j addr do' -ForEach @(
        @{ Name = 'lo'; Kind = 'loopback' }
        @{ Name = 'va0'; Kind = 'veth' }
        @{ Name = 's0'; Kind = 'veth' }
        @{ Name = 's1'; Kind = 'veth' }
        @{ Name = 'ifb7'; Kind = 'ifb' }
        @{ Name = 'br0'; Kind = 'bridge' }
        @{ Name = 'hp0'; Kind = 'veth' }
    ) {
        $o = Get-NetNamespaceAdapter -Namespace $A -Name $Name -ErrorAction Stop
        $o | Should -HaveCount 1
        $o | Should -BeOfType ([NetnsPS.NetNamespaceAdapter])
        $o.Kind | Should -BeExactly $Kind
        Assert-LikeIp $o $A
    }

    It 'shows Flags by name (Up, Broadcast, Multicast, LowerUp), usable as flags and as the kernel''s number' {
        $o = Get-NetNamespaceAdapter -Namespace $A -Name s0
        $ip = Get-OLink $A s0
        $o.Flags | Should -BeOfType ([NetnsPS.NetAdapterFlags])
        "$($o.Flags)" | Should -BeExactly 'Up, Broadcast, Running, Multicast, LowerUp'
        @($ip.flags | Sort-Object) | Should -Be @('BROADCAST', 'LOWER_UP', 'MULTICAST', 'UP')
        $o.Flags.HasFlag([NetnsPS.NetAdapterFlags]'Up') | Should -BeTrue
        $o.Flags.HasFlag([NetnsPS.NetAdapterFlags]'Loopback') | Should -BeFalse
        ($o.Flags -band 'LowerUp') | Should -Be ([NetnsPS.NetAdapterFlags]::LowerUp)
        [uint]$o.Flags | Should -Be (0x1 -bor 0x2 -bor 0x40 -bor 0x1000 -bor 0x10000) -Because 'IFF_UP|IFF_BROADCAST|IFF_RUNNING|IFF_MULTICAST|IFF_LOWER_UP'
        $o.Flags -eq 69699 | Should -BeTrue -Because 'an enum compares equal to its number'
        ($o | Format-List Flags | Out-String) | Should -Match 'Flags\s*:\s*Up, Broadcast, Running, Multicast, LowerUp'
        $lo = Get-NetNamespaceAdapter -Namespace $A -Name lo
        "$($lo.Flags)" | Should -BeExactly 'Up, Loopback, Running, LowerUp'
        $down = Get-NetNamespaceAdapter -Namespace $A -Name ifb7
        $down.Flags.HasFlag([NetnsPS.NetAdapterFlags]::Up) | Should -BeFalse
        ConvertTo-IpLinkFlags $down.Flags | Should -Be @((Get-OLink $A ifb7).flags | Sort-Object)
    }

    It 'reports the addresses (IPv4 and IPv6) with their prefix lengths' {
        $o = Get-NetNamespaceAdapter -Namespace $A -Name va0
        $o.IPAddress | Should -Contain '10.50.0.1/24'
        $o.IPAddress | Should -Contain '10.50.1.1/16'
        $o.IPAddress | Should -Contain 'fd00:50::1/64'
        (Get-NetNamespaceAdapter -Namespace $A -Name lo).IPAddress | Should -Contain '127.0.0.1/8'
    }

    It 'lists every adapter of a namespace, as ip does' {
        $all = Get-NetNamespaceAdapter -Namespace $A
        ($all.Name | Sort-Object) -join ',' | Should -BeExactly ((Get-OLinkNames $A | Sort-Object) -join ',')
        foreach ($o in $all) { Assert-LikeIp $o $A }
    }

    It 'resolves the veth peer of <Name> in <Ns>: <Peer> in <PeerNs>' -ForEach @(
        @{ Ns = 'a'; Name = 'va0'; PeerNs = 'b'; Peer = 'vb0' }                # peer in another namespace of ours
        @{ Ns = 'b'; Name = 'vb0'; PeerNs = 'a'; Peer = 'va0' }
        @{ Ns = 'a'; Name = 's0'; PeerNs = 'a'; Peer = 's1' }                  # peer in the same namespace
        @{ Ns = 'a'; Name = 's1'; PeerNs = 'a'; Peer = 's0' }
        @{ Ns = 'a'; Name = 'hp0'; PeerNs = 'host'; Peer = 'HOSTEND' }         # peer in the host
        @{ Ns = 'host'; Name = 'HOSTEND'; PeerNs = 'a'; Peer = 'hp0' }         # host end, peer in a namespace
    ) {
        $ns = Resolve-Ns $Ns; $name = Resolve-Adapter $Name
        $peerNs = Resolve-Ns $PeerNs; $peer = Resolve-Adapter $Peer
        $o = Get-NetNamespaceAdapter -Namespace $ns -Name $name -ErrorAction Stop
        $o | Should -HaveCount 1
        $o.Namespace | Should -BeExactly $ns
        $o.PeerName | Should -BeExactly $peer
        $o.PeerNamespace | Should -BeExactly $peerNs
        $null -eq $o.PeerNamespace | Should -BeFalse -Because 'null would mean an unnamed namespace'
        $ip = Get-OLink $ns $name
        $ipPeer = Get-OLink $peerNs $peer
        $o.PeerIndex | Should -Be $ipPeer.ifindex
        if ($ns -eq $peerNs) {
            $ip.link | Should -BeExactly $peer -Because 'ip names a peer in the same namespace'
            $o.PeerNamespaceId | Should -BeNullOrEmpty
        }
        else {
            $ip.link_index | Should -Be $ipPeer.ifindex -Because 'ip gives the index of a peer elsewhere'
            $o.PeerNamespaceId | Should -Be $ip.link_netnsid
        }
        Assert-LikeIp $o $ns
    }

    It 'reports a host peer as PeerNamespace '''' (not $null)' {
        $o = Get-NetNamespaceAdapter -Namespace $A -Name hp0
        $null -eq $o.PeerNamespace | Should -BeFalse
        $o.PeerNamespace | Should -BeExactly ''
    }

    It 'reports a peer in an unnamed namespace with its path as PeerNamespace, and its name, index and nsid as ip does' {
        $p = Start-Process -FilePath unshare -ArgumentList '--net', 'sleep', '30' -PassThru
        try {
            $mine = (Get-Item /proc/self/ns/net).LinkTarget
            Wait-Until { try { (Get-Item "/proc/$($p.Id)/ns/net" -ErrorAction Stop).LinkTarget -ne $mine } catch { $false } } -What 'unshare'
            Invoke-Ip $A link add u0 type veth peer name u1 netns $p.Id
            $o = Get-NetNamespaceAdapter -Namespace $A -Name u0 -ErrorAction Stop
            $ip = Get-OLink $A u0
            $o.PeerNamespace | Should -BeExactly "/proc/$($p.Id)/ns/net" -Because 'the peer lives in a namespace without a name: its path stands for it'
            $o.PeerName | Should -BeExactly 'u1'
            $o.PeerIndex | Should -Be $ip.link_index
            $o.PeerNamespaceId | Should -Be $ip.link_netnsid
        }
        finally {
            ip -n $A link del u0 2>$null
            Stop-TestProcess $p
        }
    }

    It 'filters -Name <Pattern> like ip names filtered with -like' -ForEach @(
        @{ Pattern = 'v*' }
        @{ Pattern = 's?' }
        @{ Pattern = '*' }
        @{ Pattern = 'VA*' }          # wildcards ignore case
        @{ Pattern = '[sb]*' }
        @{ Pattern = '*0' }
        @{ Pattern = 'zz*' }          # matches nothing, no error
    ) {
        $err = $null
        $o = @(Get-NetNamespaceAdapter -Namespace $A -Name $Pattern -ErrorVariable err -ErrorAction SilentlyContinue)
        $expected = @(Get-OLinkNames $A | Where-Object { $_ -like $Pattern } | Sort-Object)
        ($o.Name | Sort-Object) -join ',' | Should -BeExactly ($expected -join ',')
        $err | Should -BeNullOrEmpty
    }

    It 'matches a literal -Name exactly (case-sensitive): VA0 is not va0' {
        $err = $null
        $o = Get-NetNamespaceAdapter -Namespace $A -Name VA0 -ErrorVariable err -ErrorAction SilentlyContinue
        $o | Should -BeNullOrEmpty
        Get-OLink $A VA0 | Should -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'AdapterNotFound,NetnsPS.Commands.GetNetNamespaceAdapterCommand'
    }

    It 'reads several namespaces given by name' {
        $o = Get-NetNamespaceAdapter -Namespace $A, $B
        ($o | Where-Object Namespace -eq $A).Count | Should -Be (Get-OLinkNames $A).Count
        ($o | Where-Object Namespace -eq $B).Count | Should -Be (Get-OLinkNames $B).Count
        $o.Count | Should -Be ((Get-OLinkNames $A).Count + (Get-OLinkNames $B).Count)
        foreach ($x in $o) { Assert-LikeIp $x $x.Namespace }
    }

    It 'reads the namespaces a wildcard -Namespace matches (only ours)' {
        $o = Get-NetNamespaceAdapter -Namespace "$NsPrefix*" -Name lo
        ($o.Namespace | Sort-Object) -join ',' | Should -BeExactly (($A, $B, $C, $D, $E | Sort-Object) -join ',')
        foreach ($x in $o) { $x.InterfaceIndex | Should -Be (Get-OLink $x.Namespace lo).ifindex }
    }

    It 'takes NetNamespace objects from the pipeline' {
        $o = Get-NetNamespace -Name $A | Get-NetNamespaceAdapter
        ($o.Name | Sort-Object) -join ',' | Should -BeExactly ((Get-OLinkNames $A | Sort-Object) -join ',')
        $o.Namespace | Select-Object -Unique | Should -BeExactly $A
        $several = Get-NetNamespace -Name "$NsPrefix[ab]" | Get-NetNamespaceAdapter -Name v*
        ($several | ForEach-Object { "$($_.Namespace)/$($_.Name)" } | Sort-Object) -join ',' | Should -BeExactly "$A/va0,$B/vb0"
    }

    It 'takes namespace names from the pipeline and by property name' {
        ($A, $B | Get-NetNamespaceAdapter -Name lo).Namespace | Should -Be $A, $B
        ([pscustomobject]@{ Namespace = $B } | Get-NetNamespaceAdapter -Name vb0).Namespace | Should -BeExactly $B
    }

    It 'a literal name found in any of the namespaces read is no error' {
        $err = $null
        $o = Get-NetNamespaceAdapter -Namespace $A, $B -Name vb0 -ErrorVariable err -ErrorAction SilentlyContinue
        $o.Namespace | Should -BeExactly $B
        $err | Should -BeNullOrEmpty
    }

    It 'reads the host next to a namespace with -HostNamespace' {
        $err = $null
        $o = Get-NetNamespaceAdapter -Namespace $A -HostNamespace -Name $HostEnd, hp0 -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -BeNullOrEmpty
        ($o | ForEach-Object { "$($_.Namespace)/$($_.Name)" } | Sort-Object) -join ',' | Should -BeExactly "/$HostEnd,$A/hp0"
        Assert-LikeIp ($o | Where-Object Namespace -eq '') ''
    }

    It 'reads the host when no namespace is given' {
        $o = Get-NetNamespaceAdapter -Name $HostEnd
        $o.Namespace | Should -BeExactly ''
        $o.InterfaceIndex | Should -Be (Get-OLink '' $HostEnd).ifindex
    }

    It 'gives a non-terminating AdapterNotFound for an unknown literal name and still returns the others' {
        $err = $null
        $o = Get-NetNamespaceAdapter -Namespace $A -Name nosuch0, lo -ErrorVariable err -ErrorAction SilentlyContinue
        $o.Name | Should -BeExactly 'lo'
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'AdapterNotFound,NetnsPS.Commands.GetNetNamespaceAdapterCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -BeExactly 'nosuch0'
        Get-ErrorId { Get-NetNamespaceAdapter -Namespace $A -Name nosuch0 -ErrorAction Stop } |
            Should -BeExactly 'AdapterNotFound,NetnsPS.Commands.GetNetNamespaceAdapterCommand'
    }

    It 'gives NamespaceNotFound for an unknown namespace and still reads the others' {
        $err = $null
        $o = Get-NetNamespaceAdapter -Namespace "${NsPrefix}nosuch", $B -Name lo -ErrorVariable err -ErrorAction SilentlyContinue
        $o.Namespace | Should -BeExactly $B
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceAdapterCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-ErrorId { Get-NetNamespaceAdapter -Namespace "${NsPrefix}nosuch" -ErrorAction Stop } |
            Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceAdapterCommand'
    }
}

Describe 'Netlink: Set-NetNamespaceAdapter' {
    BeforeAll {
        Invoke-Ip $C link add x0 type veth peer name x1
        Invoke-Ip $C link add ifb8 type ifb
        Invoke-Ip $C link add mv0 link x0 type macvlan
        function Get-Snapshot([string] $Name) {
            $l = Get-OLink $C $Name
            if (-not $l) { return "<none:$Name>" }
            "$($l.ifindex)|$($l.ifname)|$($l.mtu)|$($l.address)|$(($l.flags | Sort-Object) -join ',')"
        }
    }

    It 'sets the state to <State>' -ForEach @(
        @{ State = 'Up'; Up = $true }
        @{ State = 'Down'; Up = $false }
        @{ State = 'up'; Up = $true }
        @{ State = 'DOWN'; Up = $false }
    ) {
        $out = Set-NetNamespaceAdapter -Namespace $C -Name ifb8 -State $State -ErrorAction Stop
        $out | Should -BeNullOrEmpty -Because 'no -PassThru'
        (Get-OLink $C ifb8).flags -contains 'UP' | Should -Be $Up
    }

    It 'sets -Mtu <Mtu> on <Name>' -ForEach @(
        @{ Name = 'x0'; Mtu = 1280 }
        @{ Name = 'x0'; Mtu = 9000 }
        @{ Name = 'x0'; Mtu = 68 }
        @{ Name = 'x0'; Mtu = 65535 }
        @{ Name = 'ifb8'; Mtu = 1400 }
        @{ Name = 'lo'; Mtu = 68 }
    ) {
        Set-NetNamespaceAdapter -Namespace $C -Name $Name -Mtu $Mtu -ErrorAction Stop
        (Get-OLink $C $Name).mtu | Should -Be $Mtu
    }

    It 'sets x0 back to 1500 for the rest' {
        Set-NetNamespaceAdapter -Namespace $C -Name x0 -Mtu 1500
        (Get-OLink $C x0).mtu | Should -Be 1500
    }

    It 'sets lo back to its default MTU 65536, which the kernel accepts (ip link set lo mtu 65536)' {
        # lo has no MTU maximum (ip -d: max_mtu 0) and starts at 65536, the value Get-NetNamespaceAdapter reports.
        $err = Get-ErrorId { Set-NetNamespaceAdapter -Namespace $C -Name lo -Mtu 65536 -ErrorAction Stop }
        $mtu = (Get-OLink $C lo).mtu
        if ($mtu -ne 65536) { Invoke-Ip $C link set lo mtu 65536 }   # leave lo as it was, whatever happened
        $err | Should -BeNullOrEmpty -Because 'ValidateRange(68, 65535) on -Mtu must not refuse an MTU lo really has'
        $mtu | Should -Be 65536
    }

    It 'rejects -Mtu <Mtu> with <Id>' -ForEach @(
        # The device judges MTUs and the kernel says why; only non-positive values stop at binding.
        @{ Mtu = 70000; Id = 'InvalidAdapterArgument' }
        @{ Mtu = 67; Id = 'InvalidAdapterArgument' }
        @{ Mtu = 0; Id = 'ParameterArgumentValidationError' }
        @{ Mtu = -1; Id = 'ParameterArgumentValidationError' }
    ) {
        $before = Get-Snapshot x0
        Get-ErrorId { Set-NetNamespaceAdapter -Namespace $C -Name x0 -Mtu $Mtu -ErrorAction Stop } |
            Should -BeExactly "$Id,NetnsPS.Commands.SetNetNamespaceAdapterCommand"
        Get-Snapshot x0 | Should -BeExactly $before
    }

    It 'reports an MTU the kernel refuses (macvlan above its lower device) as InvalidAdapterArgument' {
        ip -n $C link set mv0 mtu 9000 2>$null
        $LASTEXITCODE | Should -Not -Be 0 -Because 'the kernel refuses it to ip too'
        $before = Get-Snapshot mv0
        Get-ErrorId { Set-NetNamespaceAdapter -Namespace $C -Name mv0 -Mtu 9000 -ErrorAction Stop } |
            Should -BeExactly 'InvalidAdapterArgument,NetnsPS.Commands.SetNetNamespaceAdapterCommand'
        Get-Snapshot mv0 | Should -BeExactly $before
    }

    It 'renames with -NewName, keeping the index' {
        $index = (Get-OLink $C ifb8).ifindex
        Set-NetNamespaceAdapter -Namespace $C -Name ifb8 -NewName ifr8 -ErrorAction Stop
        (Get-OLink $C ifr8).ifindex | Should -Be $index
        Get-OLink $C ifb8 | Should -BeNullOrEmpty
        Set-NetNamespaceAdapter -Namespace $C -Name ifr8 -NewName ifb8 -ErrorAction Stop
        (Get-OLink $C ifb8).ifindex | Should -Be $index
    }

    It 'sets -MacAddress <Mac>' -ForEach @(
        @{ Mac = '02:11:22:33:44:55'; Expected = '02:11:22:33:44:55' }
        @{ Mac = '02-11-22-33-44-56'; Expected = '02:11:22:33:44:56' }
        @{ Mac = '021122334457'; Expected = '02:11:22:33:44:57' }
        @{ Mac = '02:AB:CD:EF:00:01'; Expected = '02:ab:cd:ef:00:01' }
    ) {
        Set-NetNamespaceAdapter -Namespace $C -Name x1 -MacAddress $Mac -ErrorAction Stop
        (Get-OLink $C x1).address | Should -BeExactly $Expected
        (Get-NetNamespaceAdapter -Namespace $C -Name x1).MacAddress | Should -BeExactly $Expected
    }

    It 'gives <Id> for a MAC <Case>, as ip gets <Errno>, and changes nothing' -ForEach @(
        @{ Case = 'on an ifb (no set_mac_address)'; Name = 'ifb8'; Mac = '02:00:00:00:00:99'; Errno = 'EOPNOTSUPP'; Id = 'AdapterOperationNotSupported' }
        @{ Case = 'that is multicast'; Name = 'x1'; Mac = '01:00:5e:00:00:01'; Errno = 'EADDRNOTAVAIL'; Id = 'InvalidAdapterArgument' }
    ) {
        ip -n $C link set $Name address $Mac 2>$null
        $LASTEXITCODE | Should -Not -Be 0
        $before = Get-Snapshot $Name
        Get-ErrorId { Set-NetNamespaceAdapter -Namespace $C -Name $Name -MacAddress $Mac -ErrorAction Stop } |
            Should -BeExactly "$Id,NetnsPS.Commands.SetNetNamespaceAdapterCommand"
        Get-Snapshot $Name | Should -BeExactly $before
    }

    It 'gives InvalidMacAddress for <Mac> and changes nothing' -ForEach @(
        @{ Mac = '02:11:22:33:44' }
        @{ Mac = '02:11:22:33:44:55:66' }
        @{ Mac = 'zz:11:22:33:44:55' }
        @{ Mac = 'hello' }
    ) {
        $before = Get-Snapshot ifb8
        Get-ErrorId { Set-NetNamespaceAdapter -Namespace $C -Name ifb8 -MacAddress $Mac -State Up -ErrorAction Stop } |
            Should -BeExactly 'InvalidMacAddress,NetnsPS.Commands.SetNetNamespaceAdapterCommand'
        Get-Snapshot ifb8 | Should -BeExactly $before
    }

    It 'sets everything at once' {
        Set-NetNamespaceAdapter -Namespace $C -Name x1 -State Up -Mtu 1300 -MacAddress 02:00:00:00:08:08 -ErrorAction Stop
        $l = Get-OLink $C x1
        $l.flags | Should -Contain 'UP'
        $l.mtu | Should -Be 1300
        $l.address | Should -BeExactly '02:00:00:00:08:08'
        Set-NetNamespaceAdapter -Namespace $C -Name x1 -State Down
    }

    It 'takes adapters from Get-NetNamespaceAdapter through the pipeline' {
        Get-NetNamespaceAdapter -Namespace $C -Name x* | Set-NetNamespaceAdapter -State Up -ErrorAction Stop
        (Get-OLink $C x0).flags | Should -Contain 'UP'
        (Get-OLink $C x1).flags | Should -Contain 'UP'
        Get-NetNamespaceAdapter -Namespace $C -Name x* | Set-NetNamespaceAdapter -State Down -ErrorAction Stop
        (Get-OLink $C x0).flags | Should -Not -Contain 'UP'
        (Get-OLink $C x1).flags | Should -Not -Contain 'UP'
    }

    It 'expands a wildcard -Name in the namespace' {
        Set-NetNamespaceAdapter -Namespace $C -Name 'x?' -Mtu 1444 -ErrorAction Stop
        (Get-OLink $C x0).mtu | Should -Be 1444
        (Get-OLink $C x1).mtu | Should -Be 1444
    }

    It 'accepts a NetNamespace object as -Namespace' {
        Set-NetNamespaceAdapter -Namespace (Get-NetNamespace -Name $C) -Name x1 -Mtu 1500 -ErrorAction Stop
        (Get-OLink $C x1).mtu | Should -Be 1500
    }

    It 'returns the changed adapter with -PassThru' {
        $o = Set-NetNamespaceAdapter -Namespace $C -Name x0 -Mtu 1450 -State Up -PassThru -ErrorAction Stop
        $o | Should -HaveCount 1
        $o | Should -BeOfType ([NetnsPS.NetNamespaceAdapter])
        $o.Mtu | Should -Be 1450
        $o.State | Should -BeExactly 'Up'
        Assert-LikeIp $o $C
        $r = Set-NetNamespaceAdapter -Namespace $C -Name x0 -State Down -NewName x9 -PassThru -ErrorAction Stop
        $r.Name | Should -BeExactly 'x9'
        $r.InterfaceIndex | Should -Be $o.InterfaceIndex
        Assert-LikeIp $r $C
        Set-NetNamespaceAdapter -Namespace $C -Name x9 -NewName x0
        (Get-NetNamespaceAdapter -Namespace $C -Name x1).PeerName | Should -BeExactly 'x0'
    }

    It 'returns the adapter unchanged with -PassThru and nothing to change' {
        $o = Set-NetNamespaceAdapter -Namespace $C -Name ifb8 -PassThru
        $o.Name | Should -BeExactly 'ifb8'
        Assert-LikeIp $o $C
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-Snapshot ifb8
        $out = Set-NetNamespaceAdapter -Namespace $C -Name ifb8 -State Up -Mtu 1234 -NewName ifw8 -MacAddress 02:00:00:00:00:77 -PassThru -WhatIf
        $out | Should -BeNullOrEmpty
        Get-Snapshot ifb8 | Should -BeExactly $before
        Get-OLink $C ifw8 | Should -BeNullOrEmpty
    }

    It 'gives AdapterNotFound for an unknown adapter' {
        Get-ErrorId { Set-NetNamespaceAdapter -Namespace $C -Name nosuch0 -State Up -ErrorAction Stop } |
            Should -BeExactly 'AdapterNotFound,NetnsPS.Commands.SetNetNamespaceAdapterCommand'
    }

    It 'gives NamespaceNotFound for an unknown namespace' {
        Get-ErrorId { Set-NetNamespaceAdapter -Namespace "${NsPrefix}nosuch" -Name lo -State Up -ErrorAction Stop } |
            Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.SetNetNamespaceAdapterCommand'
    }

    It 'gives AdapterAlreadyExists when -NewName is taken, and renames nothing' {
        $b0 = Get-Snapshot ifb8; $b1 = Get-Snapshot x1
        Get-ErrorId { Set-NetNamespaceAdapter -Namespace $C -Name ifb8 -NewName x1 -ErrorAction Stop } |
            Should -BeExactly 'AdapterAlreadyExists,NetnsPS.Commands.SetNetNamespaceAdapterCommand'
        Get-Snapshot ifb8 | Should -BeExactly $b0
        Get-Snapshot x1 | Should -BeExactly $b1
    }

    It 'gives InvalidAdapterName for -NewName <NewName>' -ForEach @(
        @{ NewName = 'abcdefghijklmnop' }     # 16 bytes
        @{ NewName = 'a/b' }
        @{ NewName = 'a:b' }
        @{ NewName = 'a b' }
        @{ NewName = '..' }
    ) {
        $before = Get-Snapshot ifb8
        Get-ErrorId { Set-NetNamespaceAdapter -Namespace $C -Name ifb8 -NewName $NewName -ErrorAction Stop } |
            Should -BeExactly 'InvalidAdapterName,NetnsPS.Commands.SetNetNamespaceAdapterCommand'
        Get-Snapshot ifb8 | Should -BeExactly $before
    }

    It 'accepts a 15-byte -NewName' {
        Set-NetNamespaceAdapter -Namespace $C -Name ifb8 -NewName abcdefghijklmno -ErrorAction Stop
        Get-OLink $C abcdefghijklmno | Should -HaveCount 1
        Set-NetNamespaceAdapter -Namespace $C -Name abcdefghijklmno -NewName ifb8
        Get-OLink $C ifb8 | Should -HaveCount 1
    }

    It 'gives AmbiguousNewName for -NewName with several adapters, and renames none' {
        $b0 = Get-Snapshot x0; $b1 = Get-Snapshot x1
        Get-ErrorId { Set-NetNamespaceAdapter -Namespace $C -Name x* -NewName y0 -ErrorAction Stop } |
            Should -BeExactly 'AmbiguousNewName,NetnsPS.Commands.SetNetNamespaceAdapterCommand'
        Get-Snapshot x0 | Should -BeExactly $b0
        Get-Snapshot x1 | Should -BeExactly $b1
    }
}

Describe 'Netlink: Remove-NetNamespaceAdapter' {
    It 'removing one veth end removes the other, in the other namespace' {
        Invoke-Ip $D link add r0 type veth peer name r1 netns $E
        Remove-NetNamespaceAdapter -Namespace $D -Name r0 -ErrorAction Stop
        Get-OLink $D r0 | Should -BeNullOrEmpty
        Get-OLink $E r1 | Should -BeNullOrEmpty
    }

    It 'removing the namespace end of a veth removes its host end' {
        $h = "${HostPrefix}r"
        Invoke-Ip '' link add $h type veth peer name hr0 netns $D
        try {
            Remove-NetNamespaceAdapter -Namespace $D -Name hr0 -ErrorAction Stop
            Get-OLink $D hr0 | Should -BeNullOrEmpty
            Get-OLink '' $h | Should -BeNullOrEmpty
        }
        finally { Remove-OurHostLink $h }
    }

    It 'removes what a wildcard matches and nothing else' {
        foreach ($n in 'w0', 'w1', 'w2', 'k0') { Invoke-Ip $D link add $n type ifb }
        Remove-NetNamespaceAdapter -Namespace $D -Name 'w*' -ErrorAction Stop
        (Get-OLinkNames $D | Sort-Object) -join ',' | Should -BeExactly 'k0,lo'
        Invoke-Ip $D link del k0
    }

    It 'removes a same-namespace pair matched by one wildcard without an error for the second end' {
        Invoke-Ip $D link add q0 type veth peer name q1
        $err = $null
        Remove-NetNamespaceAdapter -Namespace $D -Name 'q*' -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -BeNullOrEmpty
        Get-OLink $D q0 | Should -BeNullOrEmpty
        Get-OLink $D q1 | Should -BeNullOrEmpty
    }

    It 'removes both ends of a same-namespace pair piped from Get-NetNamespaceAdapter without an error for the second' {
        # Like -Name 'g*' above: the second end went with the first, which is what was asked.
        Invoke-Ip $D link add g0 type veth peer name g1
        $err = $null
        Get-NetNamespaceAdapter -Namespace $D -Name 'g*' | Remove-NetNamespaceAdapter -ErrorVariable err -ErrorAction SilentlyContinue
        Get-OLink $D g0 | Should -BeNullOrEmpty
        Get-OLink $D g1 | Should -BeNullOrEmpty
        Get-ErrorIds $err | Should -BeNullOrEmpty
    }

    It 'takes Name and Namespace by property name from the pipeline' {
        foreach ($n in 'p0', 'p1') { Invoke-Ip $D link add $n type ifb }
        Invoke-Ip $E link add p2 type ifb
        Get-NetNamespaceAdapter -Namespace $D -Name p* | Remove-NetNamespaceAdapter -ErrorAction Stop
        [pscustomobject]@{ Namespace = $E; Name = 'p2' } | Remove-NetNamespaceAdapter -ErrorAction Stop
        Get-OLinkNames $D | Should -Not -Contain 'p0'
        Get-OLinkNames $D | Should -Not -Contain 'p1'
        Get-OLinkNames $E | Should -Not -Contain 'p2'
    }

    It 'removes nothing with -WhatIf' {
        Invoke-Ip $D link add t0 type veth peer name t1 netns $E
        Invoke-Ip $D link add t2 type ifb
        Remove-NetNamespaceAdapter -Namespace $D -Name t* -WhatIf
        (Get-OLinkNames $D | Where-Object { $_ -like 't*' } | Sort-Object) -join ',' | Should -BeExactly 't0,t2'
        Get-OLinkNames $E | Should -Contain 't1'
        Remove-NetNamespaceAdapter -Namespace $D -Name t* -Confirm:$false
        Get-OLinkNames $D | Where-Object { $_ -like 't*' } | Should -BeNullOrEmpty
        Get-OLinkNames $E | Should -Not -Contain 't1'
    }

    It 'gives AdapterNotFound for an unknown adapter and removes nothing' {
        $before = (Get-OLinkNames $D) -join ','
        Get-ErrorId { Remove-NetNamespaceAdapter -Namespace $D -Name nosuch0 -ErrorAction Stop } |
            Should -BeExactly 'AdapterNotFound,NetnsPS.Commands.RemoveNetNamespaceAdapterCommand'
        (Get-OLinkNames $D) -join ',' | Should -BeExactly $before
    }

    It 'gives NamespaceNotFound for an unknown namespace' {
        Get-ErrorId { Remove-NetNamespaceAdapter -Namespace "${NsPrefix}nosuch" -Name lo -ErrorAction Stop } |
            Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.RemoveNetNamespaceAdapterCommand'
    }
}
