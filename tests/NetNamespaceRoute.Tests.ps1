# New-, Get- and Remove-NetNamespaceRoute against `ip -j -n NS -4|-6 route show table T`.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:R, $script:Q = New-TestNamespace r, q
    Invoke-Ip $R link add e0 type veth peer name e1 netns $Q
    Invoke-Ip $R link add d0 type ifb
    Invoke-Ip $R link set e0 addrgenmode none
    Invoke-Ip $R link set d0 addrgenmode none
    foreach ($n in 'lo', 'e0', 'd0') { Invoke-Ip $R link set $n up }
    Invoke-Ip $Q link set e1 up
    Invoke-Ip $R addr add 10.70.0.1/24 dev e0
    Invoke-Ip $R addr add fd00:70::1/64 dev e0 nodad
    Wait-Until { (Get-OLink $R e0).operstate -eq 'UP' } -What 'carrier on e0'

    function Get-IpRouteKeys([string] $Family = '-4', [string] $Table = 'main', [scriptblock] $Filter = { $true }) {
        # One line per route ip lists: dst|gateway|dev|metric|protocol|scope|type|prefsrc (ip's defaults made explicit;
        # no gateway key: an empty gateway, as a NextHop of $null gives)
        @(Get-ORoute $R $Family $Table | Where-Object $Filter | ForEach-Object {
                $gw = if ($_.PSObject.Properties['gateway']) { $_.gateway } elseif ($_.PSObject.Properties['via']) { $_.via.host } else { '' }
                $metric = if ($_.PSObject.Properties['metric']) { $_.metric } else { 0 }
                $proto = if ($_.PSObject.Properties['protocol']) { $_.protocol } else { 'boot' }
                $scope = @{ global = 'Universe'; link = 'Link'; host = 'Host'; site = 'Site'; nowhere = 'Nowhere' }[$(if ($_.PSObject.Properties['scope']) { $_.scope } else { 'global' })]
                $type = if ($_.PSObject.Properties['type']) { (Get-Culture).TextInfo.ToTitleCase($_.type) } else { 'Unicast' }
                $src = if ($_.PSObject.Properties['prefsrc']) { $_.prefsrc } else { '' }
                "$(ConvertTo-OPrefix $_ $Family)|$gw|$($_.dev)|$metric|$proto|$scope|$type|$src"
            } | Sort-Object)
    }

    function Get-RouteKeys($Routes) {
        @($Routes | Where-Object { $null -ne $_ } | ForEach-Object {
                "$($_.DestinationPrefix)|$($_.NextHop)|$($_.InterfaceAlias)|$([int64]$_.RouteMetric)|$($_.Protocol)|$($_.Scope)|$($_.Type)|$($_.PreferredSource)"
            } | Sort-Object)
    }

    function Get-AllIpRoutes { "$((Get-IpRouteKeys '-4') -join ';')#$((Get-IpRouteKeys '-6') -join ';')#$((Get-IpRouteKeys '-4' 100) -join ';')" }
}

AfterAll {
    Remove-TestLeftovers
    Assert-NoLeftovers
}

Describe 'Netlink: New-NetNamespaceRoute' {
    It 'adds a default route via a gateway given as <Dst>, and removes it the same way' -ForEach @(
        @{ Dst = 'default' }
        @{ Dst = '0.0.0.0/0' }
    ) {
        $o = New-NetNamespaceRoute -Namespace $R -DestinationPrefix $Dst -NextHop 10.70.0.254 -ErrorAction Stop
        $o | Should -HaveCount 1
        $o | Should -BeOfType ([NetnsPS.NetNamespaceRoute])
        $o.DestinationPrefix | Should -BeExactly '0.0.0.0/0'
        $o.NextHop | Should -BeExactly '10.70.0.254'
        $o.InterfaceAlias | Should -BeExactly 'e0'
        $o.InterfaceIndex | Should -Be (Get-OLink $R e0).ifindex
        $o.Table | Should -Be 254
        $o.AddressFamily | Should -BeExactly 'IPv4'
        $o.Namespace | Should -BeExactly $R
        $ip = Get-ORoute $R | Where-Object dst -eq 'default'
        $ip | Should -HaveCount 1
        $ip.gateway | Should -BeExactly '10.70.0.254'
        $ip.dev | Should -BeExactly 'e0'
        @(Get-IpRouteKeys) | Should -Contain (@(Get-RouteKeys $o)[0])
        Remove-NetNamespaceRoute -Namespace $R -DestinationPrefix $Dst -NextHop 10.70.0.254 -ErrorAction Stop
        Get-ORoute $R | Where-Object dst -eq 'default' | Should -BeNullOrEmpty
    }

    It 'adds a /16 via a gateway with -RouteMetric, and the same prefix with another metric next to it' {
        $o = New-NetNamespaceRoute -Namespace $R -DestinationPrefix 10.80.0.0/16 -NextHop 10.70.0.254 -RouteMetric 50 -ErrorAction Stop
        $o.RouteMetric | Should -Be 50
        $o2 = New-NetNamespaceRoute -Namespace $R -DestinationPrefix 10.80.0.0/16 -NextHop 10.70.0.253 -RouteMetric 60 -ErrorAction Stop
        $o2.RouteMetric | Should -Be 60
        $ip = @(Get-ORoute $R | Where-Object dst -eq '10.80.0.0/16' | Sort-Object metric)
        $ip | Should -HaveCount 2
        $ip[0].metric | Should -Be 50; $ip[0].gateway | Should -BeExactly '10.70.0.254'
        $ip[1].metric | Should -Be 60; $ip[1].gateway | Should -BeExactly '10.70.0.253'
    }

    It 'adds a device route with -InterfaceAlias only (<Dst>)' -ForEach @(
        @{ Dst = '10.90.0.0/24'; IpDst = '10.90.0.0/24'; Prefix = '10.90.0.0/24'; Dev = 'e0' }
        @{ Dst = '10.91.0.5'; IpDst = '10.91.0.5'; Prefix = '10.91.0.5/32'; Dev = 'e0' }             # host route
        @{ Dst = '10.93.0.0/24'; IpDst = '10.93.0.0/24'; Prefix = '10.93.0.0/24'; Dev = 'd0' }
    ) {
        $o = New-NetNamespaceRoute -Namespace $R -DestinationPrefix $Dst -InterfaceAlias $Dev -ErrorAction Stop
        $o.DestinationPrefix | Should -BeExactly $Prefix
        $o.NextHop | Should -BeNullOrEmpty -Because 'a route without a gateway has none (ip -j route has no gateway key), not 0.0.0.0'
        $null -eq $o.NextHop | Should -BeTrue
        "$o" | Should -BeExactly "$Prefix dev $Dev"
        $o.InterfaceAlias | Should -BeExactly $Dev
        $o.Scope | Should -BeExactly 'Link'
        $ip = Get-ORoute $R | Where-Object dst -eq $IpDst
        $ip | Should -HaveCount 1
        $ip.dev | Should -BeExactly $Dev
        $ip.scope | Should -BeExactly 'link'
        $ip.PSObject.Properties['gateway'] | Should -BeNullOrEmpty
    }

    It 'adds IPv6 routes: <Dst> via <Gw>' -ForEach @(
        @{ Dst = 'fd00:99::/64'; Gw = 'fd00:70::fe'; Metric = 77; IpDst = 'fd00:99::/64'; Prefix = 'fd00:99::/64' }
        @{ Dst = 'default'; Gw = 'fd00:70::fe'; Metric = $null; IpDst = 'default'; Prefix = '::/0' }
        @{ Dst = 'fd00:98::1'; Gw = 'fd00:70::fd'; Metric = $null; IpDst = 'fd00:98::1'; Prefix = 'fd00:98::1/128' }
    ) {
        $p = @{ Namespace = $R; DestinationPrefix = $Dst; NextHop = $Gw }
        if ($null -ne $Metric) { $p.RouteMetric = $Metric }
        $o = New-NetNamespaceRoute @p -ErrorAction Stop
        $o.AddressFamily | Should -BeExactly 'IPv6'
        $o.DestinationPrefix | Should -BeExactly $Prefix
        $o.NextHop | Should -BeExactly $Gw
        $ip = Get-ORoute $R '-6' | Where-Object dst -eq $IpDst
        $ip | Should -HaveCount 1
        $ip.gateway | Should -BeExactly $Gw
        $ip.dev | Should -BeExactly 'e0'
        $o.RouteMetric | Should -Be $ip.metric -Because 'IPv6 routes always have a metric (1024 by default)'
        if ($null -ne $Metric) { $ip.metric | Should -Be $Metric }
    }

    It 'adds an IPv6 device route with ::/0 style prefix text' {
        $o = New-NetNamespaceRoute -Namespace $R -DestinationPrefix fd00:97::/48 -InterfaceAlias e0 -RouteMetric 5 -ErrorAction Stop
        $null -eq $o.NextHop | Should -BeTrue -Because 'no gateway: not ::'
        (Get-ORoute $R '-6' | Where-Object dst -eq 'fd00:97::/48').metric | Should -Be 5
    }

    It 'adds to -Table 100 and only there' {
        $o = New-NetNamespaceRoute -Namespace $R -DestinationPrefix 10.100.0.0/24 -NextHop 10.70.0.254 -Table 100 -ErrorAction Stop
        $o.Table | Should -Be 100
        $t = Get-ORoute $R '-4' 100
        ($t | Where-Object dst -eq '10.100.0.0/24').gateway | Should -BeExactly '10.70.0.254'
        Get-ORoute $R | Where-Object dst -eq '10.100.0.0/24' | Should -BeNullOrEmpty
        $o2 = New-NetNamespaceRoute -Namespace $R -DestinationPrefix default -InterfaceAlias e0 -Table 100 -ErrorAction Stop
        $o2.Table | Should -Be 100
        (Get-ORoute $R '-4' 100 | Where-Object dst -eq 'default').dev | Should -BeExactly 'e0'
        Get-ORoute $R | Where-Object dst -eq 'default' | Should -BeNullOrEmpty
    }

    It 'gives RouteGatewayUnreachable for an IPv4 gateway on no link, and adds nothing' {
        ip -n $R route add 10.110.0.0/24 via 192.168.77.1 2>$null
        $LASTEXITCODE | Should -Not -Be 0 -Because 'ip is refused too'
        $before = Get-AllIpRoutes
        $err = $null
        New-NetNamespaceRoute -Namespace $R -DestinationPrefix 10.110.0.0/24 -NextHop 192.168.77.1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'RouteGatewayUnreachable,NetnsPS.Commands.NewNetNamespaceRouteCommand'
        Get-AllIpRoutes | Should -BeExactly $before
    }

    It 'gives RouteGatewayUnreachable for an IPv6 gateway on no link (kernel: EHOSTUNREACH), and adds nothing' {
        ip -n $R -6 route add fd00:110::/64 via fd00:77::1 2>$null
        $LASTEXITCODE | Should -Not -Be 0 -Because 'ip is refused too'
        $before = Get-AllIpRoutes
        $id = Get-ErrorId { New-NetNamespaceRoute -Namespace $R -DestinationPrefix fd00:110::/64 -NextHop fd00:77::1 -ErrorAction Stop }
        Get-AllIpRoutes | Should -BeExactly $before
        $id | Should -BeExactly 'RouteGatewayUnreachable,NetnsPS.Commands.NewNetNamespaceRouteCommand'
    }

    It 'gives <Id> for <Case>, and adds nothing' -ForEach @(
        @{ Case = 'a duplicate'; Params = @{ DestinationPrefix = '10.80.0.0/16'; NextHop = '10.70.0.254'; RouteMetric = 50 }; Id = 'RouteAlreadyExists' }
        @{ Case = 'a duplicate device route'; Params = @{ DestinationPrefix = '10.90.0.0/24'; InterfaceAlias = 'e0' }; Id = 'RouteAlreadyExists' }
        @{ Case = 'a duplicate IPv6 route'; Params = @{ DestinationPrefix = 'fd00:99::/64'; NextHop = 'fd00:70::fe'; RouteMetric = 77 }; Id = 'RouteAlreadyExists' }
        @{ Case = 'a duplicate in table 100'; Params = @{ DestinationPrefix = '10.100.0.0/24'; NextHop = '10.70.0.254'; Table = 100 }; Id = 'RouteAlreadyExists' }
        @{ Case = 'neither -NextHop nor -InterfaceAlias'; Params = @{ DestinationPrefix = '10.111.0.0/24' }; Id = 'InvalidRoute' }
        @{ Case = 'an unknown adapter'; Params = @{ DestinationPrefix = '10.111.0.0/24'; InterfaceAlias = 'nosuch0' }; Id = 'AdapterNotFound' }
        @{ Case = 'prefix /33'; Params = @{ DestinationPrefix = '10.111.0.0/33'; InterfaceAlias = 'e0' }; Id = 'InvalidPrefixLength' }
        @{ Case = 'prefix /129'; Params = @{ DestinationPrefix = 'fd00:111::/129'; InterfaceAlias = 'e0' }; Id = 'InvalidPrefixLength' }
        @{ Case = 'a text destination'; Params = @{ DestinationPrefix = 'abc'; InterfaceAlias = 'e0' }; Id = 'InvalidIPAddress' }
        @{ Case = 'an octet over 255'; Params = @{ DestinationPrefix = '10.111.0.300/24'; InterfaceAlias = 'e0' }; Id = 'InvalidIPAddress' }
        @{ Case = 'a text next hop'; Params = @{ DestinationPrefix = '10.111.0.0/24'; NextHop = 'abc' }; Id = 'InvalidIPAddress' }
        @{ Case = '-Table 0'; Params = @{ DestinationPrefix = '10.111.0.0/24'; InterfaceAlias = 'e0'; Table = 0 }; Id = 'ParameterArgumentValidationError' }
        @{ Case = 'an unknown namespace'; Params = @{ DestinationPrefix = '10.111.0.0/24'; InterfaceAlias = 'e0'; Namespace = 'NOSUCH' }; Id = 'NamespaceNotFound' }
    ) {
        $before = Get-AllIpRoutes
        $p = @{ Namespace = $R }
        foreach ($k in $Params.Keys) { $p[$k] = $Params[$k] }
        if ($p.Namespace -eq 'NOSUCH') { $p.Namespace = "${NsPrefix}nosuch" }
        Get-ErrorId { New-NetNamespaceRoute @p -ErrorAction Stop } | Should -BeExactly "$Id,NetnsPS.Commands.NewNetNamespaceRouteCommand"
        Get-AllIpRoutes | Should -BeExactly $before
    }

    It 'refuses <Dst> with InvalidDestinationPrefix, and adds nothing' -ForEach @(
        @{ Dst = '10.9.1.1/16'; IpRefuses = $true }
        @{ Dst = '10.111.0.1/24'; IpRefuses = $true }
        @{ Dst = 'fd00:97::1/48'; IpRefuses = $false }
        @{ Dst = 'fd00:97:0:1::/48'; IpRefuses = $false }
    ) {
        if ($IpRefuses) {
            # the oracle refuses it too (the kernel's IPv4 FIB: "Invalid prefix for given prefix length")
            $ipOut = ip -n $R route add $Dst dev e0 2>&1
            $LASTEXITCODE | Should -Not -Be 0
            "$ipOut" | Should -Match 'Invalid prefix for given prefix length'
        }
        # IPv6: ip accepts it and the kernel silently clears the host bits; the module refuses both families alike
        $before = Get-AllIpRoutes
        $err = $null
        $out = New-NetNamespaceRoute -Namespace $R -DestinationPrefix $Dst -InterfaceAlias e0 -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidDestinationPrefix,NetnsPS.Commands.NewNetNamespaceRouteCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -Match 'Invalid prefix for given prefix length'
        Get-AllIpRoutes | Should -BeExactly $before
    }

    It 'refuses a prefix with host bits set in Remove-NetNamespaceRoute too (it would remove the network route)' {
        ip -n $R route replace 10.121.0.0/24 via 10.70.0.254
        $before = Get-AllIpRoutes
        Get-ErrorId { Remove-NetNamespaceRoute -Namespace $R -DestinationPrefix 10.121.0.7/24 -Confirm:$false -ErrorAction Stop } |
            Should -BeExactly 'InvalidDestinationPrefix,NetnsPS.Commands.RemoveNetNamespaceRouteCommand'
        Get-AllIpRoutes | Should -BeExactly $before
    }

    It 'adds nothing with -WhatIf' {
        $before = Get-AllIpRoutes
        New-NetNamespaceRoute -Namespace $R -DestinationPrefix 10.112.0.0/24 -NextHop 10.70.0.254 -WhatIf | Should -BeNullOrEmpty
        Get-AllIpRoutes | Should -BeExactly $before
    }
}

Describe 'Netlink: Get-NetNamespaceRoute' {
    It 'lists <Family> table <Table> exactly as ip -j route does' -ForEach @(
        @{ Family = '-4'; Table = 'main'; Params = @{ AddressFamily = 'IPv4' }; Number = 254 }
        @{ Family = '-6'; Table = 'main'; Params = @{ AddressFamily = 'IPv6' }; Number = 254 }
        @{ Family = '-4'; Table = '100'; Params = @{ AddressFamily = 'IPv4'; Table = 100 }; Number = 100 }
        @{ Family = '-4'; Table = 'local'; Params = @{ AddressFamily = 'IPv4'; Table = 255 }; Number = 255 }
    ) {
        $o = Get-NetNamespaceRoute -Namespace $R @Params -ErrorAction Stop
        (Get-RouteKeys $o) -join "`n" | Should -BeExactly ((Get-IpRouteKeys $Family $Table) -join "`n")
        $o | ForEach-Object { $_.Table | Should -Be $Number; $_.Namespace | Should -BeExactly $R }
        $ifIndex = @{}; Get-OLink $R | ForEach-Object { $ifIndex[$_.ifname] = $_.ifindex }
        $o | ForEach-Object { $_.InterfaceIndex | Should -Be $ifIndex[$_.InterfaceAlias] }
    }

    It 'gives NextHop $null exactly where ip -j route has no gateway (connected, local and device routes)' {
        $o = @(Get-NetNamespaceRoute -Namespace $R -Table 0)
        $ip = @(Get-ORoute $R '-4' 'all') + @(Get-ORoute $R '-6' 'all')
        $withGw = @($ip | Where-Object { $_.PSObject.Properties['gateway'] -or $_.PSObject.Properties['via'] }).Count
        @($o | Where-Object { $null -ne $_.NextHop }).Count | Should -Be $withGw
        @($o | Where-Object { $null -eq $_.NextHop }).Count | Should -Be ($ip.Count - $withGw)
        $connected = $o | Where-Object { $_.DestinationPrefix -eq '10.70.0.0/24' -and $_.Protocol -eq 'kernel' }
        $connected | Should -HaveCount 1
        $connected.NextHop | Should -BeNullOrEmpty
        $connected.NextHop | Should -Not -Be '0.0.0.0'
        ($connected | Format-Table | Out-String) | Should -Not -Match '0\.0\.0\.0'
        @($o | Where-Object NextHop -in '0.0.0.0', '::') | Should -HaveCount 0
    }

    It 'lists both families of the main table by default' {
        $o = Get-NetNamespaceRoute -Namespace $R
        (Get-RouteKeys $o) -join "`n" | Should -BeExactly ((@(Get-IpRouteKeys '-4') + @(Get-IpRouteKeys '-6') | Sort-Object) -join "`n")
    }

    It 'lists every table with -Table 0' {
        $o = Get-NetNamespaceRoute -Namespace $R -Table 0 -AddressFamily IPv4
        ($o.Table | Sort-Object -Unique) -join ',' | Should -BeExactly '100,254,255'
        (Get-RouteKeys $o).Count | Should -Be ((Get-IpRouteKeys '-4' 'all').Count)
    }

    It 'filters <Case>' -ForEach @(
        @{ Case = "-DestinationPrefix default"; Params = @{ DestinationPrefix = 'default' }; Families = '-4', '-6'; Filter = { $_.dst -eq 'default' } }
        @{ Case = "-DestinationPrefix '10.80.*'"; Params = @{ DestinationPrefix = '10.80.*' }; Families = '-4', '-6'; Filter = { $_.dst -like '10.80.*' } }
        @{ Case = "-DestinationPrefix 10.90.0.0/24 (literal)"; Params = @{ DestinationPrefix = '10.90.0.0/24' }; Families = '-4', '-6'; Filter = { $_.dst -eq '10.90.0.0/24' } }
        @{ Case = '-InterfaceAlias d0'; Params = @{ InterfaceAlias = 'd0' }; Families = '-4', '-6'; Filter = { $_.dev -eq 'd0' } }
        @{ Case = '-InterfaceAlias e* -AddressFamily IPv6'; Params = @{ InterfaceAlias = 'e*'; AddressFamily = 'IPv6' }; Families = @('-6'); Filter = { $_.dev -like 'e*' } }
        @{ Case = "-DestinationPrefix 'fd00:9*' -AddressFamily IPv6"; Params = @{ DestinationPrefix = 'fd00:9*'; AddressFamily = 'IPv6' }; Families = @('-6'); Filter = { $_.dst -like 'fd00:9*' } }
    ) {
        $o = Get-NetNamespaceRoute -Namespace $R @Params -ErrorAction Stop
        $expected = foreach ($f in $Families) { Get-IpRouteKeys $f 'main' $Filter }
        (Get-RouteKeys $o) -join "`n" | Should -BeExactly ((@($expected) | Sort-Object) -join "`n")
        $o | Should -Not -BeNullOrEmpty
    }

    It 'reads namespaces from the pipeline (names and NetNamespace objects)' {
        $byName = $R | Get-NetNamespaceRoute -AddressFamily IPv4
        $byObject = Get-NetNamespace -Name $R | Get-NetNamespaceRoute -AddressFamily IPv4
        (Get-RouteKeys $byName) -join "`n" | Should -BeExactly ((Get-IpRouteKeys '-4') -join "`n")
        (Get-RouteKeys $byObject) -join "`n" | Should -BeExactly ((Get-IpRouteKeys '-4') -join "`n")
    }

    It 'gives NamespaceNotFound for an unknown namespace' {
        Get-ErrorId { Get-NetNamespaceRoute -Namespace "${NsPrefix}nosuch" -ErrorAction Stop } |
            Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceRouteCommand'
    }
}

Describe 'Netlink: Remove-NetNamespaceRoute' {
    It 'removes what Get-NetNamespaceRoute sends through the pipeline (gateway routes with metrics)' {
        @(Get-ORoute $R | Where-Object dst -eq '10.80.0.0/16') | Should -HaveCount 2
        Get-NetNamespaceRoute -Namespace $R -DestinationPrefix 10.80.0.0/16 | Remove-NetNamespaceRoute -ErrorAction Stop
        Get-ORoute $R | Where-Object dst -eq '10.80.0.0/16' | Should -BeNullOrEmpty
    }

    It 'removes device routes, IPv6 routes and table 100 routes through the pipeline' {
        Get-NetNamespaceRoute -Namespace $R -DestinationPrefix '10.9[0-3].*' | Remove-NetNamespaceRoute -ErrorAction Stop
        Get-NetNamespaceRoute -Namespace $R -DestinationPrefix 'fd00:9*', 'default' -AddressFamily IPv6 | Remove-NetNamespaceRoute -ErrorAction Stop
        Get-NetNamespaceRoute -Namespace $R -Table 100 | Remove-NetNamespaceRoute -ErrorAction Stop
        Get-ORoute $R | Where-Object dst -like '10.9?.*' | Should -BeNullOrEmpty
        Get-ORoute $R '-6' | Where-Object { $_.dst -like 'fd00:9*' -or $_.dst -eq 'default' } | Should -BeNullOrEmpty
        Get-ORoute $R '-4' 100 | Should -BeNullOrEmpty
        # the kernel's own routes stay
        Get-ORoute $R | Where-Object dst -eq '10.70.0.0/24' | Should -HaveCount 1
    }

    It 'removes by value with -Table' {
        ip -n $R route add 10.120.0.0/24 via 10.70.0.254 table 100
        Remove-NetNamespaceRoute -Namespace $R -DestinationPrefix 10.120.0.0/24 -NextHop 10.70.0.254 -Table 100 -ErrorAction Stop
        Get-ORoute $R '-4' 100 | Should -BeNullOrEmpty
    }

    It 'gives RouteNotFound for <Case>, and removes nothing' -ForEach @(
        @{ Case = 'a route that is not there'; Params = @{ DestinationPrefix = '10.123.0.0/16' } }
        @{ Case = 'a default route that is not there'; Params = @{ DestinationPrefix = 'default'; NextHop = '10.70.0.254' } }
        @{ Case = 'the right prefix in the wrong table'; Params = @{ DestinationPrefix = '10.121.0.0/24'; Table = 100 } }
        @{ Case = 'the right prefix with the wrong gateway'; Params = @{ DestinationPrefix = '10.121.0.0/24'; NextHop = '10.70.0.9' } }
        @{ Case = 'an IPv6 route that is not there'; Params = @{ DestinationPrefix = 'fd00:123::/64' } }
    ) {
        ip -n $R route replace 10.121.0.0/24 via 10.70.0.254
        $before = Get-AllIpRoutes
        $err = $null
        Remove-NetNamespaceRoute -Namespace $R @Params -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'RouteNotFound,NetnsPS.Commands.RemoveNetNamespaceRouteCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-AllIpRoutes | Should -BeExactly $before
    }

    It 'removes nothing with -WhatIf' {
        ip -n $R route replace 10.122.0.0/24 via 10.70.0.254
        $before = Get-AllIpRoutes
        Remove-NetNamespaceRoute -Namespace $R -DestinationPrefix 10.122.0.0/24 -WhatIf
        Get-NetNamespaceRoute -Namespace $R | Remove-NetNamespaceRoute -WhatIf
        Get-AllIpRoutes | Should -BeExactly $before
    }
}
