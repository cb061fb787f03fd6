# Move-NetAdapterToNamespace against `ip -j -d -n NS link`. Adapters that visit the host are ifbs/veths of ours
# named $HostPrefix*, moved away again or deleted in finally / AfterAll.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:S, $script:T, $script:P = New-TestNamespace src, dst, pid
    $script:Sleeper = Start-InNamespace $P 120

    function Get-Where([string] $Name) {
        # 'S'/'T'/'P'/'H' for every place ip finds the adapter, with its index: e.g. "S:5"
        $found = foreach ($pair in @(@('S', $S), @('T', $T), @('P', $P))) {
            $l = Get-OLink $pair[1] $Name
            if ($l) { "$($pair[0]):$($l.ifindex)" }
        }
        if ($Name.StartsWith($HostPrefix) -and (Get-OLink '' $Name)) { $found = @($found) + "H:$((Get-OLink '' $Name).ifindex)" }
        @($found) -join ','
    }

    function Get-Place([string] $Name) { (Get-Where $Name) -replace ':\d+', '' }
}

AfterAll {
    Stop-TestProcess $Sleeper
    Remove-TestLeftovers
    Assert-NoLeftovers
}

Describe 'Netlink: Move-NetAdapterToNamespace' {
    It 'moves by -Name from -SourceNamespace to -Namespace, and the peer sees it there' {
        Invoke-Ip $S link add m0 type veth peer name m1
        $out = Move-NetAdapterToNamespace -Name m0 -SourceNamespace $S -Namespace $T -ErrorAction Stop
        $out | Should -BeNullOrEmpty -Because 'no -PassThru'
        Get-Place m0 | Should -BeExactly 'T'
        Get-Place m1 | Should -BeExactly 'S'
        (Get-OLink $T m0).linkinfo.info_kind | Should -BeExactly 'veth'
        $peer = Get-NetNamespaceAdapter -Namespace $S -Name m1
        $peer.PeerNamespace | Should -BeExactly $T
        $peer.PeerName | Should -BeExactly 'm0'
        $peer.PeerIndex | Should -Be (Get-OLink $T m0).ifindex
        $peer.PeerNamespaceId | Should -Be (Get-OLink $S m1).link_netnsid
    }

    It 'moves objects of Get-NetNamespaceAdapter from the pipeline (-InputObject), from where they are' {
        Get-NetNamespaceAdapter -Namespace $T -Name m0 | Move-NetAdapterToNamespace -Namespace $S -ErrorAction Stop
        Get-Place m0 | Should -BeExactly 'S'
        (Get-NetNamespaceAdapter -Namespace $S -Name m1).PeerNamespace | Should -BeExactly $S
        (Get-OLink $S m1).link | Should -BeExactly 'm0'
    }

    It 'moves objects given to -InputObject from several namespaces' {
        Invoke-Ip $S link add i0 type ifb
        Invoke-Ip $T link add i1 type ifb
        $objects = Get-NetNamespaceAdapter -Namespace $S, $T -Name i0, i1
        $objects | Should -HaveCount 2
        Move-NetAdapterToNamespace -InputObject $objects -Namespace $P -ErrorAction Stop
        Get-Place i0 | Should -BeExactly 'P'
        Get-Place i1 | Should -BeExactly 'P'
    }

    It 'takes names from the pipeline' {
        Invoke-Ip $S link add n0 type ifb
        Invoke-Ip $S link add n1 type ifb
        'n0', 'n1' | Move-NetAdapterToNamespace -SourceNamespace $S -Namespace $T -ErrorAction Stop
        Get-Place n0 | Should -BeExactly 'T'
        Get-Place n1 | Should -BeExactly 'T'
    }

    It 'returns the adapter as seen in the target with -PassThru' {
        Invoke-Ip $S link add k0 type ifb
        $o = Move-NetAdapterToNamespace -Name k0 -SourceNamespace $S -Namespace $T -PassThru -ErrorAction Stop
        $o | Should -HaveCount 1
        $o | Should -BeOfType ([NetnsPS.NetNamespaceAdapter])
        $o.Namespace | Should -BeExactly $T
        $o.Name | Should -BeExactly 'k0'
        $o.Kind | Should -BeExactly 'ifb'
        $ip = Get-OLink $T k0
        $o.InterfaceIndex | Should -Be $ip.ifindex
        $o.MacAddress | Should -BeExactly $ip.address
        $o.Mtu | Should -Be $ip.mtu
    }

    It 'renames while moving with -NewName' {
        $index = (Get-OLink $T k0).ifindex
        $o = Move-NetAdapterToNamespace -Name k0 -SourceNamespace $T -Namespace $S -NewName k9 -PassThru -ErrorAction Stop
        $o.Name | Should -BeExactly 'k9'
        $o.Namespace | Should -BeExactly $S
        Get-Place k9 | Should -BeExactly 'S'
        Get-Place k0 | Should -BeExactly ''
        (Get-OLink $S k9).ifindex | Should -Be $o.InterfaceIndex
        $null = $index
    }

    It 'moves into the namespace of a process with -ProcessId (no -PassThru output there, as documented)' {
        $o = Move-NetAdapterToNamespace -Name k9 -SourceNamespace $S -ProcessId $Sleeper.Id -PassThru -ErrorAction Stop
        $o | Should -BeNullOrEmpty
        Get-Place k9 | Should -BeExactly 'P'
        ip -n $P -j link show dev k9 | Should -Not -BeNullOrEmpty
    }

    It 'moves to the host with -HostNamespace and away again' {
        $h = "${HostPrefix}m"
        Invoke-Ip $S link add $h type ifb
        try {
            $o = Move-NetAdapterToNamespace -Name $h -SourceNamespace $S -HostNamespace -PassThru -ErrorAction Stop
            $o.Namespace | Should -BeExactly ''
            Get-Place $h | Should -BeExactly 'H'
            $o.InterfaceIndex | Should -Be (Get-OLink '' $h).ifindex
            # back, from the host (no -SourceNamespace) into a namespace
            Move-NetAdapterToNamespace -Name $h -Namespace $T -ErrorAction Stop
            Get-Place $h | Should -BeExactly 'T'
            # and with -Namespace '' as the host target, then by -InputObject away again
            Move-NetAdapterToNamespace -Name $h -SourceNamespace $T -Namespace '' -ErrorAction Stop
            Get-Place $h | Should -BeExactly 'H'
            Get-NetNamespaceAdapter -Name $h | Move-NetAdapterToNamespace -Namespace $S -ErrorAction Stop
            Get-Place $h | Should -BeExactly 'S'
        }
        finally { if (Get-OLink '' $h) { Remove-OurHostLink $h } }
    }

    It 'moves a veth end to the host; its peer then reports PeerNamespace ''''' {
        $h = "${HostPrefix}e"
        Invoke-Ip $S link add $h type veth peer name he0
        try {
            Move-NetAdapterToNamespace -Name $h -SourceNamespace $S -HostNamespace -ErrorAction Stop
            Get-Place $h | Should -BeExactly 'H'
            $peer = Get-NetNamespaceAdapter -Namespace $S -Name he0
            $peer.PeerNamespace | Should -BeExactly ''
            $peer.PeerName | Should -BeExactly $h
            $peer.PeerIndex | Should -Be (Get-OLink '' $h).ifindex
        }
        finally { if (Get-OLink '' $h) { Remove-OurHostLink $h } }
    }

    It 'moves what a wildcard matches' {
        foreach ($n in 'w0', 'w1', 'x0') { Invoke-Ip $S link add $n type ifb }
        Move-NetAdapterToNamespace -Name 'w*' -SourceNamespace $S -Namespace $T -ErrorAction Stop
        Get-Place w0 | Should -BeExactly 'T'
        Get-Place w1 | Should -BeExactly 'T'
        Get-Place x0 | Should -BeExactly 'S'
    }

    It 'gives AdapterNetnsLocal for <Name> (<Kind>) and it stays' -ForEach @(
        @{ Name = 'lo'; Kind = 'loopback' }
        @{ Name = 'br0'; Kind = 'bridge' }
    ) {
        if ($Name -eq 'br0') { Invoke-Ip $S link add br0 type bridge }
        $before = (Get-OLink $S $Name).ifindex
        $beforeT = (Get-OLinkNames $T | Sort-Object) -join ','
        $err = $null
        Move-NetAdapterToNamespace -Name $Name -SourceNamespace $S -Namespace $T -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'AdapterNetnsLocal,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
        $err[0].Exception.Message | Should -Match 'cannot change namespace'
        $err[0].TargetObject | Should -BeExactly $Name
        (Get-OLink $S $Name).ifindex | Should -Be $before
        (Get-OLinkNames $T | Sort-Object) -join ',' | Should -BeExactly $beforeT
    }

    It 'gives AdapterNotFound for an unknown adapter' {
        Get-ErrorId { Move-NetAdapterToNamespace -Name nosuch0 -SourceNamespace $S -Namespace $T -ErrorAction Stop } |
            Should -BeExactly 'AdapterNotFound,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
    }

    It 'gives ProcessNotFound for a missing process and moves nothing' {
        $before = Get-Where x0
        Get-ErrorId { Move-NetAdapterToNamespace -Name x0 -SourceNamespace $S -ProcessId 2147483000 -ErrorAction Stop } |
            Should -BeExactly 'ProcessNotFound,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
        Get-Where x0 | Should -BeExactly $before
    }

    It 'gives ProcessNotFound for a process that has exited' {
        $p = Start-Process -FilePath true -PassThru
        $p.WaitForExit()
        $before = Get-Where x0
        Get-ErrorId { Move-NetAdapterToNamespace -Name x0 -SourceNamespace $S -ProcessId $p.Id -ErrorAction Stop } |
            Should -BeExactly 'ProcessNotFound,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
        Get-Where x0 | Should -BeExactly $before
    }

    It 'gives AdapterAlreadyExists when the name is taken in the target, and the adapter stays where it was' {
        Invoke-Ip $S link add c0 type ifb
        Invoke-Ip $T link add c0 type ifb
        $before = Get-Where c0
        $err = $null
        Move-NetAdapterToNamespace -Name c0 -SourceNamespace $S -Namespace $T -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'AdapterAlreadyExists,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].Exception.Message | Should -Match 'Nothing was moved'
        Get-Where c0 | Should -BeExactly $before
        # -NewName resolves the clash
        Move-NetAdapterToNamespace -Name c0 -SourceNamespace $S -Namespace $T -NewName c1 -ErrorAction Stop
        Get-Place c0 | Should -BeExactly 'T'
        Get-Place c1 | Should -BeExactly 'T'
    }

    It 'gives AdapterAlreadyExists when -NewName is taken in the target, and moves nothing (the kernel would move it unrenamed)' {
        # ip -n S link set e1 netns T name e0 moves e1 into T under its old name and then answers EEXIST.
        Invoke-Ip $S link add e1 type ifb
        Invoke-Ip $T link add e0 type ifb
        $index = (Get-OLink $S e1).ifindex
        $mac = (Get-OLink $S e1).address
        $beforeT = (Get-OLinkNames $T | Sort-Object) -join ','
        $err = $null
        $out = Move-NetAdapterToNamespace -Name e1 -SourceNamespace $S -Namespace $T -NewName e0 -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'AdapterAlreadyExists,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].TargetObject | Should -BeExactly 'e1'
        $err[0].Exception.Message | Should -Match "'e0'.*Nothing was moved"
        Get-Where e1 | Should -BeExactly "S:$index"
        (Get-OLink $S e1).address | Should -BeExactly $mac
        (Get-OLinkNames $T | Sort-Object) -join ',' | Should -BeExactly $beforeT
    }

    It 'gives AdapterAlreadyExists for -ProcessId when -NewName is taken in that process''s namespace, and moves nothing' {
        Invoke-Ip $P link add e0 type ifb
        $index = (Get-OLink $S e1).ifindex
        Get-ErrorId { Move-NetAdapterToNamespace -Name e1 -SourceNamespace $S -ProcessId $Sleeper.Id -NewName e0 -ErrorAction Stop } |
            Should -BeExactly 'AdapterAlreadyExists,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
        Get-Where e1 | Should -BeExactly "S:$index"
        Get-Place e0 | Should -BeExactly 'T,P'
    }

    It 'renames within one namespace when source and target are the same (-NewName)' {
        Invoke-Ip $S link add r0 type ifb
        Move-NetAdapterToNamespace -Name r0 -SourceNamespace $S -Namespace $S -NewName r1 -ErrorAction Stop
        Get-Place r1 | Should -BeExactly 'S'
        Get-Place r0 | Should -BeExactly ''
    }

    It 'gives AmbiguousTarget for <Case>' -ForEach @(
        @{ Case = 'no target'; Target = 'none' }
        @{ Case = '-Namespace and -HostNamespace'; Target = 'ns+host' }
        @{ Case = '-Namespace and -ProcessId'; Target = 'ns+pid' }
        @{ Case = '-HostNamespace and -ProcessId'; Target = 'host+pid' }
    ) {
        $before = Get-Where x0
        $p = @{ Name = 'x0'; SourceNamespace = $S }
        if ($Target -like 'ns*') { $p.Namespace = $T }
        if ($Target -match 'host') { $p.HostNamespace = $true }
        if ($Target -match 'pid') { $p.ProcessId = $Sleeper.Id }
        Get-ErrorId { Move-NetAdapterToNamespace @p -ErrorAction Stop } |
            Should -BeExactly 'AmbiguousTarget,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
        Get-Where x0 | Should -BeExactly $before
    }

    It 'gives AmbiguousNewName for -NewName with several adapters, and moves none' {
        Invoke-Ip $S link add y0 type ifb
        Invoke-Ip $S link add y1 type ifb
        Get-ErrorId { Move-NetAdapterToNamespace -Name 'y*' -SourceNamespace $S -Namespace $T -NewName z0 -ErrorAction Stop } |
            Should -BeExactly 'AmbiguousNewName,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
        Get-Place y0 | Should -BeExactly 'S'
        Get-Place y1 | Should -BeExactly 'S'
        Get-Place z0 | Should -BeExactly ''
    }

    It 'gives InvalidAdapterName for -NewName <NewName>, and moves nothing' -ForEach @(
        @{ NewName = 'abcdefghijklmnop' }
        @{ NewName = 'a/b' }
    ) {
        $before = Get-Where x0
        Get-ErrorId { Move-NetAdapterToNamespace -Name x0 -SourceNamespace $S -Namespace $T -NewName $NewName -ErrorAction Stop } |
            Should -BeExactly 'InvalidAdapterName,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
        Get-Where x0 | Should -BeExactly $before
    }

    It 'gives NamespaceNotFound for an unknown <Which> namespace, and moves nothing' -ForEach @(
        @{ Which = 'target' }
        @{ Which = 'source' }
    ) {
        $before = Get-Where x0
        $p = @{ Name = 'x0'; SourceNamespace = $S; Namespace = $T }
        if ($Which -eq 'target') { $p.Namespace = "${NsPrefix}nosuch" } else { $p.SourceNamespace = "${NsPrefix}nosuch" }
        Get-ErrorId { Move-NetAdapterToNamespace @p -ErrorAction Stop } |
            Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
        Get-Where x0 | Should -BeExactly $before
    }

    It 'moves nothing with -WhatIf' {
        $before = Get-Where x0
        $out = Move-NetAdapterToNamespace -Name x0 -SourceNamespace $S -Namespace $T -NewName x5 -PassThru -WhatIf
        $out | Should -BeNullOrEmpty
        Get-Where x0 | Should -BeExactly $before
        Get-Place x5 | Should -BeExactly ''
    }
}
