BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    New-NetNamespace -Name "${Prefix}p1", "${Prefix}p2" | Out-Null
    $script:procs = @((Start-InNamespace "${Prefix}p1"), (Start-InNamespace "${Prefix}p1"), (Start-InNamespace "${Prefix}p2"))
}
AfterAll {
    $procs | ForEach-Object { if (-not $_.HasExited) { $_.Kill(); $_.WaitForExit() } }
    Remove-TestLeftovers
}

Describe 'Get-NetNamespaceProcess' {
    It 'returns the same processes as ip netns pids, as Process objects' {
        $ours = Get-NetNamespaceProcess -Name "${Prefix}p1"
        $ours | ForEach-Object { $_ | Should -BeOfType System.Diagnostics.Process }
        $ip = @(ip netns pids "${Prefix}p1" | ForEach-Object { [int]$_ })
        ($ours.Id | Sort-Object) | Should -Be ($ip | Sort-Object)
        $ours.Id | Should -Contain $procs[0].Id
        $ours.Id | Should -Contain $procs[1].Id
    }

    It 'adds the namespace name as NetNamespace' {
        (Get-NetNamespaceProcess -Name "${Prefix}p2").NetNamespace | Should -Be "${Prefix}p2"
    }

    It 'takes wildcards and NetNamespace objects' {
        (Get-NetNamespaceProcess -Name "${Prefix}p*").Id.Count | Should -Be (@(ip netns pids "${Prefix}p1").Count + @(ip netns pids "${Prefix}p2").Count)
        (Get-NetNamespace -Name "${Prefix}p2" | Get-NetNamespaceProcess).Id | Should -Be $procs[2].Id
    }

    It 'gives NamespaceNotFound for a missing name' {
        { Get-NetNamespaceProcess -Name "${Prefix}none" -ErrorAction Stop } |
            Should -Throw -ErrorId 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceProcessCommand'
    }
}
