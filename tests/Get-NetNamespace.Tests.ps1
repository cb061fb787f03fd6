BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
}
AfterAll { Remove-TestLeftovers }

Describe 'Get-NetNamespace' {
    BeforeAll {
        Assert-NoLeftovers
        # Made by the independent tool, so Get-NetNamespace is checked against what ip made.
        foreach ($s in 'a1', 'a2', 'b1') { ip netns add "$Prefix$s" }
        $script:created = Get-NetNamespace -Name "${Prefix}a1", "${Prefix}a2", "${Prefix}b1"
    }
    AfterAll { Remove-TestLeftovers }

    It 'lists exactly what ip netns list lists, sorted by name, with the inodes ls -i shows' {
        $all = Get-NetNamespace
        $all | ForEach-Object { $_ | Should -BeOfType NetnsPS.NetNamespace }
        $ours = @($all | Where-Object { $_.Name.StartsWith($Prefix, [StringComparison]::Ordinal) })
        $ours.Name | Should -Be "${Prefix}a1", "${Prefix}a2", "${Prefix}b1"
        ($ours.Name | Sort-Object) | Should -Be (Get-IpNetnsNames | Where-Object { $_.StartsWith($Prefix) } | Sort-Object)
        $ls = Get-LsInode
        foreach ($o in $ours) {
            $o.Inode | Should -Be $ls[$o.Name]
            $o.Path | Should -BeExactly "/run/netns/$($o.Name)"
            $o.Device | Should -Be ([uint64](stat -L -c %d $o.Path))
            $o.IsStale | Should -BeFalse
            $o.ProcessCount | Should -Be 0
        }
        # every name ip lists is there (others may come and go while we look: only check names that still exist)
        $listed = Get-IpNetnsNames
        $again = @($all.Name) + @((Get-NetNamespace).Name)
        foreach ($n in $listed) { if (Test-Path -LiteralPath "/run/netns/$n") { $again | Should -Contain $n } }
    }

    It 'filters with <Pattern>' -ForEach @(
        @{ Pattern = '*a?'; Expected = 'a1', 'a2' }
        @{ Pattern = '*B1'; Expected = @('b1') }                 # wildcards ignore case
        @{ Pattern = '*a1'; Expected = @('a1') }
        @{ Pattern = '*[ab]1'; Expected = 'a1', 'b1' }
        @{ Pattern = '*'; Expected = 'a1', 'a2', 'b1' }
        @{ Pattern = 'nomatch*'; Expected = @() }
    ) {
        $err = $null
        $out = @(Get-NetNamespace -Name "$Prefix$Pattern" -ErrorVariable err)
        @($out.Name) | Should -Be @($Expected | ForEach-Object { "$Prefix$_" })
        $err | Should -BeNullOrEmpty -Because 'a wildcard that matches nothing is not an error'
    }

    It 'returns a literal name, once even when asked twice or also by wildcard' {
        $out = Get-NetNamespace -Name "${Prefix}a1", "${Prefix}a1", "${Prefix}a*"
        $out.Name | Should -Be "${Prefix}a1", "${Prefix}a2"
    }

    It 'takes names <Mode>' -ForEach @(
        @{ Mode = 'from the pipeline'; Run = { param($p) "${p}b1", "${p}a2" | Get-NetNamespace } }
        @{ Mode = 'as NetNamespace objects from the pipeline'; Run = { param($p) $created[2], $created[1] | Get-NetNamespace } }
        @{ Mode = 'positionally'; Run = { param($p) Get-NetNamespace "${p}b1", "${p}a2" } }
    ) {
        (& $Run $Prefix).Name | Should -Be "${Prefix}b1", "${Prefix}a2"
    }

    It 'gives a non-terminating NamespaceNotFound (ObjectNotFound) for a missing literal name' {
        $err = $null
        $out = Get-NetNamespace -Name "${Prefix}missing", "${Prefix}a1" -ErrorVariable err -ErrorAction SilentlyContinue
        $out.Name | Should -Be "${Prefix}a1"
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -BeExactly "${Prefix}missing"
        Get-NetNamespace -Name "${Prefix}missing" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        { Get-NetNamespace -Name "${Prefix}missing" -ErrorAction Stop } | Should -Throw -ErrorId 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceCommand'
    }

    It 'matches literal names case-sensitively (namespace names are file names)' {
        $err = $null
        Get-NetNamespace -Name "${Prefix}A1" -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceCommand'
    }

    It 'reports the nsid that ip netns set assigned, and $null where ip -j netns list shows none' {
        $nsid = Get-UnusedNsid
        ip netns set "${Prefix}a2" $nsid
        (Get-NetNamespace -Name "${Prefix}a2").Id | Should -Be $nsid
        (Get-IpNetns | Where-Object name -eq "${Prefix}a2").id | Should -Be $nsid
        $ip = @{}; foreach ($e in Get-IpNetns) { $ip[$e.name] = if ($e.PSObject.Properties['id']) { [int]$e.id } else { $null } }
        foreach ($o in Get-NetNamespace -Name "$Prefix*") {
            $o.Id | Should -Be $ip[$o.Name] -Because "ip -j netns list shows $($o.Name) with id '$($ip[$o.Name])'"
        }
        (Get-NetNamespace -Name "${Prefix}b1").Id | Should -BeNullOrEmpty
    }

    It 'counts processes like ip netns pids' {
        $p1 = Start-InNamespace "${Prefix}b1"; $p2 = Start-InNamespace "${Prefix}b1"
        try {
            $expected = Get-IpNetnsPids "${Prefix}b1"
            $expected | Should -Contain $p1.Id
            $expected | Should -Contain $p2.Id
            (Get-NetNamespace -Name "${Prefix}b1").ProcessCount | Should -Be $expected.Count
            (Get-NetNamespace -Name "${Prefix}a1").ProcessCount | Should -Be (Get-IpNetnsPids "${Prefix}a1").Count
            # Processes lists what ProcessCount counts, without -All too, whichever is read first (/proc as the oracle)
            $o = Get-NetNamespace -Name "${Prefix}b1"
            @($o.Processes.Id | Sort-Object) | Should -Be @($expected | Sort-Object)
            foreach ($q in $o.Processes) { $q.Name | Should -BeExactly (Get-Content "/proc/$($q.Id)/comm") }
            $o.ProcessCount | Should -Be $o.Processes.Count
            (Get-NetNamespace -Name "${Prefix}b1" | Select-Object -ExpandProperty Processes).Id | Should -Contain $p1.Id
        }
        finally { $p1.Kill(); $p2.Kill(); $p1.WaitForExit(); $p2.WaitForExit() }
        (Get-NetNamespace -Name "${Prefix}b1").ProcessCount | Should -Be 0
        Get-IpNetnsPids "${Prefix}b1" | Should -BeNullOrEmpty
    }

    It 'counts a process that has only a non-leader thread inside (ip netns pids does not)' {
        $p = Start-ThreadInNamespace "${Prefix}a1"
        if (-not $p) { Set-ItResult -Skipped -Because 'python3 is needed to put one thread of a process into a namespace'; return }
        try {
            Get-IpNetnsPids "${Prefix}a1" | Should -Not -Contain $p.Id -Because 'the leader thread is still in the host namespace'
            (Get-NetNamespace -Name "${Prefix}a1").ProcessCount | Should -Be 1
            (Get-NetNamespace -Name "${Prefix}a1").Processes.Id | Should -Be $p.Id
            (Get-NetNamespace -ProcessId $p.Id).Name | Should -Be "${Prefix}a1"
        }
        finally { $p.Kill(); $p.WaitForExit() }
    }

    Context '-ProcessId' {
        It 'returns every name of the namespace a process is in (attached twice with ip netns attach)' {
            $p = Start-InNewNamespace
            try {
                ip netns attach "${Prefix}id1" $p.Id
                ip netns attach "${Prefix}id2" $p.Id
                $ls = Get-LsInode
                $ls["${Prefix}id1"] | Should -Be (Get-ProcNetInode $p.Id)
                $ls["${Prefix}id2"] | Should -Be (Get-ProcNetInode $p.Id)
                Get-IpNetnsIdentify $p.Id | Should -BeIn "${Prefix}id1", "${Prefix}id2"
                $found = Get-NetNamespace -ProcessId $p.Id
                $found.Name | Should -Be "${Prefix}id1", "${Prefix}id2"
                $found | ForEach-Object { $_.Inode | Should -Be (Get-ProcNetInode $p.Id) }
                $found | ForEach-Object { $_.ProcessCount | Should -Be (Get-IpNetnsPids $_.Name).Count }
            }
            finally { $p.Kill(); $p.WaitForExit() }
        }

        It 'takes process ids <Mode>' -ForEach @(
            @{ Mode = 'from Get-Process (Id by property name)'; Run = { param($id) Get-Process -Id $id | Get-NetNamespace } }
            @{ Mode = 'from objects with a ProcessId property'; Run = { param($id) [pscustomobject]@{ ProcessId = $id } | Get-NetNamespace } }
            @{ Mode = 'with the -Id alias'; Run = { param($id) Get-NetNamespace -Id $id } }
        ) {
            $p = Start-InNewNamespace
            try {
                ip netns attach "${Prefix}idp" $p.Id
                (& $Run $p.Id).Name | Should -Be "${Prefix}idp"
            }
            finally { $p.Kill(); $p.WaitForExit(); ip netns delete "${Prefix}idp" }
        }

        It 'answers for several processes at once' {
            $p = Start-InNewNamespace
            $q = Start-InNamespace "${Prefix}b1"
            try {
                ip netns attach "${Prefix}idm" $p.Id
                (Get-NetNamespace -ProcessId $p.Id, $q.Id).Name | Should -Be "${Prefix}idm", "${Prefix}b1"
            }
            finally { $p.Kill(); $q.Kill(); $p.WaitForExit(); $q.WaitForExit(); ip netns delete "${Prefix}idm" }
        }

        It 'returns what ip netns identify says for a process in the host namespace (none of ours)' {
            $out = @(Get-NetNamespace -ProcessId $PID)
            @($out.Name | Sort-Object) | Should -Be @(Get-IpNetnsIdentify $PID | Sort-Object)
            $out | Where-Object { $_.Name.StartsWith($Prefix) } | Should -BeNullOrEmpty
        }

        It 'returns nothing for a process in an unnamed namespace, as ip netns identify' {
            $p = Start-InNewNamespace
            try {
                Get-NetNamespace -ProcessId $p.Id | Should -BeNullOrEmpty
                Get-IpNetnsIdentify $p.Id | Should -BeNullOrEmpty
            }
            finally { $p.Kill(); $p.WaitForExit() }
        }

        It 'gives ProcessNotFound (ObjectNotFound) for <Label>' -ForEach @(
            @{ Label = 'an unused pid'; Pick = { Get-UnusedPid } }
            @{ Label = 'a pid beyond pid_max'; Pick = { 2147483000 } }
        ) {
            $id = & $Pick
            $err = $null
            Get-NetNamespace -ProcessId $id -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ProcessNotFound,NetnsPS.Commands.GetNetNamespaceCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            { Get-NetNamespace -ProcessId $id -ErrorAction Stop } | Should -Throw -ErrorId 'ProcessNotFound,NetnsPS.Commands.GetNetNamespaceCommand'
        }
    }

    Context 'names with wildcard characters (valid for ip netns)' {
        BeforeAll { ip netns add "${Prefix}a[1]" }   # and "${Prefix}a1" exists: the pattern a[1] matches it
        AfterAll { ip netns delete "${Prefix}a[1]" }

        It 'returns exactly the piped NetNamespace object, not what its name matches as a pattern' {
            $o = Get-NetNamespace | Where-Object Name -CEQ "${Prefix}a[1]"
            $o.Inode | Should -Be (Get-LsInode)["${Prefix}a[1]"]
            $out = @($o | Get-NetNamespace)
            $out.Name | Should -BeExactly "${Prefix}a[1]"
            $out.Inode | Should -Be $o.Inode
        }

        It 'finds the name given as an escaped pattern ([WildcardPattern]::Escape)' {
            $out = @(Get-NetNamespace -Name ([WildcardPattern]::Escape("${Prefix}a[1]")) -ErrorAction SilentlyContinue)
            $out.Name | Should -BeExactly "${Prefix}a[1]"
        }
    }

    Context 'stale entries' {
        It 'reports a plain file in /run/netns as stale, like ip netns list lists it, and Remove-NetNamespace removes it' {
            $path = "/run/netns/${Prefix}stale"
            New-Item -ItemType File -Path $path | Out-Null
            Get-IpNetnsNames | Should -Contain "${Prefix}stale"
            $ns = Get-NetNamespace -Name "${Prefix}stale"
            $ns | Should -BeOfType NetnsPS.NetNamespace
            $ns.IsStale | Should -BeTrue
            $ns.Id | Should -BeNullOrEmpty
            $ns.ProcessCount | Should -Be 0
            $ns.Inode | Should -Be (Get-LsInode)["${Prefix}stale"]
            Test-NsfsMount $path | Should -BeFalse
            (Get-NetNamespace -Name "${Prefix}st*").IsStale | Should -BeTrue
            $err = $null
            Remove-NetNamespace -Name "${Prefix}stale" -ErrorVariable err
            $err | Should -BeNullOrEmpty
            Test-Path $path | Should -BeFalse
            Get-IpNetnsNames | Should -Not -Contain "${Prefix}stale"
        }

        It 'never names a stale entry as the namespace of a process' {
            New-Item -ItemType File -Path "/run/netns/${Prefix}stale2" | Out-Null
            Get-NetNamespace -ProcessId $PID | Where-Object Name -eq "${Prefix}stale2" | Should -BeNullOrEmpty
            Remove-NetNamespace -Name "${Prefix}stale2"
        }
    }
}
