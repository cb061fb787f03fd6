BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers

    function Get-LsnsNet {
        # `lsns -t net -J`: namespaces that have processes (ns = inode, pid = lowest pid, nprocs)
        @((lsns -t net -J | ConvertFrom-Json).namespaces)
    }
    function Get-NsenterLink([string] $Path) {
        # `ip -j -d link` inside the namespace behind any nsfs file (an unnamed one), run by nsenter
        @(nsenter "--net=$Path" ip -j -d link | ConvertFrom-Json)
    }
}
AfterAll { Remove-TestLeftovers }

Describe 'Get-NetNamespace -All' {
    AfterAll { Remove-TestLeftovers }

    It 'finds an unnamed namespace (unshare -n) with the PID and inode lsns shows, and loses it when the process is killed' {
        $p = Start-InNewNamespace -Seconds 60
        $ino = Get-ProcNetInode $p.Id
        $lsns = Get-LsnsNet | Where-Object { [uint64]$_.ns -eq $ino }
        $lsns | Should -HaveCount 1
        $lsns.pid | Should -Be $p.Id

        $all = Get-NetNamespace -All
        $ns = @($all | Where-Object Inode -EQ $ino)
        $ns | Should -HaveCount 1
        $ns[0].IsNamed | Should -BeFalse
        $ns[0].Name | Should -BeExactly ''
        $ns[0].IsHost | Should -BeFalse
        $ns[0].Path | Should -BeExactly "/proc/$($p.Id)/ns/net"
        $ns[0].Processes.Id | Should -Be @($p.Id)
        $ns[0].Processes.Name | Should -Be @('sleep')
        $ns[0].ProcessCount | Should -Be $lsns.nprocs
        $ns[0].MountPath | Should -HaveCount 0
        Get-FileInode $ns[0].Path | Should -Be $ino
        # every namespace lsns knows is listed, with the same process count (only the ones that did not change meanwhile)
        $again = Get-LsnsNet
        foreach ($l in Get-LsnsNet) {
            if (-not ($again | Where-Object { $_.ns -eq $l.ns -and $_.nprocs -eq $l.nprocs })) { continue }
            @($all | Where-Object Inode -EQ ([uint64]$l.ns)) | Should -HaveCount 1
        }

        # the object goes to -Namespace as its path: the adapters are those nsenter sees there
        $adapters = @($ns[0] | Get-NetNamespaceAdapter)
        $adapters.Namespace | Should -Be @("/proc/$($p.Id)/ns/net")
        $adapters.Name | Should -Be @((Get-NsenterLink $ns[0].Path).ifname)

        $p.Kill(); $p.WaitForExit()
        Wait-Until -What 'lsns to lose it' { -not (Get-LsnsNet | Where-Object { [uint64]$_.ns -eq $ino }) }
        @(Get-NetNamespace -All | Where-Object Inode -EQ $ino) | Should -HaveCount 0
    }

    It 'marks exactly one namespace as the host, the one this process is in, and pipes it as the host' {
        $all = Get-NetNamespace -All
        $hostNs = @($all | Where-Object IsHost)
        $hostNs | Should -HaveCount 1
        $hostNs[0].Inode | Should -Be (Get-ProcNetInode $PID)
        $hostNs[0].Processes.Id | Should -Contain $PID
        @($hostNs[0] | Get-NetNamespaceAdapter).Namespace | Sort-Object -Unique | Should -BeExactly ''
        (@($hostNs[0] | Get-NetNamespaceAdapter).Name | Sort-Object) | Should -Be ((Get-IpLink '').ifname | Sort-Object)
    }

    It 'finds a namespace bind-mounted outside /run/netns with its mount path, after its process is gone' {
        $p = Start-InNewNamespace -Seconds 60
        $ino = Get-ProcNetInode $p.Id
        $dir = "/tmp/$($Prefix)mnt dir"
        New-Item -ItemType Directory -Path $dir | Out-Null
        $file = "$dir/ns file"
        New-Item -ItemType File -Path $file | Out-Null
        mount --bind "/proc/$($p.Id)/ns/net" $file
        try {
            $p.Kill(); $p.WaitForExit()
            (findmnt -J -t nsfs | ConvertFrom-Json).filesystems.target | Should -Contain $file
            $ns = @(Get-NetNamespace -All | Where-Object Inode -EQ $ino)
            $ns | Should -HaveCount 1
            $ns[0].MountPath | Should -Be @($file)
            $ns[0].Path | Should -BeExactly $file
            $ns[0].ProcessCount | Should -Be 0
            $ns[0].IsNamed | Should -BeFalse
            @($ns[0] | Get-NetNamespaceAdapter).Namespace | Should -Be @($file)
        }
        finally { umount $file }
        @(Get-NetNamespace -All | Where-Object Inode -EQ $ino) | Should -HaveCount 0
    }

    It 'lists named namespaces once, with their mount and the processes ip netns pids shows' {
        $name = "${Prefix}named"
        ip netns add $name
        $p = Start-InNamespace $name
        $all = Get-NetNamespace -All
        $ns = @($all | Where-Object Inode -EQ (Get-FileInode "/run/netns/$name"))
        $ns | Should -HaveCount 1
        $ns[0].Name | Should -BeExactly $name
        $ns[0].IsNamed | Should -BeTrue
        $ns[0].MountPath | Should -Contain "/run/netns/$name"
        $ns[0].Processes.Id | Should -Be (Get-IpNetnsPids $name)
        $ns[0].Processes.Id | Should -Contain $p.Id
        # named ones come first, as Get-NetNamespace lists them
        $named = @($all | Where-Object IsNamed)
        $all[0..($named.Count - 1)].IsNamed | Should -Not -Contain $false
    }

    It 'skips processes that come and go while it scans' {
        $script = "/tmp/$($Prefix)churn.sh"
        Set-Content -Path $script -Value 'for i in $(seq 400); do unshare -n true; done'
        $churn = Start-Process -FilePath bash -ArgumentList $script -PassThru
        $script:StartedProcesses.Add($churn)
        $n = 0
        while (-not $churn.HasExited -and $n -lt 40) {
            { Get-NetNamespace -All -ErrorAction Stop | Out-Null } | Should -Not -Throw
            $n++
        }
        $n | Should -BeGreaterThan 0
    }
}

Describe 'Get-NetNamespaceAdapter -All' {
    BeforeAll {
        # three namespaces, A and B named, C unnamed (held by a process), veths A-B, B-C, C-A, and host-A
        $script:A = "${Prefix}A"; $script:B = "${Prefix}B"
        ip netns add $A; ip netns add $B
        $script:C = Start-InNewNamespace -Seconds 120
        $script:CPath = "/proc/$($C.Id)/ns/net"
        ip -n $A link add "${Prefix}ab" type veth peer name "${Prefix}ba" netns $B
        ip -n $B link add "${Prefix}bc" type veth peer name "${Prefix}cb" netns $C.Id
        ip -n $A link add "${Prefix}ac" type veth peer name "${Prefix}ca" netns $C.Id
        ip link add "${Prefix}ha" type veth peer name "${Prefix}ah" netns $A
        $script:adapters = @(Get-NetNamespaceAdapter -All)
        $script:oracle = @{
            $A = Get-IpLink $A; $B = Get-IpLink $B; $CPath = Get-NsenterLink $CPath; '' = Get-IpLink ''
        }
    }
    AfterAll { Remove-TestLeftovers }

    It 'lists every adapter of every namespace, named, unnamed and the host' {
        foreach ($ns in $A, $B, $CPath, '') {
            $mine = @($adapters | Where-Object { $_.Namespace -ceq $ns }).Name | Sort-Object
            $mine | Should -Be ($oracle[$ns].ifname | Sort-Object) -Because "namespace '$ns'"
        }
        # each namespace once: no adapter object twice
        @($adapters | Group-Object Namespace, InterfaceIndex | Where-Object Count -GT 1) | Should -HaveCount 0
    }

    It 'resolves both ends of <End> across namespaces' -ForEach @(
        @{ End = 'ab'; Ns = 'A'; Peer = 'ba'; PeerNs = 'B' }
        @{ End = 'ba'; Ns = 'B'; Peer = 'ab'; PeerNs = 'A' }
        @{ End = 'bc'; Ns = 'B'; Peer = 'cb'; PeerNs = 'C' }
        @{ End = 'cb'; Ns = 'C'; Peer = 'bc'; PeerNs = 'B' }
        @{ End = 'ac'; Ns = 'A'; Peer = 'ca'; PeerNs = 'C' }
        @{ End = 'ca'; Ns = 'C'; Peer = 'ac'; PeerNs = 'A' }
        @{ End = 'ha'; Ns = 'H'; Peer = 'ah'; PeerNs = 'A' }
        @{ End = 'ah'; Ns = 'A'; Peer = 'ha'; PeerNs = 'H' }
    ) {
        $map = @{ A = $A; B = $B; C = $CPath; H = '' }
        $ns = $map[$Ns]; $peerNs = $map[$PeerNs]
        $a = @($adapters | Where-Object { $_.Namespace -ceq $ns -and $_.Name -ceq "$Prefix$End" })
        $a | Should -HaveCount 1
        $a[0].Kind | Should -Be 'veth'
        $a[0].PeerName | Should -BeExactly "$Prefix$Peer"
        $a[0].PeerNamespace | Should -BeExactly $peerNs
        # oracle: ip's link_index is the peer's ifindex in the peer namespace; link_netnsid is the nsid ip netns list-id shows
        $o = $oracle[$ns] | Where-Object ifname -CEQ "$Prefix$End"
        $peerO = $oracle[$peerNs] | Where-Object ifname -CEQ "$Prefix$Peer"
        $a[0].PeerIndex | Should -Be $o.link_index
        $a[0].PeerIndex | Should -Be $peerO.ifindex
        $a[0].PeerNamespaceId | Should -Be $o.link_netnsid
        $ids = if ($ns -like '/*') { @(nsenter "--net=$ns" ip -j netns list-id | ConvertFrom-Json) } else { Get-IpListId $ns }
        $ids.nsid | Should -Contain $o.link_netnsid
        $named = $ids | Where-Object nsid -EQ $o.link_netnsid
        if ($peerNs -and $peerNs -notlike '/*') { $named.name | Should -BeExactly $peerNs }
    }

    It 'rejects -Namespace together with -All' {
        { Get-NetNamespaceAdapter -All -Namespace $A -ErrorAction Stop } | Should -Throw -ErrorId 'AllWithNamespace*'
    }
}
