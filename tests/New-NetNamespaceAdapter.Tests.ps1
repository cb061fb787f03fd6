# New-NetNamespaceAdapter for macvlan, vxlan and tun/tap against `ip -j -d`: a macvlan on a veth parent, a vxlan
# overlay carrying TCP between two namespaces over a veth underlay, a persistent tap that outlives the process that
# made it, and stable ErrorIds (nothing half-made) for bad inputs.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:A, $script:B = New-TestNamespace a, b
    $script:Cmd = 'NetnsPS.Commands.NewNetNamespaceAdapterCommand'
    # The underlay: ua (A, 10.64.0.1) <-> ub (B, 10.64.0.2)
    New-NetNamespaceAdapter -Namespace $A -Name ua -Kind Veth -PeerName ub -PeerNamespace $B -ErrorAction Stop | Out-Null
    Set-NetNamespaceAdapter -Namespace $A -Name ua, lo -State Up -ErrorAction Stop
    Set-NetNamespaceAdapter -Namespace $B -Name ub, lo -State Up -ErrorAction Stop
    New-NetNamespaceAddress -Namespace $A -InterfaceAlias ua -IPAddress 10.64.0.1/24 -ErrorAction Stop | Out-Null
    New-NetNamespaceAddress -Namespace $B -InterfaceAlias ub -IPAddress 10.64.0.2/24 -ErrorAction Stop | Out-Null

    function Get-World { "A=$((Get-OLinkNames $A | Sort-Object) -join ',');B=$((Get-OLinkNames $B | Sort-Object) -join ',')" }
}
AfterAll { Remove-TestLeftovers }

Describe 'Macvlan' {
    It 'creates a macvlan on a veth parent with the mode ip reports' {
        $o = New-NetNamespaceAdapter -Namespace $A -Name mv0 -Kind Macvlan -Parent ua -MacvlanMode Private -ErrorAction Stop
        $ip = Get-OLink $A mv0
        $ip.linkinfo.info_kind | Should -BeExactly 'macvlan'
        $ip.linkinfo.info_data.mode | Should -BeExactly 'private'
        $ip.link | Should -BeExactly 'ua'
        $o.Kind | Should -BeExactly 'macvlan'
        $o.Parent | Should -BeExactly 'ua'
        $o.MacvlanMode | Should -BeExactly 'Private'
        $o.MacAddress | Should -BeExactly $ip.address
    }

    It 'uses bridge mode by default and carries traffic to the parent''s peer' {
        $o = New-NetNamespaceAdapter -Namespace $A -Name mv1 -Kind Macvlan -Parent ua -ErrorAction Stop
        (Get-OLink $A mv1).linkinfo.info_data.mode | Should -BeExactly 'bridge'
        $o.MacvlanMode | Should -BeExactly 'Bridge'
        Set-NetNamespaceAdapter -Namespace $A -Name mv1 -State Up
        New-NetNamespaceAddress -Namespace $A -InterfaceAlias mv1 -IPAddress 10.64.1.1/24 | Out-Null
        New-NetNamespaceAddress -Namespace $B -InterfaceAlias ub -IPAddress 10.64.1.2/24 | Out-Null
        $out = Test-TcpBetween -ServerNamespace $B -ServerAddress 10.64.1.2 -ClientNamespace $A -Port 18201
        "$out" | Should -Match 'hello over 18201'
    }

    It 'fails with ParentAdapterNotFound for a parent in another namespace, leaving nothing' {
        $before = Get-World
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $A -Name mvx -Kind Macvlan -Parent ub -ErrorAction Stop } |
            Should -BeExactly "ParentAdapterNotFound,$Cmd"
        Get-World | Should -BeExactly $before
    }

    It 'fails with InvalidAdapterParameter without -Parent' {
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $A -Name mvx -Kind Macvlan -ErrorAction Stop } |
            Should -BeExactly "InvalidAdapterParameter,$Cmd"
        Get-OLink $A mvx | Should -BeNullOrEmpty
    }
}

Describe 'Vxlan' {
    BeforeAll {
        $script:VxA = New-NetNamespaceAdapter -Namespace $A -Name vx0 -Kind Vxlan -Vni 4200 -Local 10.64.0.1 -Remote 10.64.0.2 -Parent ua -ErrorAction Stop
        $script:VxB = New-NetNamespaceAdapter -Namespace $B -Name vx0 -Kind Vxlan -Vni 4200 -Local 10.64.0.2 -Remote 10.64.0.1 -Parent ub -Port 4789 -ErrorAction Stop
        Set-NetNamespaceAdapter -Namespace $A -Name vx0 -State Up -ErrorAction Stop
        Set-NetNamespaceAdapter -Namespace $B -Name vx0 -State Up -ErrorAction Stop
        New-NetNamespaceAddress -Namespace $A -InterfaceAlias vx0 -IPAddress 10.65.0.1/24 -ErrorAction Stop | Out-Null
        New-NetNamespaceAddress -Namespace $B -InterfaceAlias vx0 -IPAddress 10.65.0.2/24 -ErrorAction Stop | Out-Null
    }

    It 'creates vxlan devices with the VNI, addresses, port and underlay device ip reports' {
        $ip = Get-OLink $A vx0
        $ip.linkinfo.info_kind | Should -BeExactly 'vxlan'
        $ip.linkinfo.info_data.id | Should -Be 4200
        $ip.linkinfo.info_data.local | Should -BeExactly '10.64.0.1'
        $ip.linkinfo.info_data.remote | Should -BeExactly '10.64.0.2'
        $ip.linkinfo.info_data.port | Should -Be 4789
        $ip.linkinfo.info_data.link | Should -BeExactly 'ua'
        $VxA.VxlanId | Should -Be 4200
        $VxA.VxlanPort | Should -Be 4789
        $VxA.VxlanLocal | Should -BeExactly '10.64.0.1'
        $VxA.VxlanRemote | Should -BeExactly '10.64.0.2'
        $VxA.Parent | Should -BeExactly 'ua'
        $VxB.VxlanRemote | Should -BeExactly '10.64.0.1'
    }

    It 'carries TCP between the two namespaces over the overlay' {
        $before = (Get-OStats $A ua).tx.packets
        $out = Test-TcpBetween -ServerNamespace $B -ServerAddress 10.65.0.2 -ClientNamespace $A -Port 18202
        "$out" | Should -Match 'hello over 18202'
        (Get-OStats $A ua).tx.packets | Should -BeGreaterThan $before -Because 'the overlay traffic went over the underlay'
        (Get-NetNamespaceAdapter -Namespace $A -Name vx0).TxPackets | Should -BeGreaterThan 0
    }

    It 'fails with VxlanIdInUse for a second device with the same VNI and port, leaving nothing' {
        $before = Get-World
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $A -Name vx1 -Kind Vxlan -Vni 4200 -Remote 10.64.0.3 -ErrorAction Stop } |
            Should -BeExactly "VxlanIdInUse,$Cmd"
        Get-World | Should -BeExactly $before
    }

    It 'accepts the same VNI on another port' {
        $o = New-NetNamespaceAdapter -Namespace $A -Name vx2 -Kind Vxlan -Vni 4200 -Remote 10.64.0.3 -Port 4790 -ErrorAction Stop
        (Get-OLink $A vx2).linkinfo.info_data.port | Should -Be 4790
        $o.VxlanPort | Should -Be 4790
    }

    It 'fails with InvalidAdapterParameter without -Vni, for -Remote with -Group, and for a unicast -Group' {
        $before = Get-World
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $A -Name vx9 -Kind Vxlan -Remote 10.64.0.9 -ErrorAction Stop } |
            Should -BeExactly "InvalidAdapterParameter,$Cmd"
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $A -Name vx9 -Kind Vxlan -Vni 9 -Remote 10.64.0.9 -Group 239.1.1.1 -Parent ua -ErrorAction Stop } |
            Should -BeExactly "InvalidAdapterParameter,$Cmd"
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $A -Name vx9 -Kind Vxlan -Vni 9 -Group 10.64.0.9 -Parent ua -ErrorAction Stop } |
            Should -BeExactly "InvalidAdapterParameter,$Cmd"
        Get-World | Should -BeExactly $before
    }

    It 'creates an IPv6 vxlan (IFLA_VXLAN_LOCAL6 / GROUP6)' {
        $o = New-NetNamespaceAdapter -Namespace $A -Name vx6 -Kind Vxlan -Vni 6 -Local fd00:64::1 -Remote fd00:64::2 -ErrorAction Stop
        $ip = Get-OLink $A vx6
        $ip.linkinfo.info_data.local6 | Should -BeExactly 'fd00:64::1'
        $ip.linkinfo.info_data.remote6 | Should -BeExactly 'fd00:64::2'
        $o.VxlanLocal | Should -BeExactly 'fd00:64::1'
        $o.VxlanRemote | Should -BeExactly 'fd00:64::2'
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $A -Name vx7 -Kind Vxlan -Vni 7 -Local fd00:64::1 -Remote 10.64.0.2 -ErrorAction Stop } |
            Should -BeExactly "InvalidAdapterParameter,$Cmd"
    }

    It 'creates a multicast vxlan with -Group and -Parent' {
        $o = New-NetNamespaceAdapter -Namespace $A -Name vx3 -Kind Vxlan -Vni 77 -Group 239.1.1.77 -Parent ua -ErrorAction Stop
        $ip = Get-OLink $A vx3
        $ip.linkinfo.info_data.group | Should -BeExactly '239.1.1.77'
        $o.VxlanRemote | Should -BeExactly '239.1.1.77'
    }
}

Describe 'Tun and tap' {
    It 'makes a persistent tap that survives the process (and thread) that created it, and removes it' {
        Push-Location (Split-Path $PSScriptRoot)
        try {
            $out = dotnet pwsh -NoProfile -NonInteractive -Command "Import-Module '$env:NETNSPS_MODULE_PATH'; New-NetNamespaceAdapter -Namespace '$A' -Name tap0 -Kind Tap -ErrorAction Stop | ForEach-Object Kind" 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "$out"
        }
        finally { Pop-Location }
        "$out" | Should -Match 'tap'
        $ip = Get-OLink $A tap0
        $ip | Should -HaveCount 1 -Because 'the device outlived its creator'
        $ip.linkinfo.info_kind | Should -BeExactly 'tun'
        $ip.linkinfo.info_data.type | Should -BeExactly 'tap'
        $ip.linkinfo.info_data.persist | Should -BeTrue
        $ip.linkinfo.info_data.pi | Should -BeFalse
        $o = Get-NetNamespaceAdapter -Namespace $A -Name tap0
        $o.Kind | Should -BeExactly 'tap'
        $o.TunPersist | Should -BeTrue
        Remove-NetNamespaceAdapter -Namespace $A -Name tap0 -Confirm:$false -ErrorAction Stop
        Get-OLink $A tap0 | Should -BeNullOrEmpty
    }

    It 'makes a tun with an owner and an MTU in the namespace, not in the host' {
        $o = New-NetNamespaceAdapter -Namespace $A -Name tun0 -Kind Tun -Owner 4321 -Mtu 1400 -ErrorAction Stop
        $ip = Get-OLink $A tun0
        $ip.linkinfo.info_data.type | Should -BeExactly 'tun'
        $ip.mtu | Should -Be 1400
        (ip netns exec $A cat /sys/class/net/tun0/owner) | Should -Be '4321'
        $o.TunOwner | Should -Be 4321
        $o.Mtu | Should -Be 1400
        Get-OLink '' tun0 | Where-Object { $_.linkinfo.info_kind -eq 'tun' -and $_.ifindex -eq $o.InterfaceIndex } | Should -BeNullOrEmpty
    }

    It 'fails with AdapterAlreadyExists for an existing name instead of attaching to it' {
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $A -Name tun0 -Kind Tap -ErrorAction Stop } |
            Should -BeExactly "AdapterAlreadyExists,$Cmd"
        (Get-OLink $A tun0).linkinfo.info_data.type | Should -BeExactly 'tun'
    }

    It 'removes the tun again when the MTU is refused' {
        $before = Get-World
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $A -Name tun1 -Kind Tun -Mtu 10 -ErrorAction Stop } |
            Should -BeExactly "InvalidAdapterArgument,$Cmd"
        Get-World | Should -BeExactly $before
    }
}

Describe 'Parameters that do not belong to the kind' {
    It 'rejects <Params> for <Kind> with InvalidAdapterParameter and creates nothing' -ForEach @(
        @{ Kind = 'Bridge'; Params = @{ Vni = 5 } }
        @{ Kind = 'Bridge'; Params = @{ Parent = 'ua' } }
        @{ Kind = 'Tap'; Params = @{ Parent = 'ua' } }
        @{ Kind = 'Tun'; Params = @{ MacvlanMode = 'Bridge' } }
        @{ Kind = 'Macvlan'; Params = @{ Parent = 'ua'; Port = 4789 } }
        @{ Kind = 'Vxlan'; Params = @{ Vni = 5; Owner = 0 } }
        @{ Kind = 'Veth'; Params = @{ PeerName = 'x1'; Remote = [ipaddress]'10.0.0.1' } }
        @{ Kind = 'Veth'; Params = @{} }
        @{ Kind = 'Bridge'; Params = @{ PeerName = 'x1' } }
    ) {
        $before = Get-World
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $A -Name bad0 -Kind $Kind @Params -ErrorAction Stop } |
            Should -BeExactly "InvalidAdapterParameter,$Cmd"
        Get-World | Should -BeExactly $before
    }

    It 'refuses a name with % (the kernel would choose one) with InvalidAdapterName' {
        $before = Get-World
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $A -Name 'br%d' -Kind Bridge -ErrorAction Stop } | Should -BeExactly "InvalidAdapterName,$Cmd"
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $A -Name 'tp%d' -Kind Tap -ErrorAction Stop } | Should -BeExactly "InvalidAdapterName,$Cmd"
        Get-World | Should -BeExactly $before
    }

    It 'makes a veth pair through -Kind Veth like New-NetVethPair' {
        $o = New-NetNamespaceAdapter -Namespace $A -Name kv0 -Kind Veth -PeerName kv1 -PeerNamespace $B -ErrorAction Stop
        $o | Should -HaveCount 2
        (Get-OLink $A kv0).linkinfo.info_kind | Should -BeExactly 'veth'
        (Get-OLink $B kv1) | Should -HaveCount 1
        ($o | Where-Object Name -eq kv0).PeerNamespace | Should -BeExactly $B
    }
}

Describe 'Parent in another namespace' {
    BeforeAll {
        # P holds the lower device (a veth pair lp0/lp1, both ends in P); T gets the new adapters.
        $script:P, $script:T = New-TestNamespace cpp, cpt
        ip -n $P link add lp0 type veth peer name lp1
        if ($LASTEXITCODE -ne 0) { throw 'cannot create lp0/lp1 in P' }
        ip -n $P link set lp0 up; ip -n $P link set lp1 up; ip -n $P link set lo up; ip -n $T link set lo up
        function Get-CpWorld { "P=$((Get-OLinkNames $P | Sort-Object) -join ',');T=$((Get-OLinkNames $T | Sort-Object) -join ',')" }
        function Get-NsidOf([string] $In, [string] $Of) { (@(ip -n $In -j netns list-id | ConvertFrom-Json) | Where-Object name -EQ $Of).nsid }
    }
    AfterAll { Remove-NetNamespace -Name $P, $T -ErrorAction SilentlyContinue }

    It 'creates a macvlan in T on a lower device that stays in P, and it carries traffic to a macvlan in P' {
        $o = New-NetNamespaceAdapter -Namespace $T -Name mvt -Kind Macvlan -Parent lp0 -ParentNamespace $P -ErrorAction Stop
        $o.Name | Should -BeExactly 'mvt'
        $o.Kind | Should -BeExactly 'macvlan'
        $ip = Get-OLink $T mvt
        $ip.linkinfo.info_kind | Should -BeExactly 'macvlan'
        $ip.linkinfo.info_data.mode | Should -BeExactly 'bridge'
        $ip.link_index | Should -Be (Get-OLink $P lp0).ifindex
        Get-NsidOf $T $P | Should -Not -BeNullOrEmpty
        $ip.link_netnsid | Should -Be (Get-NsidOf $T $P)
        Get-OLinkNames $P | Should -Contain 'lp0'
        Get-OLinkNames $P | Should -Not -Contain 'mvt'
        # A second macvlan on the same lower device, in P: bridge mode lets the two talk.
        New-NetNamespaceAdapter -Namespace $P -Name mvp -Kind Macvlan -Parent lp0 -ErrorAction Stop | Out-Null
        ip -n $T link set mvt up; ip -n $P link set mvp up
        ip -n $T addr add 10.65.0.1/24 dev mvt; ip -n $P addr add 10.65.0.2/24 dev mvp
        $out = Test-TcpBetween -ServerNamespace $P -ServerAddress 10.65.0.2 -ClientNamespace $T -Port 18231
        "$out" | Should -Match 'hello over 18231'
    }

    It 'creates a vxlan in T whose underlay device is in P' {
        New-NetNamespaceAdapter -Namespace $T -Name vxt -Kind Vxlan -Vni 4242 -Parent lp1 -ParentNamespace $P -ErrorAction Stop | Out-Null
        $ip = Get-OLink $T vxt
        $ip.linkinfo.info_kind | Should -BeExactly 'vxlan'
        $ip.linkinfo.info_data.id | Should -Be 4242
        $ip.link_netnsid | Should -Be (Get-NsidOf $T $P)
        Get-OLinkNames $P | Should -Not -Contain 'vxt'
        # Its UDP socket (port 4789 = 0x12B5) is opened in P, where the underlay is, when the device goes up.
        ip -n $T link set vxt up
        (@(ip netns exec $P cat /proc/net/udp) -match ':12B5 ') | Should -Not -BeNullOrEmpty
        (@(ip netns exec $T cat /proc/net/udp) -match ':12B5 ') | Should -BeNullOrEmpty
    }

    It 'fails with ParentAdapterNotFound naming both namespaces when the parent is not in P, leaving nothing' {
        $before = Get-CpWorld
        $e = $null
        try { New-NetNamespaceAdapter -Namespace $T -Name mvx -Kind Macvlan -Parent nope0 -ParentNamespace $P -ErrorAction Stop } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeExactly "ParentAdapterNotFound,$Cmd"
        $e.Exception.Message | Should -Match ([regex]::Escape("'$P'"))
        $e.Exception.Message | Should -Match ([regex]::Escape("'$T'"))
        Get-CpWorld | Should -BeExactly $before
    }

    It 'fails with NamespaceNotFound when the parent namespace does not exist, leaving nothing' {
        $before = Get-CpWorld
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $T -Name mvx -Kind Macvlan -Parent lp0 -ParentNamespace "$P-missing" -ErrorAction Stop } |
            Should -BeExactly "NamespaceNotFound,$Cmd"
        Get-CpWorld | Should -BeExactly $before
    }

    It 'fails with InvalidAdapterParameter for -ParentNamespace without -Parent or with a kind that has no parent' {
        $before = Get-CpWorld
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $T -Name vxx -Kind Vxlan -Vni 7 -ParentNamespace $P -ErrorAction Stop } |
            Should -BeExactly "InvalidAdapterParameter,$Cmd"
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $T -Name brx -Kind Bridge -ParentNamespace $P -ErrorAction Stop } |
            Should -BeExactly "InvalidAdapterParameter,$Cmd"
        Get-CpWorld | Should -BeExactly $before
    }

    It 'reports a kernel refusal with its text (passthru macvlan on a busy lower device), leaving nothing' {
        $before = Get-CpWorld
        $e = $null
        try { New-NetNamespaceAdapter -Namespace $T -Name mvx -Kind Macvlan -Parent lp0 -ParentNamespace $P -MacvlanMode Passthru -ErrorAction Stop } catch { $e = $_ }
        $e | Should -Not -BeNullOrEmpty
        $e.Exception.Message | Should -Match "Cannot create macvlan adapter 'mvx' in .*'$T'.*parent 'lp0'"
        Get-CpWorld | Should -BeExactly $before
    }
}
