# Get-/Set-/Remove-NetNamespaceQdisc against `tc -j -s qdisc show` (the oracle) and a real TCP bulk transfer between two
# namespaces (perl), measured at the receiver.
BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/shaping-common.ps1
    Assert-NoLeftovers
    $script:A, $script:B = New-TestNamespace qa, qb
    New-NetVethPair -Namespace $A -Name qa0 -PeerName qb0 -PeerNamespace $B -ErrorAction Stop | Out-Null
    Set-NetNamespaceAdapter -Namespace $A -Name qa0, lo -State Up -ErrorAction Stop
    Set-NetNamespaceAdapter -Namespace $B -Name qb0, lo -State Up -ErrorAction Stop
    New-NetNamespaceAddress -Namespace $A -InterfaceAlias qa0 -IPAddress 10.68.0.1/24 -ErrorAction Stop | Out-Null
    New-NetNamespaceAddress -Namespace $B -InterfaceAlias qb0 -IPAddress 10.68.0.2/24 -ErrorAction Stop | Out-Null
    Wait-Until -What 'the link to come up' -Condition { (Get-IpLink $A qa0).operstate -eq 'UP' }
    $script:Set = 'NetnsPS.Commands.SetNetNamespaceQdiscCommand'
    $script:Remove = 'NetnsPS.Commands.RemoveNetNamespaceQdiscCommand'
}
AfterAll { Remove-TestLeftovers }

Describe 'Set-NetNamespaceQdisc -Rate (tbf)' {
    AfterEach { tc -n $A qdisc del dev qa0 root 2>$null }

    It 'sets the tbf tc would set, and Get shows what tc shows' {
        $q = Set-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0 -Rate 10Mbit -Burst 32kbit -Latency 400ms -PassThru -ErrorAction Stop
        $o = Get-OQdisc $A qa0
        $o.Count | Should -Be 1
        $o[0].kind | Should -Be 'tbf'
        $o[0].root | Should -BeTrue
        $o[0].options.rate | Should -Be 1250000
        $o[0].options.lat | Should -Be 400000
        $q.Kind | Should -Be 'tbf'
        $q.Handle | Should -Be $o[0].handle
        $q.RateBitsPerSecond | Should -Be 10000000
        $q.Rate | Should -Be '10Mbit'
        $q.Burst | Should -BeIn 4095, 4096   # tc prints 4095 from the same ticks (it truncates)
        [math]::Round($q.Latency.TotalMilliseconds) | Should -Be 400
        $g = @(Get-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0)
        $g.Count | Should -Be 1
        $g[0].Handle | Should -Be $o[0].handle
        $g[0].IsDefault | Should -BeFalse
    }

    It 'replaces: a second Set leaves one qdisc with the new rate' {
        Set-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0 -Rate 10Mbit -ErrorAction Stop
        Set-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0 -Rate 1.5mbit -ErrorAction Stop
        $o = Get-OQdisc $A qa0
        $o.Count | Should -Be 1
        $o[0].options.rate | Should -Be 187500
        (Get-NetNamespaceQdisc -Namespace $A qa0).Rate | Should -Be '1.5Mbit'
    }

    It '-WhatIf changes nothing' {
        Set-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0 -Rate 10Mbit -WhatIf
        (Get-OQdisc $A qa0)[0].kind | Should -Be 'noqueue'
    }

    It 'takes adapters from the pipeline' {
        Get-NetNamespaceAdapter -Namespace $A -Name qa0 | Set-NetNamespaceQdisc -Rate 5Mbit -ErrorAction Stop
        (Get-OQdisc $A qa0)[0].options.rate | Should -Be 625000
    }

    It 'a netem request on this kernel is QdiscKindUnsupported with the kernel''s text, and leaves the adapter as it was' {
        if ((Get-Content /proc/config.gz -AsByteStream -ErrorAction SilentlyContinue) -and (zcat /proc/config.gz | Select-String '^CONFIG_NET_SCH_NETEM=')) {
            Set-ItResult -Skipped -Because 'this kernel has sch_netem'
            return
        }
        Set-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0 -Rate 10Mbit -ErrorAction Stop
        $err = $null
        try { Set-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0 -Delay 100ms -Jitter 10ms -Loss 1 -Corruption 0.5 -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeExactly "QdiscKindUnsupported,$Set"
        $err.CategoryInfo.Category | Should -Be 'NotImplemented'
        $err.Exception.Message | Should -Match 'Specified qdisc kind is unknown'
        $err.Exception.Message | Should -Match 'ENOENT'
        $o = Get-OQdisc $A qa0
        $o.Count | Should -Be 1
        $o[0].kind | Should -Be 'tbf' -Because 'the refused replace left the tbf in place'
    }
}

Describe 'Shaping accuracy (TCP bulk transfer, 2.5 s)' {
    It 'unshaped, then with -Rate 10Mbit: within 20% of 10 Mbit/s, and much slower than unshaped' {
        $free = Measure-TcpThroughput -ServerNamespace $B -ServerAddress 10.68.0.2 -ClientNamespace $A -Port 5201 -Seconds 1.5
        Set-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0 -Rate 10Mbit -ErrorAction Stop
        try {
            $shaped = Measure-TcpThroughput -ServerNamespace $B -ServerAddress 10.68.0.2 -ClientNamespace $A -Port 5202 -Seconds 2.5
            Write-Host ("  unshaped {0:N1} Mbit/s, shaped {1:N2} Mbit/s" -f ($free / 1e6), ($shaped / 1e6))
            $shaped | Should -BeGreaterThan 8e6
            $shaped | Should -BeLessThan 12e6
            $free | Should -BeGreaterThan (5 * $shaped) -Because 'an unshaped veth moves far more than 10 Mbit/s'
            # the counters after the transfer: the module's and tc's agree; tbf throttled (overlimits)
            $o = (Get-OQdisc $A qa0)[0]
            $q = Get-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0
            $q.BytesSent | Should -Be $o.bytes
            $q.PacketsSent | Should -Be $o.packets
            $q.Drops | Should -Be $o.drops
            $q.Overlimits | Should -Be $o.overlimits
            $q.BytesSent | Should -BeGreaterThan 2.5MB
            $q.Overlimits | Should -BeGreaterThan 0
        }
        finally { tc -n $A qdisc del dev qa0 root 2>$null }
    }
}

Describe 'Get-NetNamespaceQdisc' {
    It 'lists every adapter''s qdisc as tc does, defaults marked; -Shaped leaves them out' {
        Set-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0 -Rate 20Mbit -ErrorAction Stop
        try {
            $all = @(Get-NetNamespaceQdisc -Namespace $A)
            $oracle = Get-OQdisc $A
            ($all | ForEach-Object { "$($_.InterfaceAlias) $($_.Kind) $($_.Handle)" } | Sort-Object) -join ',' |
                Should -BeExactly (($oracle | ForEach-Object { "$($_.dev) $($_.kind) $($_.handle)" } | Sort-Object) -join ',')
            ($all | Where-Object IsDefault | ForEach-Object Handle | Select-Object -Unique) | Should -Be '0:'
            @(Get-NetNamespaceQdisc -Namespace $A -Shaped).InterfaceAlias | Should -Be 'qa0'
            @(Get-NetNamespaceQdisc -Namespace $A -InterfaceAlias 'q*').InterfaceAlias | Should -Be 'qa0'
        }
        finally { tc -n $A qdisc del dev qa0 root 2>$null }
    }

    It 'a literal adapter that does not exist is AdapterNotFound' {
        Get-ErrorId { Get-NetNamespaceQdisc -Namespace $A -InterfaceAlias nosuch0 -ErrorAction Stop } |
            Should -BeExactly 'AdapterNotFound,NetnsPS.Commands.GetNetNamespaceQdiscCommand'
    }
}

Describe 'Remove-NetNamespaceQdisc' {
    It 'puts the default back (tc shows noqueue); a second Remove is QdiscNotFound' {
        Set-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0 -Rate 10Mbit -ErrorAction Stop
        Remove-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0 -Confirm:$false -ErrorAction Stop
        $o = Get-OQdisc $A qa0
        $o.Count | Should -Be 1
        $o[0].kind | Should -Be 'noqueue'
        Get-ErrorId { Remove-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0 -Confirm:$false -ErrorAction Stop } | Should -BeExactly "QdiscNotFound,$Remove"
    }

    It 'takes the shaped qdiscs from Get -Shaped through the pipeline; -WhatIf keeps them' {
        Set-NetNamespaceQdisc -Namespace $A -InterfaceAlias qa0 -Rate 10Mbit -ErrorAction Stop
        Set-NetNamespaceQdisc -Namespace $B -InterfaceAlias qb0 -Rate 10Mbit -ErrorAction Stop
        Get-NetNamespaceQdisc -Namespace $A, $B -Shaped | Remove-NetNamespaceQdisc -WhatIf
        (Get-OQdisc $A qa0)[0].kind | Should -Be 'tbf'
        Get-NetNamespaceQdisc -Namespace $A, $B -Shaped | Remove-NetNamespaceQdisc -Confirm:$false -ErrorAction Stop
        (Get-OQdisc $A qa0)[0].kind | Should -Be 'noqueue'
        (Get-OQdisc $B qb0)[0].kind | Should -Be 'noqueue'
    }
}

Describe 'Lab links with Rate' {
    BeforeAll {
        $script:LabPrefix = "${NsPrefix}l-"
    }
    AfterAll {
        Remove-NetLab -Prefix $LabPrefix -Confirm:$false -ErrorAction SilentlyContinue
        Remove-NetLab -Prefix "${NsPrefix}f-" -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'New-NetLab shapes both ends of a link, or one end; Get-NetLab shows it; Remove-NetLab leaves nothing' {
        $def = @{
            Name = 'shaped'
            Namespaces = 'a', 'b'
            Links = @(
                @{ Rate = '10Mbit'; Endpoints = @(@{ Namespace = 'a'; Adapter = 'e0'; Address = '10.69.0.1/24' }, @{ Namespace = 'b'; Adapter = 'e0'; Address = '10.69.0.2/24' }) }
                @{ Endpoints = @(@{ Namespace = 'a'; Adapter = 'e1'; Rate = '2Mbit' }, @{ Namespace = 'b'; Adapter = 'e1' }) }
                @{ Rate = '1Mbit'; Endpoints = @(@{ Namespace = ''; Adapter = 'h' }, @{ Namespace = 'b'; Adapter = 'e2'; Rate = '5Mbit' }) }
            )
        }
        $lab = New-NetLab -Definition $def -Prefix $LabPrefix -ErrorAction Stop
        $a, $b = "${LabPrefix}a", "${LabPrefix}b"
        $hostAdapter = "${LabPrefix}h"
        (Get-OQdisc $a e0)[0].options.rate | Should -Be 1250000
        (Get-OQdisc $b e0)[0].options.rate | Should -Be 1250000
        (Get-OQdisc $a e1)[0].options.rate | Should -Be 250000
        (Get-OQdisc $b e1)[0].kind | Should -Be 'noqueue' -Because 'only the a end of the second link has a Rate'
        (Get-OQdisc $b e2)[0].options.rate | Should -Be 625000 -Because 'the endpoint''s Rate replaces the link''s for that end'
        $h = @(tc -j qdisc show dev $hostAdapter | ConvertFrom-Json)
        $h[0].kind | Should -Be 'tbf'
        $h[0].options.rate | Should -Be 125000
        # the measured rate across the lab link agrees (a to b through e0)
        $bps = Measure-TcpThroughput -ServerNamespace $b -ServerAddress 10.69.0.2 -ClientNamespace $a -Port 5203 -Seconds 2
        $bps | Should -BeGreaterThan 8e6
        $bps | Should -BeLessThan 12e6
        # Get-NetLab: the endpoints say how they are shaped; the definition keeps the keys
        $got = Get-NetLab -Prefix $LabPrefix
        $got.Links[0].A.Shaping | Should -Be 'tbf rate 10Mbit'
        $got.Links[0].B.Shaping | Should -Be 'tbf rate 10Mbit'
        $got.Links[1].A.Shaping | Should -Be 'tbf rate 2Mbit'
        $got.Links[1].B.Shaping | Should -BeNullOrEmpty
        $got.Links[2].B.Shaping | Should -Be 'tbf rate 5Mbit'
        $got.Definition.Links[0].Rate | Should -Be '10Mbit'
        $lab.Links[0].A.Shaping | Should -Be 'tbf rate 10Mbit'
        Remove-NetLab -Prefix $LabPrefix -Confirm:$false -ErrorAction Stop
        Get-IpNetnsNames | Where-Object { $_.StartsWith($LabPrefix) } | Should -BeNullOrEmpty
        Get-IpLink '' $hostAdapter | Should -BeNullOrEmpty -Because 'the host end (and its qdisc) went with the lab'
        tc -j qdisc show dev $hostAdapter 2>$null | Should -BeNullOrEmpty
    }

    It 'a link with Delay on this kernel fails the build (netem missing) and the rollback leaves nothing' {
        if (zcat /proc/config.gz 2>$null | Select-String '^CONFIG_NET_SCH_NETEM=') { Set-ItResult -Skipped -Because 'this kernel has sch_netem'; return }
        $p = "${NsPrefix}f-"
        $def = @{ Namespaces = 'a', 'b'; Links = @{ Delay = '100ms'; Endpoints = @(@{ Namespace = 'a'; Adapter = 'e0' }, @{ Namespace = 'b'; Adapter = 'e0' }) } }
        $err = $null
        try { New-NetLab -Definition $def -Prefix $p -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeExactly 'NetLabBuildFailed,NetnsPS.Commands.NewNetLabCommand'
        $err.Exception.Message | Should -Match 'Specified qdisc kind is unknown'
        $err.Exception.InnerException.ErrorCode | Should -Be 'QdiscKindUnsupported'
        Get-IpNetnsNames | Where-Object { $_.StartsWith($p) } | Should -BeNullOrEmpty
        Get-ChildItem /run/netnsps/labs -Filter "$p*" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'a Rate that is not a rate is InvalidLabDefinition naming the key, before anything is made' {
        $def = @{ Namespaces = 'a', 'b'; Links = @{ Endpoints = @(@{ Namespace = 'a'; Adapter = 'e0'; Rate = '10 furlongs' }, @{ Namespace = 'b'; Adapter = 'e0' }) } }
        $err = $null
        try { New-NetLab -Definition $def -Prefix "${NsPrefix}g-" -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeExactly 'InvalidLabDefinition,NetnsPS.Commands.NewNetLabCommand'
        $err.Exception.Message | Should -Match 'Links\[0\]\.Endpoints\[0\]'
        $err.Exception.Message | Should -Match 'furlongs'
        Get-IpNetnsNames | Where-Object { $_.StartsWith("${NsPrefix}g-") } | Should -BeNullOrEmpty
    }
}
