# -Session on the cmdlets and Install-NetnsPSRemote, against two simulated hosts (tests/RemoteHosts.ps1: a network
# namespace each with its own mount/PID namespace and a real sshd; PowerShell remoting over SSH with the test's keys).
# Oracles run inside each host's namespaces (nsenter -t <sshd pid> -m -n ip -j ...), never through the module.
BeforeDiscovery {
    . $PSScriptRoot/RemoteHosts.ps1
    $script:NoHosts = Test-SimulatedHostSupport
}
BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/RemoteHosts.ps1
    Assert-NoLeftovers
    $script:Why = Test-SimulatedHostSupport
    if (-not $Why) {
        $script:H1, $script:H2 = New-SimulatedHostPair
        Install-SimulatedHostModule $H1 | Out-Null
        Install-SimulatedHostModule $H2 | Out-Null
        $script:S = @(New-SimulatedSession $H1, $H2)
        $script:Version = (Get-Module NetnsPS).Version.ToString()
    }
    function Get-HostLinks($SimulatedHost, [string] $Namespace) {
        $json = Invoke-OnSimulatedHost $SimulatedHost ip -j -n $Namespace link show 2>$null
        @($json | ConvertFrom-Json | ForEach-Object ifname)
    }
}
AfterAll {
    if (-not $Why) { Stop-SimulatedHosts }
    Remove-TestLeftovers
}

Describe 'Cmdlets with -Session on two hosts' -Skip:([bool]$NoHosts) {
    It 'New-NetNamespace makes the namespace on each host only, objects tagged with PSComputerName' {
        $out = @(New-NetNamespace -Name r1 -Session $S -ErrorAction Stop)
        $out | Should -HaveCount 2
        @($out.PSComputerName | Sort-Object) | Should -Be @('192.0.2.1', '192.0.2.2')
        $out[0].PSObject.TypeNames | Should -Contain 'Deserialized.NetnsPS.NetNamespace'
        Get-SimulatedHostNetns $H1 | Should -Contain 'r1'
        Get-SimulatedHostNetns $H2 | Should -Contain 'r1'
        Test-Path /run/netns/r1 | Should -BeFalse
        foreach ($o in $out) {
            $h = if ($o.PSComputerName -eq $H1.Address) { $H1 } else { $H2 }
            $o.Inode | Should -Be ([long](Invoke-OnSimulatedHost $h stat -L -c %i /run/netns/r1))
        }
    }

    It 'formats deserialized namespaces with the NetNamespace table view' {
        $text = Get-NetNamespace -Session $S -Name r1 | Out-String
        $text | Should -Match 'Stale'   # a label of the view, not a property name
        $text | Should -Not -Match 'RunspaceId'
    }

    It 'Get-NetNamespace lists each host''s own names' {
        Invoke-OnSimulatedHost $H2 ip netns add only2 2>$null | Out-Null
        $all = @(Get-NetNamespace -Session $S -ErrorAction Stop)
        @($all | Where-Object PSComputerName -EQ $H2.Address | ForEach-Object Name | Sort-Object) | Should -Be @('only2', 'r1')
        @($all | Where-Object PSComputerName -EQ $H1.Address | ForEach-Object Name) | Should -Be @('r1')
    }

    It 'New-NetVethPair, New-/Get-NetNamespaceAdapter and Set-NetNamespaceAdapter act on each host' {
        New-NetNamespace -Name r2 -Session $S -ErrorAction Stop | Out-Null
        New-NetVethPair -Name va -Namespace r1 -PeerName vb -PeerNamespace r2 -Session $S -ErrorAction Stop | Out-Null
        New-NetNamespaceAdapter -Namespace r1 -Name rb0 -Kind Bridge -Session $S -ErrorAction Stop | Out-Null
        foreach ($h in $H1, $H2) {
            Get-HostLinks $h r1 | Should -Contain 'va'
            Get-HostLinks $h r1 | Should -Contain 'rb0'
            Get-HostLinks $h r2 | Should -Contain 'vb'
        }
        $a = @(Get-NetNamespaceAdapter -Namespace r1 -Name va -Session $S -ErrorAction Stop)
        $a | Should -HaveCount 2
        @($a.PSComputerName | Sort-Object -Unique) | Should -HaveCount 2
        Get-OLinkNames '' | Should -Not -Contain 'va'
    }

    It 'Invoke-InNetNamespace runs the scriptblock on the host, inside its namespace' {
        $out = @(Invoke-InNetNamespace -Name r1 -Session $S -ScriptBlock { param($x) "$x $((Get-Item /proc/thread-self/ns/net).LinkTarget)" } -ArgumentList hi -ErrorAction Stop)
        $out | Should -HaveCount 2
        foreach ($o in $out) {
            $h = if ($o.PSComputerName -eq $H1.Address) { $H1 } else { $H2 }
            $o | Should -BeExactly "hi net:[$(Invoke-OnSimulatedHost $h stat -L -c %i /run/netns/r1)]"
        }
    }

    It 'errors keep their ErrorId and category and name the host, every host''s under $ErrorActionPreference Stop' {
        $ErrorActionPreference = 'Stop'
        $errs = $null
        Remove-NetNamespace -Name gone -Session $S -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -HaveCount 2
        Get-ErrorIds $errs | Should -Be (@('NamespaceNotFound,NetnsPS.Commands.RemoveNetNamespaceCommand') * 2)
        @($errs.CategoryInfo.Category | Sort-Object -Unique) | Should -Be 'ObjectNotFound'
        @($errs | ForEach-Object PSComputerName | Sort-Object) | Should -Be @('192.0.2.1', '192.0.2.2')
        { Remove-NetNamespace -Name gone -Session $S[0] -ErrorAction Stop } | Should -Throw -ErrorId 'NamespaceNotFound,NetnsPS.Commands.RemoveNetNamespaceCommand'
    }

    It '-WhatIf asks here, naming each host, and changes nothing there' {
        $before1 = Get-SimulatedHostNetns $H1
        Remove-NetNamespace -Name r1 -Session $S -WhatIf -InformationVariable info 6>$null
        Get-SimulatedHostNetns $H1 | Should -Be $before1
        Get-SimulatedHostNetns $H2 | Should -Contain 'r1'
    }

    It 'Get | Remove sends each piped namespace to the session of its host only' {
        Get-NetNamespace -Name r2 -Session $S[1] -ErrorAction Stop | Remove-NetNamespace -Session $S -ErrorAction Stop
        Get-SimulatedHostNetns $H2 | Should -Not -Contain 'r2'
        Get-SimulatedHostNetns $H1 | Should -Contain 'r2'
    }

    It 'a piped object from a host without a session is RemoteHostNotInSession' {
        $o = Get-NetNamespace -Name r2 -Session $S[0] -ErrorAction Stop
        { $o | Remove-NetNamespace -Session $S[1] -ErrorAction Stop } | Should -Throw -ErrorId 'RemoteHostNotInSession,NetnsPS.Commands.RemoveNetNamespaceCommand'
        Get-SimulatedHostNetns $H1 | Should -Contain 'r2'
    }

    It 'New-NetNamespaceSession cannot run with -Session: RemoteNotSupported' {
        { New-NetNamespaceSession -Namespace r1 -Session $S -ErrorAction Stop } | Should -Throw -ErrorId 'RemoteNotSupported,NetnsPS.Commands.NewNetNamespaceSessionCommand'
    }

    It 'Watch-NetNamespace -Session streams the host''s events as they happen' {
        $p = Start-Process sh -ArgumentList '-c', "`"sleep 1; nsenter -t $($H1.Pid) -m -n ip netns add watched 2>/dev/null`"" -PassThru
        $script:StartedProcesses.Add($p)
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $e = @(Watch-NetNamespace -Session $S[0] -Count 1 -Timeout 30 -ErrorAction Stop)
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 20
        $e | Should -HaveCount 1
        $e[0].Name | Should -BeExactly 'watched'
        $e[0].PSComputerName | Should -Be $H1.Address
        Get-SimulatedHostNetns $H1 | Should -Contain 'watched'
    }

    It '-ThrottleLimit 1 still reaches every host' {
        @(Get-NetNamespace -Name r1 -Session $S -ThrottleLimit 1 -ErrorAction Stop) | Should -HaveCount 2
    }
}

Describe 'Remote module version' -Skip:([bool]$NoHosts) {
    It 'a host without NetnsPS is RemoteModuleMissing and nothing is made there; Install-NetnsPSRemote fixes it' {
        $h3 = Start-SimulatedHost -Name h3 -Address 192.0.2.3
        $s3 = New-SimulatedSession $h3
        $errs = $null
        $out = @(New-NetNamespace -Name r9 -Session ($S[0], $s3) -ErrorVariable errs -ErrorAction SilentlyContinue)
        Get-ErrorIds $errs | Should -Be 'RemoteModuleMissing,NetnsPS.Commands.NewNetNamespaceCommand'
        $errs[0].PSComputerName | Should -Be '192.0.2.3'
        "$errs" | Should -Match 'Install-NetnsPSRemote'
        $out.PSComputerName | Should -Be '192.0.2.1'
        Get-SimulatedHostNetns $h3 | Should -BeNullOrEmpty

        $i = Install-NetnsPSRemote -Session $s3 -ErrorAction Stop
        $i.Version | Should -Be $Version
        $i.Path | Should -Be "$($h3.RemoteModuleFolder)/NetnsPS/$Version"
        Test-Path "$($h3.ModuleFolder)/NetnsPS/$Version/NetnsPS.dll" | Should -BeTrue
        (New-NetNamespace -Name r9 -Session $s3 -ErrorAction Stop).PSComputerName | Should -Be '192.0.2.3'
        Get-SimulatedHostNetns $h3 | Should -Be 'r9'
    }

    It 'a host with another version is RemoteModuleVersionMismatch' {
        $h4 = Start-SimulatedHost -Name h4 -Address 192.0.2.4
        Install-SimulatedHostModule $h4 -Version 9.9.9 | Out-Null
        $s4 = New-SimulatedSession $h4
        $e = Get-ErrorId { Get-NetNamespace -Session $s4 -ErrorAction Stop }
        $e | Should -Be 'RemoteModuleVersionMismatch,NetnsPS.Commands.GetNetNamespaceCommand'
        { Get-NetNamespace -Session $s4 -ErrorAction Stop } | Should -Throw '*9.9.9*Install-NetnsPSRemote*'
        Invoke-Command $s4 { Get-Module NetnsPS } | Should -BeNullOrEmpty
    }

    It 'Install-NetnsPSRemote -WhatIf copies nothing' {
        $h5 = Start-SimulatedHost -Name h5 -Address 192.0.2.5
        $s5 = New-SimulatedSession $h5
        Install-NetnsPSRemote -Session $s5 -WhatIf | Should -BeNullOrEmpty
        Test-Path "$($h5.ModuleFolder)/NetnsPS" | Should -BeFalse
    }
}
