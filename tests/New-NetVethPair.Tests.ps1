# New-NetVethPair against `ip -j -d -n NS link`: both ends made directly where they belong, nothing half-made on errors.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:A, $script:B = New-TestNamespace a, b

    function Get-World {
        # Every link name of ours, everywhere a veth end could land: both namespaces and our host adapters.
        "A=$((Get-OLinkNames $A | Sort-Object) -join ',');B=$((Get-OLinkNames $B | Sort-Object) -join ',');H=$((Get-OurHostLinks | Sort-Object) -join ',')"
    }

    function Assert-EndLikeIp($Object, [string] $Namespace, [string] $PeerNamespace, [string] $PeerName) {
        $ip = Get-OLink $Namespace $Object.Name
        $ip | Should -HaveCount 1 -Because "ip finds $($Object.Name) in '$Namespace'"
        $peer = Get-OLink $PeerNamespace $PeerName
        $peer | Should -HaveCount 1 -Because "ip finds $PeerName in '$PeerNamespace'"
        $ip.linkinfo.info_kind | Should -BeExactly 'veth'
        $Object.Namespace | Should -BeExactly $Namespace
        $Object.Kind | Should -BeExactly 'veth'
        $Object.InterfaceIndex | Should -Be $ip.ifindex
        $Object.Mtu | Should -Be $ip.mtu
        $Object.MacAddress | Should -BeExactly $ip.address
        $Object.State | Should -BeExactly 'Down'
        $Object.PeerName | Should -BeExactly $PeerName
        $Object.PeerNamespace | Should -BeExactly $PeerNamespace
        $Object.PeerIndex | Should -Be $peer.ifindex
        if ($Namespace -eq $PeerNamespace) { $ip.link | Should -BeExactly $PeerName }
        else { $ip.link_index | Should -Be $peer.ifindex; $Object.PeerNamespaceId | Should -Be $ip.link_netnsid }
    }
}

AfterAll {
    Remove-TestLeftovers
    Assert-NoLeftovers
}

Describe 'Netlink: New-NetVethPair' {
    It 'creates the ends directly in two namespaces and returns both' {
        $out = New-NetVethPair -Name v0a -PeerName v0b -Namespace $A -PeerNamespace $B -ErrorAction Stop
        $out | Should -HaveCount 2
        $out | ForEach-Object { $_ | Should -BeOfType ([NetnsPS.NetNamespaceAdapter]) }
        $out[0].Name | Should -BeExactly 'v0a'
        $out[1].Name | Should -BeExactly 'v0b'
        Assert-EndLikeIp $out[0] $A $B 'v0b'
        Assert-EndLikeIp $out[1] $B $A 'v0a'
        Get-OLink $A v0b | Should -BeNullOrEmpty
        Get-OLink $B v0a | Should -BeNullOrEmpty
        Get-OLink '' v0a | Should -BeNullOrEmpty -Because 'nothing is made in the host'
        Get-OLink '' v0b | Should -BeNullOrEmpty -Because 'nothing is made in the host'
    }

    It 'sets -Mtu <Mtu> on both ends' -ForEach @(
        @{ Mtu = 68; Suffix = '1' }
        @{ Mtu = 1400; Suffix = '2' }
        @{ Mtu = 9000; Suffix = '3' }
        @{ Mtu = 65535; Suffix = '4' }
    ) {
        $out = New-NetVethPair -Name "m${Suffix}a" -PeerName "m${Suffix}b" -Namespace $A -PeerNamespace $B -Mtu $Mtu -ErrorAction Stop
        (Get-OLink $A "m${Suffix}a").mtu | Should -Be $Mtu
        (Get-OLink $B "m${Suffix}b").mtu | Should -Be $Mtu
        $out.Mtu | Should -Be $Mtu, $Mtu
    }

    It 'uses the default MTU 1500 without -Mtu' {
        (Get-OLink $A v0a).mtu | Should -Be 1500
        (Get-OLink $B v0b).mtu | Should -Be 1500
    }

    It 'rejects -Mtu <Mtu> with <Id> and makes nothing' -ForEach @(
        # The kernel judges MTUs (veth: 68..65535) and says why; only non-positive values stop at binding.
        @{ Mtu = 67; Id = 'InvalidAdapterArgument' }
        @{ Mtu = 65536; Id = 'InvalidAdapterArgument' }
        @{ Mtu = 70000; Id = 'InvalidAdapterArgument' }
        @{ Mtu = 0; Id = 'ParameterArgumentValidationError' }
    ) {
        $before = Get-World
        Get-ErrorId { New-NetVethPair -Name bad0 -PeerName bad1 -Namespace $A -PeerNamespace $B -Mtu $Mtu -ErrorAction Stop } |
            Should -BeExactly "$Id,NetnsPS.Commands.NewNetVethPairCommand"
        Get-World | Should -BeExactly $before
    }

    It 'creates a pair inside one namespace when -PeerNamespace is omitted' {
        $out = New-NetVethPair -Name s0 -PeerName s1 -Namespace $A -ErrorAction Stop
        $out | Should -HaveCount 2
        Assert-EndLikeIp $out[0] $A $A 's1'
        Assert-EndLikeIp $out[1] $A $A 's0'
        Get-OLink $B s1 | Should -BeNullOrEmpty
    }

    It 'creates a pair inside one namespace given twice' {
        $out = New-NetVethPair -Name s2 -PeerName s3 -Namespace $B -PeerNamespace $B -ErrorAction Stop
        Assert-EndLikeIp $out[0] $B $B 's3'
        Assert-EndLikeIp $out[1] $B $B 's2'
    }

    It 'creates an end in the host (no -Namespace) with its peer in a namespace' {
        $h = "${HostPrefix}v"
        try {
            $out = New-NetVethPair -Name $h -PeerName hv0 -PeerNamespace $A -ErrorAction Stop
            Assert-EndLikeIp $out[0] '' $A 'hv0'
            Assert-EndLikeIp $out[1] $A '' $h
            $out[1].PeerNamespace | Should -BeExactly ''
        }
        finally { Remove-OurHostLink $h }
        Get-OLink '' $h | Should -BeNullOrEmpty
        Get-OLink $A hv0 | Should -BeNullOrEmpty -Because 'deleting one end deletes the other'
    }

    It 'accepts NetNamespace objects for -Namespace and -PeerNamespace' {
        $out = New-NetVethPair -Name o0 -PeerName o1 -Namespace (Get-NetNamespace $A) -PeerNamespace (Get-NetNamespace $B) -ErrorAction Stop
        Assert-EndLikeIp $out[0] $A $B 'o1'
    }

    It 'takes the pair by property name from the pipeline' {
        $out = @(
            [pscustomobject]@{ Name = 'pp0'; PeerName = 'pp1'; Namespace = $A; PeerNamespace = $B }
            [pscustomobject]@{ Name = 'pp2'; PeerName = 'pp3'; Namespace = $B; PeerNamespace = $A }
        ) | New-NetVethPair -ErrorAction Stop
        $out | Should -HaveCount 4
        Assert-EndLikeIp $out[0] $A $B 'pp1'
        Assert-EndLikeIp $out[2] $B $A 'pp3'
    }

    It 'puts the peer of a pipeline object without PeerNamespace in that object''s Namespace, even after one with it' {
        # The peer name carries our host prefix: if it lands in the host by mistake, AfterAll still removes it.
        $peer = "${HostPrefix}p"
        try {
            $out = @(
                [pscustomobject]@{ Name = 'pq0'; PeerName = 'pq1'; Namespace = $A; PeerNamespace = $B }
                [pscustomobject]@{ Name = 'pq2'; PeerName = $peer; Namespace = $B }
            ) | New-NetVethPair -ErrorAction Stop
            $out | Should -HaveCount 4
            Get-OLink '' $peer | Should -BeNullOrEmpty -Because 'the peer must not be created in the host namespace'
            $out[3].Namespace | Should -BeExactly $B
            Assert-EndLikeIp $out[2] $B $B $peer
        }
        finally { if (Get-OLink '' $peer) { Remove-OurHostLink $peer } }
    }

    It 'accepts a 15-byte name' {
        $out = New-NetVethPair -Name abcdefghijklmno -PeerName onmlkjihgfedcba -Namespace $A -PeerNamespace $B -ErrorAction Stop
        Assert-EndLikeIp $out[0] $A $B 'onmlkjihgfedcba'
    }

    It 'gives AdapterAlreadyExists when <Which> exists, and makes nothing anywhere' -ForEach @(
        @{ Which = 'the name (in -Namespace)'; Name = 'v0a'; Peer = 'vnew' }
        @{ Which = 'the peer name (in -PeerNamespace)'; Name = 'vnew'; Peer = 'v0b' }
        @{ Which = 'both'; Name = 'v0a'; Peer = 'v0b' }
    ) {
        $before = Get-World
        $err = $null
        $out = New-NetVethPair -Name $Name -PeerName $Peer -Namespace $A -PeerNamespace $B -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'AdapterAlreadyExists,NetnsPS.Commands.NewNetVethPairCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-World | Should -BeExactly $before
    }

    It 'gives AdapterAlreadyExists when the peer name exists in the same namespace' {
        $before = Get-World
        Get-ErrorId { New-NetVethPair -Name snew -PeerName s1 -Namespace $A -ErrorAction Stop } |
            Should -BeExactly 'AdapterAlreadyExists,NetnsPS.Commands.NewNetVethPairCommand'
        Get-World | Should -BeExactly $before
    }

    It 'gives InvalidAdapterName for <Case> and makes nothing' -ForEach @(
        @{ Case = 'a 16-byte name'; Name = 'abcdefghijklmnop'; Peer = 'ok1' }
        @{ Case = 'a 16-byte peer name'; Name = 'ok0'; Peer = 'abcdefghijklmnop' }
        @{ Case = 'a name with /'; Name = 'a/b'; Peer = 'ok1' }
        @{ Case = 'a peer name with /'; Name = 'ok0'; Peer = 'c/d' }
        @{ Case = 'a name with :'; Name = 'a:b'; Peer = 'ok1' }
        @{ Case = 'a name with a space'; Name = 'a b'; Peer = 'ok1' }
        @{ Case = 'the name .'; Name = '.'; Peer = 'ok1' }
        @{ Case = 'the name ..'; Name = 'ok0'; Peer = '..' }
        @{ Case = 'a 16-byte UTF-8 name of 8 chars'; Name = 'éééééééé'; Peer = 'ok1' }
    ) {
        $before = Get-World
        Get-ErrorId { New-NetVethPair -Name $Name -PeerName $Peer -Namespace $A -PeerNamespace $B -ErrorAction Stop } |
            Should -BeExactly 'InvalidAdapterName,NetnsPS.Commands.NewNetVethPairCommand'
        Get-World | Should -BeExactly $before
    }

    It 'gives InvalidAdapterName for the same name twice in one namespace' {
        $before = Get-World
        Get-ErrorId { New-NetVethPair -Name dup0 -PeerName dup0 -Namespace $A -ErrorAction Stop } |
            Should -BeExactly 'InvalidAdapterName,NetnsPS.Commands.NewNetVethPairCommand'
        Get-World | Should -BeExactly $before
    }

    It 'allows the same name at both ends in two namespaces' {
        $out = New-NetVethPair -Name twin0 -PeerName twin0 -Namespace $A -PeerNamespace $B -ErrorAction Stop
        Assert-EndLikeIp $out[0] $A $B 'twin0'
        Assert-EndLikeIp $out[1] $B $A 'twin0'
    }

    It 'gives NamespaceNotFound for an unknown <Which> and makes nothing' -ForEach @(
        @{ Which = '-Namespace'; Bad = 'ns' }
        @{ Which = '-PeerNamespace'; Bad = 'peer' }
    ) {
        $before = Get-World
        $ns = if ($Bad -eq 'ns') { "${NsPrefix}nosuch" } else { $A }
        $peer = if ($Bad -eq 'peer') { "${NsPrefix}nosuch" } else { $B }
        Get-ErrorId { New-NetVethPair -Name nf0 -PeerName nf1 -Namespace $ns -PeerNamespace $peer -ErrorAction Stop } |
            Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.NewNetVethPairCommand'
        Get-World | Should -BeExactly $before
    }

    It 'makes nothing with -WhatIf' {
        $before = Get-World
        $out = New-NetVethPair -Name wi0 -PeerName wi1 -Namespace $A -PeerNamespace $B -WhatIf
        $out | Should -BeNullOrEmpty
        Get-World | Should -BeExactly $before
    }
}
