# Get- and Set-NetNamespaceSysctl against /proc/sys read inside the namespace with `ip netns exec NS cat`.
# The host's sysctls are only read (before and after), never written.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:S1, $script:S2 = New-TestNamespace s1, s2
    Invoke-Ip $S1 link add sx0 type ifb
    Invoke-Ip $S1 link add d.0 type ifb          # a dot in the name: sysctl spells it d/0

    $script:HostPaths = '/proc/sys/net/ipv4/ip_forward', '/proc/sys/net/ipv6/conf/all/forwarding', '/proc/sys/net/ipv4/conf/default/rp_filter'
    function Get-HostValues { ($HostPaths | ForEach-Object { "$_=$(Get-HostSysctl $_)" }) -join ';' }
    $script:HostBefore = Get-HostValues

    function Get-ODir([string] $Namespace, [string] $Dir) {
        # "name=value" for every readable file of a /proc/sys/net directory, read inside the namespace
        $script = 'cd "$1" && for f in *; do [ -f "$f" ] && [ -r "$f" ] && v=$(cat "$f" 2>/dev/null) && printf "%s=%s\n" "$f" "$v"; done; true'
        @(ip netns exec $Namespace sh -c $script sh $Dir | Sort-Object)
    }
}

AfterAll {
    try { Get-HostValues | Should -BeExactly $HostBefore -Because 'the host sysctls are never touched' }
    finally {
        Remove-TestLeftovers
        Assert-NoLeftovers
    }
}

Describe 'Netlink: Get-NetNamespaceSysctl' {
    It 'reads ip_forward and ipv6 all.forwarding by default in <Ns>' -ForEach @(
        @{ Ns = 's1' }
        @{ Ns = 's2' }
    ) {
        $n = Get-NsName $Ns
        $o = Get-NetNamespaceSysctl -Namespace $n -ErrorAction Stop
        $o | Should -HaveCount 2
        $o | ForEach-Object { $_ | Should -BeOfType ([NetnsPS.NetNamespaceSysctl]); $_.Namespace | Should -BeExactly $n }
        $o.Name | Should -BeExactly 'net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding'
        $o[0].Value | Should -BeExactly (Get-OSysctl $n net.ipv4.ip_forward)
        $o[1].Value | Should -BeExactly (Get-OSysctl $n net.ipv6.conf.all.forwarding)
    }

    It 'reads several namespaces, by name, wildcard and pipeline' {
        (Get-NetNamespaceSysctl -Namespace $S1, $S2).Namespace | Should -BeExactly $S1, $S1, $S2, $S2
        (Get-NetNamespaceSysctl -Namespace "$NsPrefix*" -Name net.ipv4.ip_forward).Namespace | Should -BeExactly $S1, $S2
        ($S1, $S2 | Get-NetNamespaceSysctl -Name net.ipv4.ip_forward).Namespace | Should -BeExactly $S1, $S2
    }

    It 'reads the namespaces of NetNamespace objects from the pipeline (Get-NetNamespace | Get-NetNamespaceSysctl)' {
        # NetNamespace.Name must not bind to -Name (ValueFromPipelineByPropertyName) as a sysctl name.
        $err = $null
        $o = Get-NetNamespace -Name $S1 | Get-NetNamespaceSysctl -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -BeNullOrEmpty
        $o.Name | Should -BeExactly 'net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding'
        $o.Namespace | Should -BeExactly $S1, $S1
    }

    It 'reads the host (read only) when no namespace is given' {
        $o = Get-NetNamespaceSysctl -Name net.ipv4.ip_forward
        $o.Namespace | Should -BeExactly ''
        $o.Value | Should -BeExactly (Get-HostSysctl /proc/sys/net/ipv4/ip_forward)
    }

    It 'expands <Pattern> to the files of <Dir> inside the namespace' -ForEach @(
        @{ Pattern = 'net.ipv4.conf.lo.*'; Dir = '/proc/sys/net/ipv4/conf/lo'; Prefix = 'net.ipv4.conf.lo.' }
        @{ Pattern = 'net.ipv6.conf.all.*'; Dir = '/proc/sys/net/ipv6/conf/all'; Prefix = 'net.ipv6.conf.all.' }
        @{ Pattern = 'NET.IPV4.CONF.SX0.*'; Dir = '/proc/sys/net/ipv4/conf/sx0'; Prefix = 'net.ipv4.conf.sx0.' }
    ) {
        $o = Get-NetNamespaceSysctl -Namespace $S1 -Name $Pattern -ErrorAction Stop
        $expected = Get-ODir $S1 $Dir | ForEach-Object { "$Prefix$_" }
        ($o | ForEach-Object { "$($_.Name)=$($_.Value)" } | Sort-Object) -join "`n" | Should -BeExactly ($expected -join "`n")
        $o.Count | Should -BeGreaterThan 5
    }

    It 'expands an interface wildcard to the adapters of each namespace' {
        foreach ($n in $S1, $S2) {
            $o = Get-NetNamespaceSysctl -Namespace $n -Name 'net.ipv4.conf.*.forwarding'
            $dirs = ip netns exec $n ls /proc/sys/net/ipv4/conf | ForEach-Object { "net.ipv4.conf.$($_ -replace '\.', '/').forwarding" } | Sort-Object
            ($o.Name | Sort-Object) -join ',' | Should -BeExactly ($dirs -join ',')
        }
        (Get-NetNamespaceSysctl -Namespace $S1 -Name 'net.ipv4.conf.*.forwarding').Name | Should -Contain 'net.ipv4.conf.sx0.forwarding'
        (Get-NetNamespaceSysctl -Namespace $S1 -Name 'net.ipv4.conf.*.forwarding').Name | Should -Contain 'net.ipv4.conf.d/0.forwarding'
        (Get-NetNamespaceSysctl -Namespace $S2 -Name 'net.ipv4.conf.*.forwarding').Name | Should -Not -Contain 'net.ipv4.conf.sx0.forwarding'
    }

    It 'reads a sysctl of an adapter with a dot in its name as d/0' {
        $o = Get-NetNamespaceSysctl -Namespace $S1 -Name 'net.ipv6.conf.d/0.mtu' -ErrorAction Stop
        $o.Value | Should -BeExactly (ip netns exec $S1 cat /proc/sys/net/ipv6/conf/d.0/mtu)
    }

    It 'accepts the path form <Name> as sysctl(8) does, and names it as sysctl(8) prints it' -ForEach @(
        @{ Name = 'net/ipv4/ip_forward' }
        @{ Name = 'net/ipv6/conf/d.0/mtu' }                 # path form: the dot belongs to the adapter name
        @{ Name = 'net.ipv6.conf.d/0.mtu' }                 # dotted form: '/' stands for that dot
        @{ Name = 'net/ipv4/conf/sx0/forwarding' }
    ) {
        $oracle = ip netns exec $S1 sysctl $Name     # e.g. "net.ipv6.conf.d/0.mtu = 1500"
        $LASTEXITCODE | Should -Be 0
        $o = Get-NetNamespaceSysctl -Namespace $S1 -Name $Name -ErrorAction Stop
        $o | Should -HaveCount 1
        "$($o.Name) = $($o.Value)" | Should -BeExactly "$oracle"
    }

    It 'expands a path-form pattern as its dotted form (net/ipv4/conf/*/forwarding)' {
        $dotted = Get-NetNamespaceSysctl -Namespace $S1 -Name 'net.ipv4.conf.*.forwarding' -ErrorAction Stop
        $slashed = Get-NetNamespaceSysctl -Namespace $S1 -Name 'net/ipv4/conf/*/forwarding' -ErrorAction Stop
        ($slashed.Name | Sort-Object) -join ',' | Should -BeExactly (($dotted.Name | Sort-Object) -join ',')
        $slashed.Name | Should -Contain 'net.ipv4.conf.d/0.forwarding'
        $slashed.Count | Should -Be @(ip netns exec $S1 ls /proc/sys/net/ipv4/conf).Count
    }

    It 'a wildcard that matches nothing is no error' {
        $err = $null
        Get-NetNamespaceSysctl -Namespace $S1 -Name 'net.nosuch.*' -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It 'gives <Id> for <Name> in <Ns>' -ForEach @(
        @{ Ns = 's1'; Name = 'net.ipv4.nosuch'; Id = 'SysctlNotFound' }
        @{ Ns = 's2'; Name = 'net.ipv4.conf.sx0.forwarding'; Id = 'SysctlNotFound' }   # sx0 lives in s1 only
        @{ Ns = 's1'; Name = 'kernel.hostname'; Id = 'InvalidSysctlName' }
        @{ Ns = 's1'; Name = 'vm.swappiness'; Id = 'InvalidSysctlName' }
        @{ Ns = 's1'; Name = 'net..ipv4'; Id = 'InvalidSysctlName' }
        @{ Ns = 'nosuch'; Name = 'net.ipv4.ip_forward'; Id = 'NamespaceNotFound' }
    ) {
        $err = $null
        $o = Get-NetNamespaceSysctl -Namespace (Get-NsName $Ns) -Name $Name, 'net.ipv4.ip_forward' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeExactly "$Id,NetnsPS.Commands.GetNetNamespaceSysctlCommand"
        if ($Id -ne 'NamespaceNotFound') { $o.Name | Should -BeExactly 'net.ipv4.ip_forward' -Because 'the other names are still read' }
    }
}

Describe 'Netlink: Set-NetNamespaceSysctl' {
    It 'sets ip_forward to 1 in one namespace only' {
        Set-NetNamespaceSysctl -Namespace $S1 -Name net.ipv4.ip_forward -Value 1 -ErrorAction Stop | Should -BeNullOrEmpty
        Get-OSysctl $S1 net.ipv4.ip_forward | Should -BeExactly '1'
        Get-OSysctl $S2 net.ipv4.ip_forward | Should -BeExactly '0'
        Get-HostValues | Should -BeExactly $HostBefore
        (Get-NetNamespaceSysctl -Namespace $S1, $S2 -Name net.ipv4.ip_forward).Value | Should -BeExactly '1', '0'
    }

    It 'sets ipv6 all.forwarding to 1 in one namespace only' {
        Set-NetNamespaceSysctl -Namespace $S1 -Name net.ipv6.conf.all.forwarding -Value 1 -ErrorAction Stop
        Get-OSysctl $S1 net.ipv6.conf.all.forwarding | Should -BeExactly '1'
        Get-OSysctl $S2 net.ipv6.conf.all.forwarding | Should -BeExactly '0'
        Get-HostValues | Should -BeExactly $HostBefore
    }

    It 'returns what the kernel has now with -PassThru' {
        $o = Set-NetNamespaceSysctl -Namespace $S1 -Name net.ipv4.ip_forward -Value 0 -PassThru -ErrorAction Stop
        $o | Should -HaveCount 1
        $o | Should -BeOfType ([NetnsPS.NetNamespaceSysctl])
        $o.Namespace | Should -BeExactly $S1
        $o.Name | Should -BeExactly 'net.ipv4.ip_forward'
        $o.Value | Should -BeExactly '0'
        Get-OSysctl $S1 net.ipv4.ip_forward | Should -BeExactly '0'
    }

    It 'sets several namespaces at once (names and NetNamespace objects)' {
        Set-NetNamespaceSysctl -Namespace $S1, (Get-NetNamespace -Name $S2) -Name net.ipv4.conf.default.rp_filter -Value 2 -ErrorAction Stop
        Get-OSysctl $S1 net.ipv4.conf.default.rp_filter | Should -BeExactly '2'
        Get-OSysctl $S2 net.ipv4.conf.default.rp_filter | Should -BeExactly '2'
        Get-HostValues | Should -BeExactly $HostBefore
    }

    It 'sets a per-adapter sysctl, also of an adapter with a dot in its name' {
        Set-NetNamespaceSysctl -Namespace $S1 -Name net.ipv4.conf.sx0.forwarding -Value 1 -ErrorAction Stop
        Set-NetNamespaceSysctl -Namespace $S1 -Name 'net.ipv4.conf.d/0.forwarding' -Value 1 -ErrorAction Stop
        ip netns exec $S1 cat /proc/sys/net/ipv4/conf/sx0/forwarding | Should -BeExactly '1'
        ip netns exec $S1 cat /proc/sys/net/ipv4/conf/d.0/forwarding | Should -BeExactly '1'
    }

    It 'sets by the path form (<Name>) as sysctl -w does, and -PassThru names it in the dotted form' -ForEach @(
        @{ Name = 'net/ipv4/conf/d.0/rp_filter'; Path = '/proc/sys/net/ipv4/conf/d.0/rp_filter'; Dotted = 'net.ipv4.conf.d/0.rp_filter' }
        @{ Name = 'net/ipv4/conf/sx0/rp_filter'; Path = '/proc/sys/net/ipv4/conf/sx0/rp_filter'; Dotted = 'net.ipv4.conf.sx0.rp_filter' }
    ) {
        ip netns exec $S1 sysctl -qw "$Name=0"
        ip netns exec $S1 cat $Path | Should -BeExactly '0'
        $o = Set-NetNamespaceSysctl -Namespace $S1 -Name $Name -Value 2 -PassThru -ErrorAction Stop
        $o.Name | Should -BeExactly $Dotted
        $o.Value | Should -BeExactly '2'
        ip netns exec $S1 cat $Path | Should -BeExactly '2'
        Get-HostValues | Should -BeExactly $HostBefore
    }

    It 'takes Name, Value and Namespace by property name from the pipeline' {
        @(
            [pscustomobject]@{ Namespace = $S2; Name = 'net.ipv4.ip_forward'; Value = '1' }
            [pscustomobject]@{ Namespace = $S2; Name = 'net.ipv6.conf.all.forwarding'; Value = '1' }
        ) | Set-NetNamespaceSysctl -ErrorAction Stop
        Get-OSysctl $S2 net.ipv4.ip_forward | Should -BeExactly '1'
        Get-OSysctl $S2 net.ipv6.conf.all.forwarding | Should -BeExactly '1'
        # and copies S2's values to S1 from Get-NetNamespaceSysctl objects, -Namespace given on the command line
        Set-NetNamespaceSysctl -Namespace $S1 -Name net.ipv4.ip_forward -Value 0
        Get-NetNamespaceSysctl -Namespace $S2 -Name net.ipv4.ip_forward | Set-NetNamespaceSysctl -Namespace $S1 -ErrorAction Stop
        Get-OSysctl $S1 net.ipv4.ip_forward | Should -BeExactly '1'
        Set-NetNamespaceSysctl -Namespace $S1, $S2 -Name net.ipv4.ip_forward -Value 0
        Set-NetNamespaceSysctl -Namespace $S1, $S2 -Name net.ipv6.conf.all.forwarding -Value 0
        Get-HostValues | Should -BeExactly $HostBefore
    }

    It 'changes nothing with -WhatIf' {
        Set-NetNamespaceSysctl -Namespace $S1 -Name net.ipv4.ip_forward -Value 1 -PassThru -WhatIf | Should -BeNullOrEmpty
        Get-OSysctl $S1 net.ipv4.ip_forward | Should -BeExactly '0'
    }

    It 'gives NamespaceRequired without -Namespace and leaves the host alone' {
        $err = $null
        Set-NetNamespaceSysctl -Name net.ipv4.ip_forward -Value 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceRequired,NetnsPS.Commands.SetNetNamespaceSysctlCommand'
        Get-HostValues | Should -BeExactly $HostBefore
    }

    It 'gives <Id> for <Case>, and changes nothing' -ForEach @(
        @{ Case = 'an unknown name'; Name = 'net.ipv4.nosuch'; Value = '1'; Ns = 's1'; Id = 'SysctlNotFound' }
        @{ Case = 'an adapter of another namespace'; Name = 'net.ipv4.conf.sx0.forwarding'; Value = '1'; Ns = 's2'; Id = 'SysctlNotFound' }
        @{ Case = 'kernel.hostname'; Name = 'kernel.hostname'; Value = 'x'; Ns = 's1'; Id = 'InvalidSysctlName' }
        @{ Case = 'a value the kernel refuses'; Name = 'net.ipv4.ip_forward'; Value = 'abc'; Ns = 's1'; Id = 'SysctlWriteFailed' }
        @{ Case = 'an unknown namespace'; Name = 'net.ipv4.ip_forward'; Value = '1'; Ns = 'nosuch'; Id = 'NamespaceNotFound' }
        @{ Case = 'a wildcard namespace'; Name = 'net.ipv4.ip_forward'; Value = '1'; Ns = '*'; Id = 'InvalidNamespaceName' }
    ) {
        $before = "$(Get-OSysctl $S1 net.ipv4.ip_forward)/$(Get-OSysctl $S2 net.ipv4.ip_forward)"
        Get-ErrorId { Set-NetNamespaceSysctl -Namespace (Get-NsName $Ns) -Name $Name -Value $Value -ErrorAction Stop } |
            Should -BeExactly "$Id,NetnsPS.Commands.SetNetNamespaceSysctlCommand"
        "$(Get-OSysctl $S1 net.ipv4.ip_forward)/$(Get-OSysctl $S2 net.ipv4.ip_forward)" | Should -BeExactly $before
        Get-HostValues | Should -BeExactly $HostBefore
    }
}
