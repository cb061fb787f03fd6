# Every example in docs/en-US runs as written, without errors, and leaves no namespace or adapter behind.
BeforeDiscovery {
    $docs = Join-Path $PSScriptRoot '../docs/en-US'
    $script:examples = foreach ($f in Get-ChildItem $docs -Filter '*-*.md') {
        $text = Get-Content $f.FullName -Raw
        $i = 0
        foreach ($m in [regex]::Matches($text, '```powershell\r?\n(.*?)```', 'Singleline')) {
            $i++
            # Examples that need a terminal say so on their first line; they are checked for syntax only.
            @{ Cmdlet = $f.BaseName; Number = $i; Code = $m.Groups[1].Value; Interactive = $m.Groups[1].Value.StartsWith('# interactive') }
        }
    }
}

BeforeAll {
    Import-Module $env:NETNSPS_MODULE_PATH
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
            { $null = & ([scriptblock]::Create($Code)) } | Should -Not -Throw
        }
        finally {
            # Only what this example made: names it spells out, or the docs' demo* names. Other test runs on the
            # machine create namespaces and links meanwhile; deleting every new name would break them.
            $code = $Code
            $new = Get-Snapshot | Where-Object { $_ -notin $before -and ($_ -like 'demo*' -or $code.Contains($_)) }
            foreach ($n in $new) { ip netns delete $n 2>$null; ip link delete $n 2>$null }
        }
        $new | Should -BeNullOrEmpty -Because 'an example must remove what it made'
    }
}
