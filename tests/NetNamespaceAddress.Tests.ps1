# New-, Get- and Remove-NetNamespaceAddress against `ip -j -n NS addr`.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:A, $script:B = New-TestNamespace a, b
    Invoke-Ip $A link add e0 type veth peer name e1 netns $B
    Invoke-Ip $A link add e2 type veth peer name e3
    foreach ($n in 'e0', 'e2', 'e3') { Invoke-Ip $A link set $n addrgenmode none }   # no link-local addresses appearing later
    Invoke-Ip $B link set e1 addrgenmode none
    foreach ($n in 'lo', 'e0', 'e2', 'e3') { Invoke-Ip $A link set $n up }
    Invoke-Ip $B link set e1 up
    Wait-Until { (Get-OLink $A e0).operstate -eq 'UP' -and (Get-OLink $A e2).operstate -eq 'UP' } -What 'carrier on e0/e2'

    function Get-AddrKeys([string] $Namespace, [string] $Name, [string] $Family = '') {
        # "ifname|address/len|family" for every address ip lists, sorted
        @(Get-OAddr $Namespace $Name $Family | ForEach-Object {
                "$($_.ifname)|$($_.local)/$($_.prefixlen)|$(if ($_.family -eq 'inet6') { 'IPv6' } else { 'IPv4' })"
            } | Sort-Object)
    }

    function Get-ObjectKeys($Objects) {
        @($Objects | Where-Object { $null -ne $_ } | ForEach-Object { "$($_.InterfaceAlias)|$($_.IPAddress)/$($_.PrefixLength)|$($_.AddressFamily)" } | Sort-Object)
    }

    function Assert-AddressLikeIp($Object, [string] $Namespace) {
        $ip = @(Get-OAddr $Namespace $Object.InterfaceAlias | Where-Object { $_.local -eq $Object.IPAddress -and $_.prefixlen -eq $Object.PrefixLength })
        $ip | Should -HaveCount 1 -Because "ip lists $($Object.IPAddress)/$($Object.PrefixLength) on $($Object.InterfaceAlias)"
        $Object.Namespace | Should -BeExactly $Namespace
        $Object.InterfaceIndex | Should -Be $ip[0].ifindex
        $Object.AddressFamily | Should -BeExactly $(if ($ip[0].family -eq 'inet6') { 'IPv6' } else { 'IPv4' })
        $scope = @{ global = 'Universe'; link = 'Link'; host = 'Host'; site = 'Site' }[$ip[0].scope]
        $Object.Scope | Should -BeExactly $scope
        $tentative = [bool]$ip[0].PSObject.Properties['tentative']
        if ($Object.AddressState -eq 'Tentative') { $tentative | Should -BeTrue } else { $Object.AddressState | Should -BeExactly 'Preferred' }
        # Flags by name against the flag keys of ip -j addr (Tentative may end between the two reads: compared above)
        $Object.Flags | Should -BeOfType ([NetnsPS.NetAddressFlags])
        $ours = @("$($Object.Flags)" -split ', ' | Where-Object { $_ -notin 'None', 'Tentative' } | Sort-Object)
        $ours | Should -Be @(Get-IpAddrFlags $ip[0] | Where-Object { $_ -ne 'Tentative' }) -Because "ip -j addr shows $($ip[0] | ConvertTo-Json -Compress)"
    }

    function Get-IpAddrFlags($IpAddr) {
        # the IFA_F_* flags of one addr_info entry of ip -j addr, as NetAddressFlags names, sorted: ip prints each set
        # flag as a true key (IPv6 secondary as "temporary"), and "dynamic" when IFA_F_PERMANENT is missing
        $byKey = [ordered]@{ secondary = 'Secondary'; temporary = 'Secondary'; nodad = 'NoDad'; optimistic = 'Optimistic'; dadfailed = 'DadFailed'
            home = 'HomeAddress'; deprecated = 'Deprecated'; tentative = 'Tentative'; mngtmpaddr = 'ManageTempAddress'; noprefixroute = 'NoPrefixRoute'
            autojoin = 'MulticastAutoJoin'; 'stable-privacy' = 'StablePrivacy' }
        $names = @($byKey.Keys | Where-Object { $IpAddr.PSObject.Properties[$_] } | ForEach-Object { $byKey[$_] })
        if (-not $IpAddr.PSObject.Properties['dynamic']) { $names += 'Permanent' }
        @($names | Sort-Object -Unique)
    }
}

AfterAll {
    Remove-TestLeftovers
    Assert-NoLeftovers
}

Describe 'Netlink: New-NetNamespaceAddress' {
    It 'adds <Text> given as <Form>, as ip -j addr shows it' -ForEach @(
        @{ Form = 'ADDRESS/LEN'; Text = '10.60.0.1/24'; Params = @{ IPAddress = '10.60.0.1/24' }; Family = 'inet'; Local = '10.60.0.1'; Len = 24 }
        @{ Form = '-PrefixLength'; Text = '10.61.0.1/16'; Params = @{ IPAddress = '10.61.0.1'; PrefixLength = 16 }; Family = 'inet'; Local = '10.61.0.1'; Len = 16 }
        @{ Form = 'both, agreeing'; Text = '10.62.0.1/20'; Params = @{ IPAddress = '10.62.0.1/20'; PrefixLength = 20 }; Family = 'inet'; Local = '10.62.0.1'; Len = 20 }
        @{ Form = 'no length (host)'; Text = '10.63.0.9'; Params = @{ IPAddress = '10.63.0.9' }; Family = 'inet'; Local = '10.63.0.9'; Len = 32 }
        @{ Form = 'IPv6 ADDRESS/LEN, no DAD'; Text = 'fd00:60::1/64'; Params = @{ IPAddress = 'fd00:60::1/64'; SkipDuplicateAddressDetection = $true }; Family = 'inet6'; Local = 'fd00:60::1'; Len = 64 }
        @{ Form = 'IPv6 -PrefixLength, no DAD'; Text = 'fd00:61::1/48'; Params = @{ IPAddress = 'fd00:61::1'; PrefixLength = 48; SkipDuplicateAddressDetection = $true }; Family = 'inet6'; Local = 'fd00:61::1'; Len = 48 }
        @{ Form = 'IPv6 long form, no DAD'; Text = 'fd00:62::5/128'; Params = @{ IPAddress = 'FD00:0062:0000:0000:0000:0000:0000:0005' ; SkipDuplicateAddressDetection = $true }; Family = 'inet6'; Local = 'fd00:62::5'; Len = 128 }
    ) {
        $o = New-NetNamespaceAddress -Namespace $A -InterfaceAlias e0 @Params -ErrorAction Stop
        $o | Should -HaveCount 1
        $o | Should -BeOfType ([NetnsPS.NetNamespaceAddress])
        $o.IPAddress | Should -BeExactly $Local
        $o.PrefixLength | Should -Be $Len
        $o.InterfaceAlias | Should -BeExactly 'e0'
        $ip = Get-OAddr $A e0 | Where-Object local -eq $Local
        $ip.prefixlen | Should -Be $Len
        $ip.family | Should -BeExactly $Family
        Assert-AddressLikeIp $o $A
        if ($Family -eq 'inet6') {
            $o.AddressState | Should -BeExactly 'Preferred'
            $ip.PSObject.Properties['tentative'] | Should -BeNullOrEmpty
            $ip.PSObject.Properties['nodad'] | Should -Not -BeNullOrEmpty
        }
    }

    It 'adds an IPv6 address with duplicate address detection: Tentative first, Preferred when ip says so' {
        $o = New-NetNamespaceAddress -Namespace $A -InterfaceAlias e0 -IPAddress fd00:63::1/64 -ErrorAction Stop
        $o.AddressState | Should -BeExactly 'Tentative' -Because 'DAD takes about a second on a link with carrier'
        $ip = Get-OAddr $A e0 | Where-Object local -eq 'fd00:63::1'
        $ip.PSObject.Properties['nodad'] | Should -BeNullOrEmpty
        Wait-Until { -not (Get-OAddr $A e0 | Where-Object local -eq 'fd00:63::1').PSObject.Properties['tentative'] } -Seconds 10 -What 'DAD'
        (Get-NetNamespaceAddress -Namespace $A -IPAddress fd00:63::1).AddressState | Should -BeExactly 'Preferred'
    }

    It 'accepts a NetNamespace object as -Namespace and pipeline input by property name' {
        $o = [pscustomobject]@{ IPAddress = '10.64.0.1'; PrefixLength = 24; InterfaceAlias = 'e2'; Namespace = (Get-NetNamespace $A) } |
            New-NetNamespaceAddress -ErrorAction Stop
        Assert-AddressLikeIp $o $A
        $o.InterfaceAlias | Should -BeExactly 'e2'
    }

    It 'gives <Id> for <Case>, and adds nothing' -ForEach @(
        @{ Case = 'a duplicate'; Params = @{ IPAddress = '10.60.0.1/24' }; Id = 'AddressAlreadyExists' }
        @{ Case = 'a duplicate IPv6'; Params = @{ IPAddress = 'fd00:60::1/64'; SkipDuplicateAddressDetection = $true }; Id = 'AddressAlreadyExists' }
        @{ Case = 'an octet over 255'; Params = @{ IPAddress = '10.0.0.300' }; Id = 'InvalidIPAddress' }
        @{ Case = 'an octet over 255 with a length'; Params = @{ IPAddress = '10.0.0.300/24' }; Id = 'InvalidIPAddress' }
        @{ Case = 'text'; Params = @{ IPAddress = 'abc' }; Id = 'InvalidIPAddress' }
        @{ Case = 'three octets'; Params = @{ IPAddress = '10.0.1/24' }; Id = 'InvalidIPAddress' }
        @{ Case = 'a bad IPv6'; Params = @{ IPAddress = 'fd00::1::2/64' }; Id = 'InvalidIPAddress' }
        @{ Case = 'IPv4 /33'; Params = @{ IPAddress = '10.65.0.1/33' }; Id = 'InvalidPrefixLength' }
        @{ Case = 'IPv4 -PrefixLength 33'; Params = @{ IPAddress = '10.65.0.1'; PrefixLength = 33 }; Id = 'InvalidPrefixLength' }
        @{ Case = 'IPv6 /129'; Params = @{ IPAddress = 'fd00:65::1/129' }; Id = 'InvalidPrefixLength' }
        @{ Case = 'a length that is not a number'; Params = @{ IPAddress = '10.65.0.1/abc' }; Id = 'InvalidPrefixLength' }
        @{ Case = 'a negative length in the text'; Params = @{ IPAddress = '10.65.0.1/-1' }; Id = 'InvalidPrefixLength' }
        @{ Case = '/24 and -PrefixLength 16 disagreeing'; Params = @{ IPAddress = '10.65.0.1/24'; PrefixLength = 16 }; Id = 'InvalidPrefixLength' }
        @{ Case = 'IPv6 -PrefixLength 129 (ValidateRange 0..128)'; Params = @{ IPAddress = 'fd00:65::1'; PrefixLength = 129 }; Id = 'ParameterArgumentValidationError' }
        @{ Case = '-PrefixLength -1'; Params = @{ IPAddress = '10.65.0.1'; PrefixLength = -1 }; Id = 'ParameterArgumentValidationError' }
        @{ Case = 'an unknown adapter'; Params = @{ IPAddress = '10.65.0.1/24'; InterfaceAlias = 'nosuch0' }; Id = 'AdapterNotFound' }
        @{ Case = 'an unknown namespace'; Params = @{ IPAddress = '10.65.0.1/24'; Namespace = 'NOSUCH' }; Id = 'NamespaceNotFound' }
    ) {
        $before = (Get-AddrKeys $A) -join ';'
        $p = @{ InterfaceAlias = 'e0'; Namespace = $A }
        foreach ($k in $Params.Keys) { $p[$k] = $Params[$k] }
        if ($p.Namespace -eq 'NOSUCH') { $p.Namespace = "${NsPrefix}nosuch" }
        Get-ErrorId { New-NetNamespaceAddress @p -ErrorAction Stop } | Should -BeExactly "$Id,NetnsPS.Commands.NewNetNamespaceAddressCommand"
        (Get-AddrKeys $A) -join ';' | Should -BeExactly $before
    }

    It 'adds nothing with -WhatIf' {
        $before = (Get-AddrKeys $A) -join ';'
        New-NetNamespaceAddress -Namespace $A -InterfaceAlias e0 -IPAddress 10.66.0.1/24 -WhatIf | Should -BeNullOrEmpty
        (Get-AddrKeys $A) -join ';' | Should -BeExactly $before
    }
}

Describe 'Netlink: Get-NetNamespaceAddress' {
    BeforeAll {
        Invoke-Ip $A addr add 10.67.0.1/24 dev e2
        Invoke-Ip $A addr add 10.67.1.1/24 dev e3
        Invoke-Ip $A addr add fd00:67::1/64 dev e3 nodad
        Invoke-Ip $B addr add 10.68.0.2/24 dev e1
    }

    It 'lists what ip -j addr lists with <Case>' -ForEach @(
        @{ Case = 'no filter'; Params = @{}; Name = ''; Family = '' }
        @{ Case = '-InterfaceAlias e0'; Params = @{ InterfaceAlias = 'e0' }; Name = 'e0'; Family = '' }
        @{ Case = '-InterfaceAlias e3'; Params = @{ InterfaceAlias = 'e3' }; Name = 'e3'; Family = '' }
        @{ Case = '-InterfaceAlias lo'; Params = @{ InterfaceAlias = 'lo' }; Name = 'lo'; Family = '' }
        @{ Case = '-AddressFamily IPv4'; Params = @{ AddressFamily = 'IPv4' }; Name = ''; Family = '-4' }
        @{ Case = '-AddressFamily IPv6'; Params = @{ AddressFamily = 'IPv6' }; Name = ''; Family = '-6' }
        @{ Case = '-AddressFamily ipv6 -InterfaceAlias e0'; Params = @{ AddressFamily = 'ipv6'; InterfaceAlias = 'e0' }; Name = 'e0'; Family = '-6' }
        @{ Case = '-AddressFamily IPv4 -InterfaceAlias e3'; Params = @{ AddressFamily = 'IPv4'; InterfaceAlias = 'e3' }; Name = 'e3'; Family = '-4' }
    ) {
        $o = Get-NetNamespaceAddress -Namespace $A @Params -ErrorAction Stop
        (Get-ObjectKeys $o) -join ';' | Should -BeExactly ((Get-AddrKeys $A $Name $Family) -join ';')
        foreach ($x in $o) { Assert-AddressLikeIp $x $A }
    }

    It 'shows Flags by name (Permanent, NoPrefixRoute, Secondary, NoDad), as ip -j addr does' {
        Invoke-Ip $A addr add 10.69.5.1/24 dev e2 noprefixroute
        Invoke-Ip $A addr add 10.69.5.2/24 dev e2 noprefixroute
        Invoke-Ip $A addr add fd00:69:5::1/64 dev e2 nodad
        try {
            $o = @(Get-NetNamespaceAddress -Namespace $A -InterfaceAlias e2 -ErrorAction Stop)
            $first = $o | Where-Object IPAddress -eq '10.69.5.1'
            "$($first.Flags)" | Should -BeExactly 'Permanent, NoPrefixRoute'
            "$(($o | Where-Object IPAddress -eq '10.69.5.2').Flags)" | Should -BeExactly 'Secondary, Permanent, NoPrefixRoute'
            "$(($o | Where-Object IPAddress -eq 'fd00:69:5::1').Flags)" | Should -BeExactly 'NoDad, Permanent'
            $first.Flags.HasFlag([NetnsPS.NetAddressFlags]::NoPrefixRoute) | Should -BeTrue
            [uint]$first.Flags | Should -Be 0x280 -Because 'IFA_F_PERMANENT|IFA_F_NOPREFIXROUTE (the latter only in IFA_FLAGS)'
            $first.Flags -eq 0x280 | Should -BeTrue
            foreach ($x in $o) { Assert-AddressLikeIp $x $A }
        }
        finally {
            foreach ($x in '10.69.5.2/24', '10.69.5.1/24', 'fd00:69:5::1/64') { ip -n $A addr del $x dev e2 2>$null }
        }
    }

    It 'filters with wildcards: <Case>' -ForEach @(
        @{ Case = '-InterfaceAlias e*'; Params = @{ InterfaceAlias = 'e*' }; Filter = { $_.ifname -like 'e*' } }
        @{ Case = '-IPAddress 10.67.*'; Params = @{ IPAddress = '10.67.*' }; Filter = { $_.local -like '10.67.*' } }
        @{ Case = '-IPAddress fd00:*'; Params = @{ IPAddress = 'fd00:*' }; Filter = { $_.local -like 'fd00:*' } }
        @{ Case = 'literal -IPAddress 10.67.1.1'; Params = @{ IPAddress = '10.67.1.1' }; Filter = { $_.local -eq '10.67.1.1' } }
        @{ Case = '-IPAddress 192.0.2.* (none)'; Params = @{ IPAddress = '192.0.2.*' }; Filter = { $false } }
        @{ Case = '-IPAddress fd00:* -AddressFamily IPv6 -InterfaceAlias e3'; Params = @{ IPAddress = 'fd00:*'; AddressFamily = 'IPv6'; InterfaceAlias = 'e3' }; Filter = { $_.local -like 'fd00:*' -and $_.family -eq 'inet6' -and $_.ifname -eq 'e3' } }
    ) {
        $o = Get-NetNamespaceAddress -Namespace $A @Params -ErrorAction Stop
        $expected = @(Get-OAddr $A | Where-Object $Filter | ForEach-Object {
                "$($_.ifname)|$($_.local)/$($_.prefixlen)|$(if ($_.family -eq 'inet6') { 'IPv6' } else { 'IPv4' })" } | Sort-Object)
        (Get-ObjectKeys $o) -join ';' | Should -BeExactly ($expected -join ';')
    }

    It 'reads several namespaces, each object saying where it is' {
        $o = Get-NetNamespaceAddress -Namespace $A, $B -AddressFamily IPv4
        ($o | Where-Object Namespace -eq $B).IPAddress | Should -BeExactly '10.68.0.2'
        (Get-ObjectKeys ($o | Where-Object Namespace -eq $A)) -join ';' | Should -BeExactly ((Get-AddrKeys $A '' '-4') -join ';')
        ($A, $B | Get-NetNamespaceAddress -IPAddress 10.68.0.2).Namespace | Should -BeExactly $B
    }

    It 'reads the namespaces of NetNamespace objects from the pipeline (Get-NetNamespace | Get-NetNamespaceAddress)' {
        # NetNamespace.Name must not bind to -InterfaceAlias (alias Name, ValueFromPipelineByPropertyName).
        $o = Get-NetNamespace -Name $B | Get-NetNamespaceAddress -AddressFamily IPv4
        (Get-ObjectKeys $o) -join ';' | Should -BeExactly ((Get-AddrKeys $B '' '-4') -join ';')
        $o.Namespace | Should -Contain $B
    }

    It 'gives NamespaceNotFound for an unknown namespace' {
        Get-ErrorId { Get-NetNamespaceAddress -Namespace "${NsPrefix}nosuch" -ErrorAction Stop } |
            Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceAddressCommand'
    }
}

Describe 'Netlink: Remove-NetNamespaceAddress' {
    BeforeEach {
        foreach ($x in '10.69.0.1/24', '10.69.1.1/24', '10.69.2.1/24', '10.69.3.1/28') { ip -n $A addr add $x dev e2 2>$null }
        ip -n $A addr add fd00:69::1/64 dev e2 nodad 2>$null
        ip -n $A addr add 10.69.9.1/24 dev e3 2>$null
    }

    It 'removes <Case>' -ForEach @(
        @{ Case = 'by value ADDRESS/LEN'; Params = @{ IPAddress = '10.69.0.1/24' }; Gone = '10.69.0.1' }
        @{ Case = 'by value without a length'; Params = @{ IPAddress = '10.69.1.1' }; Gone = '10.69.1.1' }
        @{ Case = 'by value with -PrefixLength and -InterfaceAlias'; Params = @{ IPAddress = '10.69.2.1'; PrefixLength = 24; InterfaceAlias = 'e2' }; Gone = '10.69.2.1' }
        @{ Case = 'an IPv6 address'; Params = @{ IPAddress = 'fd00:69::1/64' }; Gone = 'fd00:69::1' }
    ) {
        $before = @(Get-AddrKeys $A)
        Remove-NetNamespaceAddress -Namespace $A @Params -ErrorAction Stop
        Get-OAddr $A | Where-Object local -eq $Gone | Should -BeNullOrEmpty
        @(Get-AddrKeys $A).Count | Should -Be ($before.Count - 1) -Because 'only that address goes'
    }

    It 'removes what Get-NetNamespaceAddress sends through the pipeline' {
        Get-NetNamespaceAddress -Namespace $A -IPAddress '10.69.*' -InterfaceAlias e2 | Remove-NetNamespaceAddress -ErrorAction Stop
        Get-OAddr $A e2 | Where-Object local -like '10.69.*' | Should -BeNullOrEmpty
        (Get-OAddr $A e3 | Where-Object local -eq '10.69.9.1') | Should -HaveCount 1 -Because 'e3 was not in the pipeline'
    }

    It 'gives AddressNotFound for <Case> and removes nothing' -ForEach @(
        @{ Case = 'an address that is not there'; Params = @{ IPAddress = '10.69.7.7' } }
        @{ Case = 'the wrong prefix length'; Params = @{ IPAddress = '10.69.0.1/16' } }
        @{ Case = 'the wrong adapter'; Params = @{ IPAddress = '10.69.9.1'; InterfaceAlias = 'e2' } }
        @{ Case = 'an IPv6 address that is not there'; Params = @{ IPAddress = 'fd00:69::99' } }
    ) {
        $before = (Get-AddrKeys $A) -join ';'
        $err = $null
        Remove-NetNamespaceAddress -Namespace $A @Params -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'AddressNotFound,NetnsPS.Commands.RemoveNetNamespaceAddressCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        (Get-AddrKeys $A) -join ';' | Should -BeExactly $before
    }

    It 'gives InvalidIPAddress for text' {
        Get-ErrorId { Remove-NetNamespaceAddress -Namespace $A -IPAddress abc -ErrorAction Stop } |
            Should -BeExactly 'InvalidIPAddress,NetnsPS.Commands.RemoveNetNamespaceAddressCommand'
    }

    It 'removes nothing with -WhatIf' {
        $before = (Get-AddrKeys $A) -join ';'
        Remove-NetNamespaceAddress -Namespace $A -IPAddress 10.69.0.1/24 -WhatIf
        Get-NetNamespaceAddress -Namespace $A -InterfaceAlias e2 | Remove-NetNamespaceAddress -WhatIf
        (Get-AddrKeys $A) -join ';' | Should -BeExactly $before
    }
}
