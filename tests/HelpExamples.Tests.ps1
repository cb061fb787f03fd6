# Every example in docs/en-US runs as written, without errors, and leaves no namespace or adapter behind.
BeforeDiscovery {
    $docs = Join-Path $PSScriptRoot '../docs/en-US'
    $script:examples = foreach ($f in Get-ChildItem $docs -Filter '*-*.md') {
        $text = Get-Content $f.FullName -Raw
        $i = 0
        foreach ($m in [regex]::Matches($text, '```powershell\r?\n(.*?)```', 'Singleline')) {
            $i++
            # Examples that need a terminal say so on their first line; they are checked for syntax only.
            # Examples for other hosts start with a comment naming $s (sessions to your hosts); here $s are sessions to two
            # simulated hosts (tests/RemoteHosts.ps1) that have this NetnsPS.
            @{ Cmdlet = $f.BaseName; Number = $i; Code = $m.Groups[1].Value; Interactive = $m.Groups[1].Value.StartsWith('# interactive')
                Remote = $m.Groups[1].Value.StartsWith('# $s:') }
        }
    }
}

BeforeAll {
    Import-Module $env:NETNSPS_MODULE_PATH
    . $PSScriptRoot/RemoteHosts.ps1
    $script:RemoteSessions = $null
    function Get-ExampleSession {
        # Two simulated hosts with this NetnsPS, started for the first example that needs them.
        if (-not $script:RemoteSessions) {
            $hosts = @(New-SimulatedHostPair)
            foreach ($h in $hosts) { Install-SimulatedHostModule $h | Out-Null }
            $script:RemoteHosts = $hosts
            $script:RemoteSessions = @(New-SimulatedSession $hosts)
        }
        $script:RemoteSessions
    }
    function Get-Snapshot {
        @(ip netns list | ForEach-Object { ($_ -split ' ')[0] }) + @(ip -o link show | ForEach-Object { ($_ -split ': ')[1] -replace '@.*' })
    }
}

Describe 'Help examples' -Tag Help {
    It '<Cmdlet> example <Number> runs and cleans up' -ForEach $examples {
        $before = Get-Snapshot
        $ErrorActionPreference = 'Stop'
        try {
            if ($Interactive) { { [scriptblock]::Create($Code) } | Should -Not -Throw; return }
            if ($Remote) {
                $why = Test-SimulatedHostSupport
                if ($why) { Set-ItResult -Skipped -Because "it needs remote hosts: $why"; return }
                $s = Get-ExampleSession
                $before = @($before) + @($script:RemoteHosts | ForEach-Object { Get-SimulatedHostNetns $_ | ForEach-Object { "remote:$_" } })
            }
            { $null = & ([scriptblock]::Create($Code)) } | Should -Not -Throw
        }
        finally {
            # Only what this example made: names it spells out, or the docs' demo* names. Other test runs on the
            # machine create namespaces and links meanwhile; deleting every new name would break them.
            $code = $Code
            $new = Get-Snapshot | Where-Object { $_ -notin $before -and ($_ -like 'demo*' -or $code.Contains($_)) }
            foreach ($n in $new) { ip netns delete $n 2>$null; ip link delete $n 2>$null }
        }
        if ($Remote -and $script:RemoteHosts) {
            $new += @($script:RemoteHosts | ForEach-Object { Get-SimulatedHostNetns $_ | ForEach-Object { "remote:$_" } } | Where-Object { $_ -notin $before })
        }
        $new | Should -BeNullOrEmpty -Because 'an example must remove what it made'
    }
}
AfterAll { Stop-SimulatedHosts }
