BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
}
AfterAll { Remove-TestLeftovers }

Describe 'Get-NetNamespaceProcess' {
    BeforeAll {
        Assert-NoLeftovers
        foreach ($s in 'p1', 'p2', 'empty') { ip netns add "$Prefix$s" }
        $script:procs = @((Start-InNamespace "${Prefix}p1"), (Start-InNamespace "${Prefix}p1"), (Start-InNamespace "${Prefix}p2"))
    }
    AfterAll {
        $procs | ForEach-Object { if (-not $_.HasExited) { $_.Kill(); $_.WaitForExit() } }
        Remove-TestLeftovers
    }

    It 'returns the same processes as ip netns pids (<Name>), as Process objects tagged with the namespace' -ForEach @(
        @{ Name = 'p1' }
        @{ Name = 'p2' }
        @{ Name = 'empty' }
    ) {
        $ours = @(Get-NetNamespaceProcess -Name "$Prefix$Name")
        $ip = Get-IpNetnsPids "$Prefix$Name"
        @($ours.Id | Sort-Object) | Should -Be @($ip | Sort-Object)
        foreach ($o in $ours) {
            $o | Should -BeOfType System.Diagnostics.Process
            $o.NetNamespace | Should -BeExactly "$Prefix$Name"
            Get-ProcNetInode $o.Id | Should -Be (Get-FileInode "/run/netns/$Prefix$Name")
        }
    }

    It 'finds the processes it was given: two in p1, one in p2' {
        (Get-NetNamespaceProcess -Name "${Prefix}p1").Id | Sort-Object | Should -Be ($procs[0].Id, $procs[1].Id | Sort-Object)
        (Get-NetNamespaceProcess -Name "${Prefix}p2").Id | Should -Be $procs[2].Id
    }

    It 'takes namespaces <Mode>' -ForEach @(
        @{ Mode = 'by wildcard'; Run = { param($p) Get-NetNamespaceProcess -Name "${p}p*" } }
        @{ Mode = 'as NetNamespace objects from the pipeline'; Run = { param($p) Get-NetNamespace -Name "${p}p*" | Get-NetNamespaceProcess } }
        @{ Mode = 'with -InputObject'; Run = { param($p) Get-NetNamespaceProcess -InputObject (Get-NetNamespace -Name "${p}p1", "${p}p2") } }
        @{ Mode = 'as names from the pipeline'; Run = { param($p) "${p}p1", "${p}p2" | Get-NetNamespaceProcess } }
        @{ Mode = 'by property name'; Run = { param($p) [pscustomobject]@{ Name = "${p}p1" }, [pscustomobject]@{ Name = "${p}p2" } | Get-NetNamespaceProcess } }
    ) {
        $out = @(& $Run $Prefix)
        $expected = @(Get-IpNetnsPids "${Prefix}p1") + @(Get-IpNetnsPids "${Prefix}p2")
        @($out.Id | Sort-Object) | Should -Be @($expected | Sort-Object)
        foreach ($o in $out) { Get-IpNetnsIdentify $o.Id | Should -Be $o.NetNamespace }
    }

    It 'returns the process whose namespace was attached with New-NetNamespace -ProcessId' {
        $p = Start-InNewNamespace
        try {
            New-NetNamespace -Name "${Prefix}att" -ProcessId $p.Id | Out-Null
            $out = @(Get-NetNamespaceProcess -Name "${Prefix}att")
            $out.Id | Should -Be (Get-IpNetnsPids "${Prefix}att")
            $out.Id | Should -Contain $p.Id
        }
        finally { $p.Kill(); $p.WaitForExit(); ip netns delete "${Prefix}att" }
    }

    It 'includes a process that has only a non-leader thread inside (ip netns pids does not)' {
        $p = Start-ThreadInNamespace "${Prefix}empty"
        if (-not $p) { Set-ItResult -Skipped -Because 'python3 is needed to put one thread of a process into a namespace'; return }
        try {
            Get-IpNetnsPids "${Prefix}empty" | Should -BeNullOrEmpty
            $out = @(Get-NetNamespaceProcess -Name "${Prefix}empty")
            $out.Id | Should -Be $p.Id
            $out[0].NetNamespace | Should -BeExactly "${Prefix}empty"
        }
        finally { $p.Kill(); $p.WaitForExit() }
    }

    It 'returns nothing and no error for a stale entry' {
        New-Item -ItemType File -Path "/run/netns/${Prefix}stale" | Out-Null
        $err = $null
        Get-NetNamespaceProcess -Name "${Prefix}stale" -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
        Remove-Item "/run/netns/${Prefix}stale"
    }

    It 'gives a non-terminating NamespaceNotFound (ObjectNotFound) for a missing name' {
        $err = $null
        $out = @(Get-NetNamespaceProcess -Name "${Prefix}none", "${Prefix}p2" -ErrorVariable err -ErrorAction SilentlyContinue)
        $out.Id | Should -Be $procs[2].Id
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceProcessCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        { Get-NetNamespaceProcess -Name "${Prefix}none" -ErrorAction Stop } |
            Should -Throw -ErrorId 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceProcessCommand'
    }

    It 'looks only into the piped namespace when its name has wildcard characters' {
        ip netns add "${Prefix}p[1]"
        try {
            $o = Get-NetNamespace | Where-Object Name -CEQ "${Prefix}p[1]"
            $o | Get-NetNamespaceProcess | Should -BeNullOrEmpty -Because "'${Prefix}p[1]' is empty; '${Prefix}p1' is another namespace"
        }
        finally { ip netns delete "${Prefix}p[1]" }
    }
}
