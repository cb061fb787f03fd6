# Labs spanning hosts: New-NetLab with Hosts on two simulated hosts (tests/RemoteHosts.ps1: a network namespace, a
# private mount and PID namespace and a real sshd each) and this machine, whose underlay is the fixture's underlay
# namespace. Checked on each host with its own ip (ip -j, bridge -j through nsenter into the host) and with TCP (perl)
# across the vxlan links; nothing here uses the module's own view as the proof.
BeforeDiscovery {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/RemoteHosts.ps1
    $script:Skip = Test-SimulatedHostSupport
}
BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/RemoteHosts.ps1
    $script:Skip = Test-SimulatedHostSupport
    if ($Skip) { return }
    Assert-NoLeftovers
    $script:H1, $script:H2 = New-SimulatedHostPair
    Install-SimulatedHostModule $H1 | Out-Null
    Install-SimulatedHostModule $H2 | Out-Null
    $script:Under = New-SimulatedUnderlay
    # New-PSSession (run by New-NetLab and Remove-NetLab) finds the fixture's ssh wrapper first in PATH.
    $script:SavedPath = $env:PATH
    $env:PATH = "$($Under.SshFolder):$env:PATH"
    $script:Ssh = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }

    function New-HostTable([switch] $IPv6, [switch] $Sessions) {
        $t = @{}
        foreach ($h in $H1, $H2) {
            if ($Sessions) { $t[$h.Name] = @{}; continue }   # New-NetLab -Session: matched by session name
            $t[$h.Name] = @{ HostName = $(if ($IPv6) { "[$($h.Address6)]" } else { $h.Address }); UserName = 'root'
                KeyFilePath = $Under.KeyFilePath; Options = $Ssh }
            if ($IPv6) { $t[$h.Name].Underlay = $h.Address6 }
        }
        $t
    }

    function Get-HostLinks([object] $OnHost, [string] $Namespace) {
        # ip -j -d link in a namespace of a simulated host (or of this machine without -OnHost).
        $cmd = @(Get-OnHostPrefix $OnHost) + @('ip', '-j', '-d', '-n', $Namespace, 'link', 'show')
        $rest = @($cmd | Select-Object -Skip 1)
        @((& $cmd[0] @rest 2>$null) | ConvertFrom-Json)
    }

    function Get-LabTraces([string] $P) {
        # Everything named with $P on every host and here: namespaces, lab state files, vxlan devices left in a host namespace.
        $found = @()
        foreach ($h in $H1, $H2) {
            $found += @(Get-SimulatedHostNetns $h | Where-Object { $_.StartsWith($P) } | ForEach-Object { "$($h.Name): netns $_" })
            $found += @(nsenter -t $h.Pid -m -- ls -1 /run/netnsps/labs 2>$null | Where-Object { $_ -like "$([uri]::EscapeDataString($P))*" } | ForEach-Object { "$($h.Name): state $_" })
            $found += @((Invoke-OnSimulatedHost $h ip -j link show | ConvertFrom-Json) | Where-Object { $_.ifname -like 'nlvx*' } | ForEach-Object { "$($h.Name): link $($_.ifname)" })
        }
        $found += @(Get-IpNetnsNames | Where-Object { $_.StartsWith($P) } | ForEach-Object { "local: netns $_" })
        $found += @(Get-ChildItem /run/netnsps/labs -Filter "$([uri]::EscapeDataString($P))*" -ErrorAction SilentlyContinue | ForEach-Object { "local: state $($_.Name)" })
        $found += @((ip -j -n $Under.Namespace link show | ConvertFrom-Json) | Where-Object { $_.ifname -like 'nlvx*' } | ForEach-Object { "underlay: link $($_.ifname)" })
        $found
    }

    # a (here) -- b (h1) -- c (h2), and a bridge br0 in sw (h1) with ports from d (h2) and e (here).
    function New-SpanDefinition([string] $Name, [switch] $IPv6, [switch] $Bridge, [string] $BadGateway, [switch] $Sessions) {
        $ns = @(@{ Name = 'a' }, @{ Name = 'b'; Host = 'h1' }, @{ Name = 'c'; Host = 'h2' })
        $links = @(
            @{ Endpoints = @{ Namespace = 'a'; Adapter = 'eth0'; Address = '10.91.1.1/24' }, @{ Namespace = 'b'; Adapter = 'eth0'; Address = '10.91.1.2/24' } }
            @{ Endpoints = @{ Namespace = 'b'; Adapter = 'eth1'; Address = '10.91.2.1/24' }, @{ Namespace = 'c'; Adapter = 'eth0'; Address = '10.91.2.2/24' } }
        )
        $bridges = @()
        if ($Bridge) {
            $ns += @{ Name = 'sw'; Host = 'h1' }, @{ Name = 'd'; Host = 'h2' }, @{ Name = 'e' }
            $bridges = @(@{ Namespace = 'sw'; Name = 'br0'; Address = '10.91.3.254/24' })
            $links += @{ Endpoints = @{ Namespace = 'd'; Adapter = 'eth0'; Address = '10.91.3.2/24' }, @{ Namespace = 'sw'; Adapter = 'p1'; Bridge = 'br0' } }
            $links += @{ Endpoints = @{ Namespace = 'e'; Adapter = 'eth0'; Address = '10.91.3.3/24' }, @{ Namespace = 'sw'; Adapter = 'p2'; Bridge = 'br0' } }
        }
        if ($BadGateway) { $ns[2].Routes = @(@{ Destination = '10.99.0.0/16'; Gateway = $BadGateway }) }
        @{ Name = $Name; Hosts = (New-HostTable -IPv6:$IPv6 -Sessions:$Sessions); Underlay = $(if ($IPv6) { '2001:db8::fe' } else { '192.0.2.254' })
            UnderlayNamespace = $Under.Namespace; Namespaces = $ns; Bridges = $bridges; Links = $links }
    }
}
AfterAll {
    if ($Skip) { return }
    $env:PATH = $SavedPath
    Get-ChildItem /run/netnsps/labs -Filter "$([uri]::EscapeDataString($Prefix))*" -ErrorAction SilentlyContinue | Remove-Item -Force
    Stop-SimulatedHosts
    Remove-TestLeftovers
    Assert-NoLeftovers
}

Describe 'A lab over two hosts and this machine' -Skip:([bool]$Skip) {
    BeforeAll {
        $script:P = "$($Prefix)s4-"
        # The hosts given as sessions (named h1 and h2, like the definition's Hosts, which say nothing else).
        $script:S = New-SimulatedSession $H1, $H2
        $script:Lab = New-NetLab (New-SpanDefinition span4 -Bridge -Sessions) -Session $S -Prefix $P -ErrorAction Stop
    }
    AfterAll {
        Remove-NetLab -Prefix $P -Force -ErrorAction SilentlyContinue
        $S | Remove-PSSession
    }

    It 'carries TCP across each vxlan link (IPv4 underlay)' {
        Test-TcpBetween -ServerNamespace "${P}b" -ServerAddress 10.91.1.2 -ServerHost $H1 -ClientNamespace "${P}a" -Port 7101 | Should -Be 'hello over 7101'
        Test-TcpBetween -ServerNamespace "${P}c" -ServerAddress 10.91.2.2 -ServerHost $H2 -ClientNamespace "${P}b" -ClientHost $H1 -Port 7102 | Should -Be 'hello over 7102'
    }

    It 'joins ports on two other hosts through one bridge (here -> br0 on h1 -> h2)' {
        Test-TcpBetween -ServerNamespace "${P}d" -ServerAddress 10.91.3.2 -ServerHost $H2 -ClientNamespace "${P}e" -Port 7103 | Should -Be 'hello over 7103'
        Test-TcpBetween -ServerNamespace "${P}sw" -ServerAddress 10.91.3.254 -ServerHost $H1 -ClientNamespace "${P}d" -ClientHost $H2 -Port 7104 | Should -Be 'hello over 7104'
    }

    It 'sets the overlay MTU to the underlay MTU minus 50 on both ends and the bridge, learning off, one static FDB entry' {
        $a = Get-HostLinks -Namespace "${P}a" | Where-Object ifname -eq 'eth0'
        $b = Get-HostLinks $H1 "${P}b" | Where-Object ifname -eq 'eth0'
        foreach ($l in $a, $b) {
            $l.mtu | Should -Be 1450
            $l.linkinfo.info_kind | Should -Be 'vxlan'
            $l.linkinfo.info_data.learning | Should -BeFalse
            $l.linkinfo.info_data.port | Should -Be 4789
        }
        $a.linkinfo.info_data.id | Should -Be $b.linkinfo.info_data.id
        $a.linkinfo.info_data.local | Should -Be '192.0.2.254'
        $b.linkinfo.info_data.local | Should -Be '192.0.2.1'
        (Get-HostLinks $H1 "${P}sw" | Where-Object ifname -eq 'br0').mtu | Should -Be 1450
        (Get-HostLinks -Namespace "${P}e" | Where-Object ifname -eq 'eth0').mtu | Should -Be 1450
        $fdb = @(Invoke-OnSimulatedHost $H1 ip netns exec "${P}b" bridge -j fdb show dev eth0 | ConvertFrom-Json)
        $fdb.Count | Should -Be 1
        $fdb[0].mac | Should -Be '00:00:00:00:00:00'
        $fdb[0].dst | Should -Be '192.0.2.254'
        $fdb[0].state | Should -Be 'permanent'
        # The VNIs differ per link.
        @((Get-HostLinks $H1 "${P}b").linkinfo.info_data.id | Where-Object { $_ }).Count | Should -Be 2
        ((Get-HostLinks $H1 "${P}b").linkinfo.info_data.id | Sort-Object -Unique).Count | Should -Be 2
    }

    It 'keeps a part on each host, listed by Get-NetLab there (PSComputerName) and here with every host' {
        $here = Get-NetLab -Prefix $P
        $here.Hosts | Sort-Object | Should -Be @('h1', 'h2')
        $here.Host | Should -Be ''
        $here.Namespaces | Sort-Object | Should -Be @("${P}a", "${P}e")
        $parts = Get-NetLab -Session $S -Prefix $P -ErrorAction Stop
        ($parts | Sort-Object PSComputerName).PSComputerName | Should -Be @('192.0.2.1', '192.0.2.2')
        ($parts | Where-Object PSComputerName -eq '192.0.2.1').Namespaces | Sort-Object | Should -Be @("${P}b", "${P}sw")
        ($parts | Where-Object PSComputerName -eq '192.0.2.2').Host | Should -Be 'h2'
        # The record here can reach the hosts without the sessions: their entries were completed from them.
        $here.Definition.Data.Span.Hosts.h1.HostName | Should -Be '192.0.2.1'
        $here.Definition.Data.Span.Hosts.h1.Options.StrictHostKeyChecking | Should -Be 'no'
        Get-SimulatedHostNetns $H2 | Where-Object { $_.StartsWith($P) } | Sort-Object | Should -Be @("${P}c", "${P}d")
    }

    It 'Remove-NetLab here removes every part on every host (new sessions from the record), and again is a no-op' {
        Remove-NetLab -Prefix $P -Force -ErrorAction Stop
        Get-LabTraces $P | Should -BeNullOrEmpty
        { Get-NetLab -Prefix $P -ErrorAction Stop } | Should -Throw -ErrorId 'NetLabNotFound,NetnsPS.Commands.GetNetLabCommand'
    }
}

Describe 'A lab over an IPv6 underlay' -Skip:([bool]$Skip) {
    It 'carries TCP across the vxlan with MTU = underlay MTU minus 70' {
        $P = "$($Prefix)s6-"
        try {
            New-NetLab (New-SpanDefinition span6 -IPv6) -Prefix $P -ErrorAction Stop | Out-Null
            Test-TcpBetween -ServerNamespace "${P}b" -ServerAddress 10.91.1.2 -ServerHost $H1 -ClientNamespace "${P}a" -Port 7201 | Should -Be 'hello over 7201'
            Test-TcpBetween -ServerNamespace "${P}c" -ServerAddress 10.91.2.2 -ServerHost $H2 -ClientNamespace "${P}b" -ClientHost $H1 -Port 7202 | Should -Be 'hello over 7202'
            $c = Get-HostLinks $H2 "${P}c" | Where-Object ifname -eq 'eth0'
            $c.mtu | Should -Be 1430
            $c.linkinfo.info_data.local6 | Should -Be '2001:db8::2'
            $c.linkinfo.info_data.learning | Should -BeFalse
        }
        finally { Remove-NetLab -Prefix $P -Force -ErrorAction SilentlyContinue }
        Get-LabTraces $P | Should -BeNullOrEmpty
    }
}

Describe 'Preflight and rollback' -Skip:([bool]$Skip) {
    It 'refuses a host without NetnsPS before changing anything anywhere' {
        $P = "$($Prefix)pm-"
        Install-SimulatedHostModule $H2 -Remove
        try {
            $e = { New-NetLab (New-SpanDefinition nomod) -Prefix $P -ErrorAction Stop } | Should -Throw -ErrorId 'LabPreflightFailed,NetnsPS.Commands.NewNetLabCommand' -PassThru
            $e.Exception.Message | Should -Match "host 'h2': NetnsPS is not installed"
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        finally { Install-SimulatedHostModule $H2 | Out-Null }
        Get-LabTraces $P | Should -BeNullOrEmpty
    }

    It 'refuses a host with another NetnsPS version' {
        $P = "$($Prefix)pv-"
        Install-SimulatedHostModule $H1 -Version 9.9.9 | Out-Null
        try {
            $e = { New-NetLab (New-SpanDefinition badver) -Prefix $P -ErrorAction Stop } | Should -Throw -ErrorId 'LabPreflightFailed,NetnsPS.Commands.NewNetLabCommand' -PassThru
            $e.Exception.Message | Should -Match "host 'h1': NetnsPS 9.9.9 is installed, not"
        }
        finally { Install-SimulatedHostModule $H1 | Out-Null }
        Get-LabTraces $P | Should -BeNullOrEmpty
    }

    It 'refuses a name already taken on a host, and leaves that name and everything else as it was' {
        $P = "$($Prefix)pt-"
        # -p as well: ip netns add reads /proc/self, and the host's /proc is its PID namespace's.
        nsenter -t $H2.Pid -m -n -p -- ip netns add "${P}c"
        try {
            $e = { New-NetLab (New-SpanDefinition taken) -Prefix $P -ErrorAction Stop } | Should -Throw -ErrorId 'LabPreflightFailed,NetnsPS.Commands.NewNetLabCommand' -PassThru
            $e.Exception.Message | Should -Match "host 'h2': namespace '${P}c' already exists"
            Get-SimulatedHostNetns $H2 | Where-Object { $_.StartsWith($P) } | Should -Be "${P}c"
            Get-SimulatedHostNetns $H1 | Where-Object { $_.StartsWith($P) } | Should -BeNullOrEmpty
            Get-IpNetnsNames | Where-Object { $_.StartsWith($P) } | Should -BeNullOrEmpty
        }
        finally { nsenter -t $H2.Pid -m -n -p -- ip netns delete "${P}c" }
        Get-LabTraces $P | Should -BeNullOrEmpty
    }

    It 'rolls back every host when one host fails in the middle of its part' {
        $P = "$($Prefix)rb-"
        # c's route through a gateway on no subnet of c: h2's part fails at its route step, after its namespaces and tunnel exist.
        $e = { New-NetLab (New-SpanDefinition rollback -BadGateway 10.98.0.1) -Prefix $P -ErrorAction Stop } | Should -Throw -ErrorId 'NetLabBuildFailed,NetnsPS.Commands.NewNetLabCommand' -PassThru
        $e.Exception.Message | Should -Match "host 'h2'"
        $e.Exception.Message | Should -Match 'Every host''s part was removed'
        Get-LabTraces $P | Should -BeNullOrEmpty
    }
}

Describe 'Remove-NetLab after the controlling pwsh was killed' -Skip:([bool]$Skip) {
    It 'removes every part from the state this machine kept' {
        $P = "$($Prefix)kc-"
        $def = New-SpanDefinition killed
        $file = "/tmp/$($Prefix)killed.ps1"
        $ready = "/tmp/$($Prefix)killed.ready"
        # The child builds the lab, says so, and waits to be killed; its sessions die with it.
        Set-Content $file @"
`$ErrorActionPreference = 'Stop'
`$env:PATH = '$($Under.SshFolder):' + `$env:PATH
Import-Module '$env:NETNSPS_MODULE_PATH'
`$def = [System.Management.Automation.PSSerializer]::Deserialize('$([System.Management.Automation.PSSerializer]::Serialize($def, 10) -replace "'", "''")')
New-NetLab `$def -Prefix '$P' | Out-Null
Set-Content '$ready' 'built'
Start-Sleep 600
"@
        $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in 'pwsh', '-NoProfile', '-NonInteractive', '-File', $file) { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = Split-Path $PSScriptRoot
        $psi.UseShellExecute = $false
        $child = [System.Diagnostics.Process]::Start($psi)
        $script:StartedProcesses.Add($child)
        try {
            Wait-Until { (Test-Path $ready) -or $child.HasExited } -Seconds 90 -What "the child pwsh to build the lab"
            Test-Path $ready | Should -BeTrue -Because 'the child pwsh built the lab'
            $child.Kill($true)
            $child.WaitForExit(10000) | Out-Null
            (Get-LabTraces $P).Count | Should -BeGreaterThan 0
            Remove-NetLab -Name killed -Force -ErrorAction Stop
            Get-LabTraces $P | Should -BeNullOrEmpty
            Remove-NetLab -Prefix $P -ErrorAction SilentlyContinue -ErrorVariable again
            Get-ErrorIds $again | Should -Be 'NetLabNotFound,NetnsPS.Commands.RemoveNetLabCommand'
        }
        finally {
            Remove-Item $file, $ready -ErrorAction SilentlyContinue
            Remove-NetLab -Prefix $P -Force -ErrorAction SilentlyContinue
        }
    }
}

Describe 'The two-host example, with the hosts given as sessions' -Skip:([bool]$Skip) {
    It 'runs examples/TwoHost.Tests.ps1 against the two simulated hosts, and leaves nothing behind' {
        # The example opens sessions named h1 and h2 and passes them with New-NetLab -Session (its Hosts have no HostName).
        $pester = (Get-Module Pester).Path
        $before = @(Get-ChildItem /run/netnsps/labs -Filter 'th*' -ErrorAction SilentlyContinue).Name
        $r = Invoke-ChildPwsh -Script @"
Import-Module '$pester'
`$c = New-PesterContainer -Path '$PSScriptRoot/../examples/TwoHost.Tests.ps1' -Data @{ Host1 = '$($H1.Address)'; Host2 = '$($H2.Address)'
    KeyFilePath = '$($Under.KeyFilePath)'; Options = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' } }
`$run = Invoke-Pester -Container `$c -PassThru -Output Normal
'JSON:' + (@{ Passed = `$run.PassedCount; Failed = `$run.FailedCount; Errors = @(`$run.Failed | ForEach-Object { "`$(`$_.ExpandedName): `$(`$_.ErrorRecord)" }) + @(`$run.Containers.ErrorRecord | Where-Object { `$_ } | ForEach-Object { "`$_" }) } | ConvertTo-Json -Compress)
"@
        $r.Json.Errors | Should -BeNullOrEmpty
        $r.Json.Failed | Should -Be 0
        $r.Json.Passed | Should -Be 4
        foreach ($h in $H1, $H2) { Get-SimulatedHostNetns $h | Where-Object { $_ -like 'th*' } | Should -BeNullOrEmpty }
        Get-ChildItem /run/netnsps/labs -Filter 'th*' -ErrorAction SilentlyContinue | Where-Object Name -notin $before |
            Should -BeNullOrEmpty -Because ($r.Output -join "`n")
    }
}
