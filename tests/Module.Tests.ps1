BeforeDiscovery {
    Import-Module $env:NETNSPS_MODULE_PATH
    $script:cmdlets = @((Get-Command -Module NetnsPS).Name)
}
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
}
AfterAll { Remove-TestLeftovers }

Describe 'Module' {
    It 'exports exactly the cmdlets of the manifest, all with approved verbs' {
        $manifest = Import-PowerShellDataFile (Join-Path (Split-Path $env:NETNSPS_MODULE_PATH) 'NetnsPS.psd1')
        $exported = (Get-Command -Module NetnsPS).Name | Sort-Object
        $exported | Should -Be (@($manifest.CmdletsToExport) + @($manifest.FunctionsToExport) | Sort-Object)
        $approved = (Get-Verb).Verb
        foreach ($c in $exported) { $approved | Should -Contain ($c -split '-')[0] }
    }

    It 'exports the lifecycle cmdlet <_> as a binary cmdlet' -ForEach 'New-NetNamespace', 'Get-NetNamespace', 'Remove-NetNamespace', 'Get-NetNamespaceProcess' {
        $c = Get-Command -Module NetnsPS -Name $_ -ErrorAction SilentlyContinue
        $c | Should -Not -BeNullOrEmpty
        $c.CommandType | Should -Be 'Cmdlet'
        $c.ImplementingType.Assembly.GetName().Name | Should -Be 'NetnsPS'
    }

    It 'every changing cmdlet supports -WhatIf and -Confirm' {
        foreach ($c in Get-Command -Module NetnsPS | Where-Object { $_.Verb -in 'New', 'Remove', 'Set', 'Move' }) {
            $c.Parameters.Keys | Should -Contain 'WhatIf' -Because $c.Name
            $c.Parameters.Keys | Should -Contain 'Confirm' -Because $c.Name
        }
    }

    It 'names the namespace readably in -WhatIf targets: "the host namespace", never "((host))"' {
        # A child pwsh (What if: lines go to its host, so to its stdout) in a network namespace of its own (its "host")
        # and a private /run/netns: nothing it would change is ours even if -WhatIf failed.
        $body = @'
ip link add wm0 type ifb
New-NetNamespace wi | Out-Null
Set-NetNamespaceAdapter -Name lo -Mtu 1400 -WhatIf
Set-NetNamespaceAdapter -Namespace wi -Name lo -Mtu 1400 -WhatIf
Remove-NetNamespaceAdapter -Name wm0 -WhatIf
New-NetNamespaceRoute -DestinationPrefix 10.9.0.0/24 -InterfaceAlias lo -WhatIf
Set-NetNamespaceSysctl -HostNamespace -Name net.ipv4.ip_forward -Value 1 -WhatIf
New-NetVethPair -Name a0 -PeerName b0 -PeerNamespace wi -WhatIf
Move-NetAdapterToNamespace -Name wm0 -Namespace wi -WhatIf
Set-NetNamespaceId -Name wi -Auto -WhatIf
'JSON:' + (@{ mtu = (ip -j link show lo | ConvertFrom-Json).mtu; wm0 = @(ip -j link show wm0 | ConvertFrom-Json).Count } | ConvertTo-Json -Compress)
'@
        $child = Invoke-ChildPwsh -Script $body -PrivateRunDir -Wrapper unshare, '--net', '--'
        $child.ExitCode | Should -Be 0 -Because ($child.Output -join "`n")
        $whatIf = @($child.Output | Where-Object { $_ -like 'What if:*' })
        $whatIf | Should -Be @(
            'What if: Performing the operation "Set mtu 1400" on target "lo in the host namespace".'
            'What if: Performing the operation "Set mtu 1400" on target "lo in network namespace ''wi''".'
            'What if: Performing the operation "Remove adapter" on target "wm0 in the host namespace".'
            'What if: Performing the operation "Add route dev lo" on target "10.9.0.0/24 in the host namespace".'
            'What if: Performing the operation "Set to ''1''" on target "net.ipv4.ip_forward in the host namespace".'
            'What if: Performing the operation "Create veth pair" on target "a0 in the host namespace <-> b0 in network namespace ''wi''".'
            'What if: Performing the operation "Move adapter to network namespace ''wi''" on target "wm0 in the host namespace".'
            'What if: Performing the operation "Set namespace id auto" on target "network namespace ''wi'', in the ids of the host namespace".'
        )
        $child.Output -join "`n" | Should -Not -Match '\(host\)'
        $child.Json.mtu | Should -Be 65536 -Because '-WhatIf changed nothing'
        $child.Json.wm0 | Should -Be 1 -Because 'ip still sees wm0 where it was'
    }

    It 'has format views for its output types' {
        foreach ($t in 'NetnsPS.NetNamespace', 'NetnsPS.NetNamespaceAdapter', 'NetnsPS.NetNamespaceAddress', 'NetnsPS.NetNamespaceRoute', 'NetnsPS.NetNamespaceSysctl', 'NetnsPS.NetNamespaceAdapterEvent', 'NetnsPS.NetLabDefinition') {
            Get-FormatData -TypeName $t | Should -Not -BeNullOrEmpty -Because $t
        }
    }

    It 'formats NetnsPS.NetNamespace with its table view (Name, Id, Inode, Processes, Stale)' {
        $view = (Get-FormatData -TypeName NetnsPS.NetNamespace).FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] }
        $view | Should -Not -BeNullOrEmpty
        ($view[0].Control.Headers.Label -join ',') | Should -Be 'Name,Id,Inode,Processes,Stale'
        ip netns add "${Prefix}fmt"
        try {
            $text = (Get-NetNamespace -Name "${Prefix}fmt" | Out-String -Width 200) -replace "\e\[[0-9;]*m"
            $lines = $text -split "`n" | Where-Object { $_.Trim() }
            $lines[0] | Should -Match '^Name\s+Id\s+Inode\s+Processes\s+Stale\s*$'
            $lines[2] | Should -Match "^${Prefix}fmt\s+$(Get-FileInode "/run/netns/${Prefix}fmt")\s+0\s*$"
        }
        finally { ip netns delete "${Prefix}fmt" }
    }

    It 'completes namespace names' {
        New-NetNamespace -Name "${Prefix}comp1" | Out-Null
        try {
            $r = TabExpansion2 -inputScript "Get-NetNamespace -Name ${Prefix}co" -cursorColumn ("Get-NetNamespace -Name ${Prefix}co").Length
            $r.CompletionMatches.CompletionText | Should -Contain "${Prefix}comp1"
        }
        finally { Remove-NetNamespace -Name "${Prefix}comp1" }
    }
}

Describe 'Manifest and strict mode' {
    It 'passes Test-ModuleManifest with the source manifest''s version, the cmdlets it lists and PowerShell 7.4 as minimum' {
        $m = Test-ModuleManifest $env:NETNSPS_MODULE_PATH -ErrorAction Stop
        $source = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../module/NetnsPS.psd1')
        $m.Version | Should -Be ([version]$source.ModuleVersion)
        (Split-Path (Split-Path $env:NETNSPS_MODULE_PATH) -Leaf) | Should -Be $source.ModuleVersion -Because 'the build puts it in output/NetnsPS/<version>'
        $m.PowerShellVersion | Should -Be ([version]'7.4')
        $m.CompatiblePSEditions | Should -Be @('Core')
        @($m.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($source.CmdletsToExport | Sort-Object)
        @($m.ExportedFunctions.Keys) | Should -Be @($source.FunctionsToExport)
    }

    It 'imports and runs under Set-StrictMode -Version Latest in a fresh pwsh (module script, views, types, help, completers)' {
        $ns = "$($Prefix)strict"
        $cmd = @"
Set-StrictMode -Version Latest
`$ErrorActionPreference = 'Stop'
Import-Module '$env:NETNSPS_MODULE_PATH'
New-NetNamespace -Name '$ns' | Out-Null
try {
    `$a = Get-NetNamespaceAdapter -Namespace '$ns' | Set-NetNamespaceAdapter -State Up -PassThru
    `$text = @(Get-NetNamespace -Name '$ns'; `$a; Get-NetNamespaceAddress -Namespace '$ns'; Get-NetNamespaceRoute -Namespace '$ns') | Out-String
    `$r = Invoke-InNetNamespace '$ns' { Get-Item /proc/thread-self/ns/net }
    `$c = (TabExpansion2 -inputScript 'Get-NetNamespace -Name $ns' -cursorColumn $("Get-NetNamespace -Name $ns".Length)).CompletionMatches.Count
    `$h = (Get-Help Enter-NetNamespace).Synopsis
    `$e = Get-Command Enter-NetNamespace
    `$errors = `$Error.Count
    `$strict = try { `$null = `$neverSetAnywhere; `$false } catch { `$true }   # strict mode is really on
    'JSON:' + (@{ strict = `$strict; up = "`$(`$a.State)"; lines = (`$text -split "``n").Count; ifIndex = `$a.ifIndex; inside = [bool]`$r; completions = `$c; help = `$h; errors = `$errors } | ConvertTo-Json -Compress)
}
finally { Remove-NetNamespace -Name '$ns' }
"@
        Push-Location (Split-Path $PSScriptRoot)
        try { $out = @(dotnet pwsh -NoProfile -NonInteractive -Command $cmd 2>&1 | ForEach-Object { "$_" }) }
        finally { Pop-Location }
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $json = ($out | Where-Object { $_.StartsWith('JSON:') } | Select-Object -Last 1)
        $json | Should -Not -BeNullOrEmpty -Because ($out -join "`n")
        $r = $json.Substring(5) | ConvertFrom-Json
        $r.errors | Should -Be 0 -Because ($out -join "`n")
        $r.strict | Should -BeTrue
        $r.up | Should -Be 'Up'
        $r.ifIndex | Should -Be 1
        $r.lines | Should -BeGreaterThan 5
        $r.completions | Should -BeGreaterOrEqual 1
        $r.help | Should -Not -BeNullOrEmpty
        Test-Path "/run/netns/$ns" | Should -BeFalse
    }
}

Describe 'Help' -Tag Help {
    It '<_> has a synopsis, a description, an example and help for every parameter' -ForEach $cmdlets {
        $h = Get-Help $_ -Full
        $h.Synopsis | Should -Not -BeNullOrEmpty
        $h.Synopsis | Should -Not -Match '^\s*\w+-\w+ \['   # the auto-generated syntax means no MAML was found
        $h.description | Should -Not -BeNullOrEmpty
        @($h.examples.example).Count | Should -BeGreaterOrEqual 2
        ($h.relatedLinks.navigationLink | Measure-Object).Count | Should -BeGreaterOrEqual 1
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        foreach ($p in (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $ph = $h.parameters.parameter | Where-Object name -eq $p
            $ph | Should -Not -BeNullOrEmpty -Because "-$p of $_ needs help"
            ($ph.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$p of $_ needs a description"
        }
    }

    It 'about_NetnsPS explains the concepts' {
        $about = Get-Help about_NetnsPS | Out-String
        foreach ($topic in 'What a network namespace is', 'Named and unnamed namespaces', 'Namespaces and threads',
                 'What escapes a namespace in-process', 'WALKTHROUGH') {
            $about | Should -Match $topic
        }
    }
}

Describe 'Output types' {
    It '<Cmd> emits what its OutputType says' -ForEach @(
        @{ Cmd = 'Get-NetNamespace'; Run = { Get-NetNamespace -Name "${Prefix}ot" } }
        @{ Cmd = 'Get-NetNamespaceAdapter'; Run = { Get-NetNamespaceAdapter -Namespace "${Prefix}ot" } }
        @{ Cmd = 'Get-NetNamespaceAddress'; Run = { Get-NetNamespaceAddress -Namespace "${Prefix}ot" } }
        @{ Cmd = 'Get-NetNamespaceRoute'; Run = { Get-NetNamespaceRoute -Namespace "${Prefix}ot" -Table 0 } }
        @{ Cmd = 'Get-NetNamespaceSysctl'; Run = { Get-NetNamespaceSysctl -Namespace "${Prefix}ot" } }
        @{ Cmd = 'Get-NetNamespaceProcess'; Run = { Get-NetNamespaceProcess -Name "${Prefix}ot" } }
    ) {
        New-NetNamespace -Name "${Prefix}ot" | Out-Null
        Set-NetNamespaceAdapter -Namespace "${Prefix}ot" -Name lo -State Up
        $p = Start-InNamespace "${Prefix}ot"
        try {
            $declared = (Get-Command $Cmd).OutputType.Type
            $out = @(& $Run)
            $out.Count | Should -BeGreaterThan 0
            foreach ($o in $out) { $declared | Should -Contain $o.GetType() }
        }
        finally { $p.Kill(); $p.WaitForExit(); Remove-NetNamespace -Name "${Prefix}ot" }
    }

    It 'every exported cmdlet declares an OutputType, and each NetnsPS output type has a format view' {
        foreach ($c in Get-Command -Module NetnsPS) {
            $c.OutputType | Should -Not -BeNullOrEmpty -Because $c.Name
            foreach ($t in $c.OutputType.Type | Where-Object { $_ -and $_.Namespace -eq 'NetnsPS' }) {
                Get-FormatData -TypeName $t.FullName | Should -Not -BeNullOrEmpty -Because "$($c.Name) emits $($t.FullName)"
            }
        }
    }

    It 'aliases: ifIndex on adapters, -ns for -Namespace' {
        New-NetNamespace -Name "${Prefix}al" | Out-Null
        try {
            $lo = Get-NetNamespaceAdapter -ns "${Prefix}al" -Name lo
            $lo.ifIndex | Should -Be $lo.InterfaceIndex
            $lo.InterfaceAlias | Should -Be 'lo'
        }
        finally { Remove-NetNamespace -Name "${Prefix}al" }
    }

    It 'completes adapter names inside the namespace on the command line' {
        New-NetNamespace -Name "${Prefix}ac" | Out-Null
        try {
            ip -n "${Prefix}ac" link add vcomp0 type veth peer name vcomp1
            $line = "Get-NetNamespaceAdapter -Namespace ${Prefix}ac -Name vco"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object | Should -Be 'vcomp0', 'vcomp1'
        }
        finally { Remove-NetNamespace -Name "${Prefix}ac" }
    }
}
