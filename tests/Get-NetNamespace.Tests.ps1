BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:created = New-NetNamespace -Name "${Prefix}a1", "${Prefix}a2", "${Prefix}b1"
}
AfterAll { Remove-TestLeftovers }

Describe 'Get-NetNamespace' {
    It 'lists every namespace ip lists' {
        $ours = Get-NetNamespace
        foreach ($n in Get-IpNetnsNames) { $ours.Name | Should -Contain $n }
    }

    It 'filters with <Pattern>' -ForEach @(
        @{ Pattern = '*a?'; Expected = 'a1', 'a2' }
        @{ Pattern = '*B1'; Expected = @('b1') }
        @{ Pattern = '*a1'; Expected = @('a1') }
    ) {
        (Get-NetNamespace -Name "$Prefix$Pattern").Name | Should -Be ($Expected | ForEach-Object { "$Prefix$_" })
    }

    It 'reports inode and path like ls -i' {
        $ns = Get-NetNamespace -Name "${Prefix}a1"
        $ns.Inode | Should -Be (Get-FileInode "/run/netns/${Prefix}a1")
        $ns.Path | Should -Be "/run/netns/${Prefix}a1"
        $ns.IsStale | Should -BeFalse
    }

    It 'gives a non-terminating NamespaceNotFound for a missing literal name' {
        $err = $null
        $out = Get-NetNamespace -Name "${Prefix}missing", "${Prefix}a1" -ErrorVariable err -ErrorAction SilentlyContinue
        $out.Name | Should -Be "${Prefix}a1"
        $err[0].FullyQualifiedErrorId | Should -Be 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        { Get-NetNamespace -Name "${Prefix}missing" -ErrorAction Stop } | Should -Throw -ErrorId 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceCommand'
    }

    It 'reports the nsid that ip netns set assigned, and none otherwise' {
        ip netns set "${Prefix}a2" 4711
        (Get-NetNamespace -Name "${Prefix}a2").Id | Should -Be 4711
        (Get-IpNetns | Where-Object name -eq "${Prefix}a2").id | Should -Be 4711
        (Get-NetNamespace -Name "${Prefix}b1").Id | Should -BeNullOrEmpty
    }

    It 'counts processes like ip netns pids' {
        $p1 = Start-InNamespace "${Prefix}b1"; $p2 = Start-InNamespace "${Prefix}b1"
        try {
            $expected = @(ip netns pids "${Prefix}b1").Count
            $expected | Should -BeGreaterOrEqual 2
            (Get-NetNamespace -Name "${Prefix}b1").ProcessCount | Should -Be $expected
        }
        finally { $p1.Kill(); $p2.Kill(); $p1.WaitForExit(); $p2.WaitForExit() }
        (Get-NetNamespace -Name "${Prefix}b1").ProcessCount | Should -Be 0
    }

    Context '-ProcessId' {
        It 'returns every name of the namespace a process is in' {
            $p = Start-InNewNamespace
            try {
                ip netns attach "${Prefix}id1" $p.Id
                ip netns attach "${Prefix}id2" $p.Id
                $found = Get-NetNamespace -ProcessId $p.Id
                $found.Name | Should -Be "${Prefix}id1", "${Prefix}id2"
                $found | ForEach-Object { $_.Inode | Should -Be (Get-ProcNetInode $p.Id) }
                (Get-Process -Id $p.Id | Get-NetNamespace).Name | Should -Be "${Prefix}id1", "${Prefix}id2"
            }
            finally { $p.Kill(); $p.WaitForExit() }
        }

        It 'returns nothing for a process in an unnamed namespace, as ip netns identify' {
            $p = Start-InNewNamespace
            try {
                Get-NetNamespace -ProcessId $p.Id | Should -BeNullOrEmpty
                (ip netns identify $p.Id) | Should -BeNullOrEmpty
            }
            finally { $p.Kill(); $p.WaitForExit() }
        }

        It 'gives ProcessNotFound for a missing process' {
            { Get-NetNamespace -ProcessId 2147483000 -ErrorAction Stop } | Should -Throw -ErrorId 'ProcessNotFound,NetnsPS.Commands.GetNetNamespaceCommand'
        }
    }

    It 'accepts NetNamespace objects from the pipeline' {
        ($created[0] | Get-NetNamespace).Name | Should -Be $created[0].Name
    }

    It 'reports a stale placeholder as stale' {
        New-Item -ItemType File -Path "/run/netns/${Prefix}stale" | Out-Null
        $ns = Get-NetNamespace -Name "${Prefix}stale"
        $ns.IsStale | Should -BeTrue
        Test-NsfsMount "/run/netns/${Prefix}stale" | Should -BeFalse
        Remove-NetNamespace -Name "${Prefix}stale"
        Test-Path "/run/netns/${Prefix}stale" | Should -BeFalse
    }
}
