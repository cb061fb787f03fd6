# Statements of about_NetnsPS that describe behaviour, each pinned to the text that says it and checked against an
# independent oracle (ip -j, /proc, stat), so the help cannot drift from what the module does.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:About = (Get-Help about_NetnsPS | Out-String) -replace '\s+', ' '
}
AfterAll { Remove-TestLeftovers; Remove-NetNamespace "$Prefix*" -Force -ErrorAction SilentlyContinue }

Describe 'about_NetnsPS' -Tag Help {
    It 'a veth peer in an unnamed namespace: PeerNamespace is its path (not $null) and PeerNamespaceId its nsid' {
        $About | Should -Match ([regex]::Escape('A veth peer that lives in an unnamed namespace shows as PeerNamespace the path of that namespace'))
        $nsA = "${Prefix}pa"
        New-NetNamespace $nsA | Out-Null
        $p = Start-InNewNamespace
        $path = "/proc/$($p.Id)/ns/net"
        New-NetVethPair -Name un0 -PeerName un1 -Namespace $nsA -PeerNamespace $path -ErrorAction Stop | Out-Null
        $a = Get-NetNamespaceAdapter -Namespace $nsA -Name un0
        $a.PeerNamespace | Should -Not -BeNullOrEmpty
        $a.PeerNamespace | Should -BeLike '/*'
        # oracle: the path names the sleeper's namespace (same nsfs inode), ip sees the peer there and the nsid
        Get-FileInode $a.PeerNamespace | Should -Be (Get-ProcNetInode $p.Id)
        $peer = nsenter "--net=$($a.PeerNamespace)" ip -j link show dev un1 | ConvertFrom-Json
        $a.PeerIndex | Should -Be $peer.ifindex
        $a.PeerNamespaceId | Should -Be (ip -n $nsA -j -d link show dev un0 | ConvertFrom-Json).link_netnsid
        # and every -Namespace parameter takes it
        (Get-NetNamespaceAdapter -Namespace $a.PeerNamespace -Name un1).PeerName | Should -Be 'un0'
    }

    It 'removing a name does not destroy a namespace that processes still use; -Force stops them first' {
        $About | Should -Match ([regex]::Escape('Removing a name does not destroy a namespace that processes still use: it lives on, unnamed'))
        $About | Should -Match ([regex]::Escape('with -Force it stops them with SIGKILL before removing the name'))
        $N = "${Prefix}keep"
        New-NetNamespace $N | Out-Null
        $ino = Get-FileInode "/run/netns/$N"
        $p = Start-InNamespace $N
        Remove-NetNamespace $N -WarningVariable w -WarningAction SilentlyContinue
        "$w" | Should -Match "$($p.Id)"
        Test-Path "/run/netns/$N" | Should -BeFalse
        $p.HasExited | Should -BeFalse
        Get-ProcNetInode $p.Id | Should -Be $ino -Because 'the namespace lives on, unnamed, with its process'
        New-NetNamespace $N -ProcessId $p.Id | Out-Null
        Remove-NetNamespace $N -Force
        $p.WaitForExit(5000) | Should -BeTrue -Because '-Force kills the processes inside'
        Test-Path "/run/netns/$N" | Should -BeFalse
    }
}
