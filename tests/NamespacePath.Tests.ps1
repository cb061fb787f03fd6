# -Namespace by path: a namespace bind-mounted at a temporary path outside /run/netns (made with `unshare --net=FILE`,
# the independent tool) and /proc/PID/ns/net are usable wherever a namespace is taken; other files are refused.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:Path = "/tmp/$($script:NsPrefix)bound"
    New-Item -ItemType File -Path $Path -Force | Out-Null
    unshare --net=$Path true
    if ($LASTEXITCODE -ne 0) { throw "unshare --net=$Path failed" }
    $script:Inode = [uint64](stat -L -c %i $Path)
    $script:Plain = "/tmp/$($script:NsPrefix)plain"
    Set-Content -Path $Plain -Value 'not a namespace'

    function Get-PathLink([string] $Name) {
        # `ip -j -d link` inside the bound namespace (nsenter, the independent tool).
        $json = nsenter "--net=$Path" ip -j -d link show dev $Name 2>$null
        if ($LASTEXITCODE -ne 0 -or -not $json) { return @() }
        @($json | ConvertFrom-Json)
    }
}
AfterAll {
    umount $Path 2>$null
    Remove-Item $Path, $Plain -Force -ErrorAction SilentlyContinue
    Remove-TestLeftovers
}

Describe 'A namespace bind-mounted at a temporary path' {
    It 'is an nsfs mount outside /run/netns' {
        (Get-Content /proc/self/mountinfo | Where-Object { ($_ -split ' ')[4] -eq $Path }) | Should -Not -BeNullOrEmpty
        $Inode | Should -Not -Be ([uint64](stat -L -c %i /proc/self/ns/net))
    }

    It 'creates adapters there with New-NetNamespaceAdapter and lists them with Get-NetNamespaceAdapter' {
        New-NetNamespaceAdapter -Namespace $Path -Name pbr0 -Kind Bridge -ErrorAction Stop | Out-Null
        (Get-PathLink pbr0).linkinfo.info_kind | Should -BeExactly 'bridge'
        Get-OLink '' pbr0 | Should -BeNullOrEmpty -Because 'it went into the bound namespace, not the host'
        $all = Get-NetNamespaceAdapter -Namespace $Path -ErrorAction Stop
        ($all.Name | Sort-Object) -join ',' | Should -BeExactly 'lo,pbr0'
        ($all | Where-Object Name -eq pbr0).InterfaceIndex | Should -Be (Get-PathLink pbr0).ifindex
    }

    It 'adds addresses there with New-NetNamespaceAddress' {
        Set-NetNamespaceAdapter -Namespace $Path -Name lo -State Up -ErrorAction Stop
        New-NetNamespaceAddress -Namespace $Path -InterfaceAlias pbr0 -IPAddress 10.67.0.1/24 -ErrorAction Stop | Out-Null
        $json = nsenter "--net=$Path" ip -4 -j addr show dev pbr0 | ConvertFrom-Json
        $json[0].addr_info.local | Should -Contain '10.67.0.1'
    }

    It 'runs a scriptblock there with Invoke-InNetNamespace' {
        $target = Invoke-InNetNamespace -Namespace $Path -ScriptBlock { (Get-Item /proc/thread-self/ns/net).LinkTarget }
        $target | Should -BeExactly "net:[$Inode]"
        (Get-Item /proc/thread-self/ns/net).LinkTarget | Should -Not -BeExactly "net:[$Inode]"
    }

    It 'accepts /proc/PID/ns/net of a process in a namespace' {
        $ns = New-TestNamespace procns
        New-NetNamespaceAdapter -Namespace $ns -Name procbr0 -Kind Bridge -ErrorAction Stop | Out-Null
        $p = Start-InNamespace -Namespace $ns
        try {
            $names = (Get-NetNamespaceAdapter -Namespace "/proc/$($p.Id)/ns/net" -ErrorAction Stop).Name
            $names | Should -Contain 'procbr0'
        }
        finally { Stop-TestProcess $p }
    }

    It 'refuses a file that is not a network namespace with NotANetworkNamespace' {
        $err = $null
        Get-NetNamespaceAdapter -Namespace $Plain -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NotANetworkNamespace,*'
        Get-ErrorId { New-NetNamespaceAddress -Namespace $Plain -InterfaceAlias lo -IPAddress 10.67.0.9/24 -ErrorAction Stop } |
            Should -BeLike 'NotANetworkNamespace,*'
        Get-ErrorId { New-NetNamespaceAdapter -Namespace $Plain -Name x0 -Kind Bridge -ErrorAction Stop } |
            Should -BeExactly 'NotANetworkNamespace,NetnsPS.Commands.NewNetNamespaceAdapterCommand'
        Get-ErrorId { Invoke-InNetNamespace -Namespace $Plain -ScriptBlock { 1 } -ErrorAction Stop } |
            Should -BeLike 'NotANetworkNamespace,*'
    }
}
