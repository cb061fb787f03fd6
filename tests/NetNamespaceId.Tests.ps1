BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
}
AfterAll { Remove-TestLeftovers }

Describe 'Set-NetNamespaceId and Get-NetNamespaceId' {
    BeforeAll {
        $script:A = "${Prefix}a"; $script:B = "${Prefix}b"; $script:C = "${Prefix}c"
        foreach ($n in $A, $B, $C) { ip netns add $n }
    }
    AfterAll { Remove-TestLeftovers }

    It 'sets an id that ip netns list-id shows, and reads it back' {
        $id = Get-UnusedNsid
        $r = Set-NetNamespaceId -Name $A -Id $id -PassThru
        $r.Id | Should -Be $id
        $r.Namespace | Should -BeExactly $A
        (Get-IpListId | Where-Object name -CEQ $A).nsid | Should -Be $id
        $g = @(Get-NetNamespaceId | Where-Object Namespace -CEQ $A)
        $g | Should -HaveCount 1
        $g[0].Id | Should -Be $id
        $g[0].Inode | Should -Be (Get-FileInode "/run/netns/$A")
        $g[0].SeenFrom | Should -BeExactly ''
    }

    It 'lists the same table as ip netns list-id' {
        $mine = Get-NetNamespaceId
        $ip = Get-IpListId
        $mine.Id | Should -Be @($ip.nsid | Sort-Object)
        foreach ($e in $ip | Where-Object name) {
            ($mine | Where-Object Id -EQ $e.nsid).Namespace | Should -Contain $e.name
        }
    }

    It 'lets the kernel choose with -Auto' {
        $r = Set-NetNamespaceId -Name $B -Auto -PassThru
        $r.Id | Should -Not -BeNullOrEmpty
        (Get-IpListId | Where-Object name -CEQ $B).nsid | Should -Be $r.Id
        # asking again changes nothing
        (Set-NetNamespaceId -Name $B -Auto -PassThru).Id | Should -Be $r.Id
    }

    It 'refuses an id another namespace has (NamespaceIdInUse)' {
        $taken = (Get-IpListId | Where-Object name -CEQ $A).nsid
        { Set-NetNamespaceId -Name $C -Id $taken -ErrorAction Stop } | Should -Throw -ErrorId 'NamespaceIdInUse*'
        Get-IpListId | Where-Object name -CEQ $C | Should -BeNullOrEmpty
    }

    It 'refuses to change an id already set (NamespaceIdAlreadySet)' {
        $now = (Get-IpListId | Where-Object name -CEQ $A).nsid
        { Set-NetNamespaceId -Name $A -Id (Get-UnusedNsid) -ErrorAction Stop } | Should -Throw -ErrorId 'NamespaceIdAlreadySet*'
        (Get-IpListId | Where-Object name -CEQ $A).nsid | Should -Be $now
        # the same id again is no change and no error
        { Set-NetNamespaceId -Name $A -Id $now -ErrorAction Stop } | Should -Not -Throw
    }

    It 'sets and reads ids seen from another namespace (-Namespace), as ip -n NS netns list-id' {
        Set-NetNamespaceId -Namespace $C -Name $A -Id 7
        (Get-IpListId $C | Where-Object name -CEQ $A).nsid | Should -Be 7
        $g = @(Get-NetNamespaceId -Namespace $C)
        $g.Id | Should -Be @((Get-IpListId $C).nsid | Sort-Object)
        ($g | Where-Object Id -EQ 7).Namespace | Should -BeExactly $A
        ($g | Where-Object Id -EQ 7).SeenFrom | Should -BeExactly $C
        $t = Get-NetNamespaceId -Namespace $C -TargetNamespace $A, $B
        ($t | Where-Object Namespace -CEQ $A).Id | Should -Be 7
        ($t | Where-Object Namespace -CEQ $B).Id | Should -BeNullOrEmpty
    }

    It 'supports -WhatIf' {
        Set-NetNamespaceId -Name $C -Auto -WhatIf
        Get-IpListId | Where-Object name -CEQ $C | Should -BeNullOrEmpty
    }
}
