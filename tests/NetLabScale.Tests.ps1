#Requires -Modules Pester
<#
    A large lab, short form (issue 18): a tree of 150 namespaces (tests/Oracles.ps1 New-TreeLab: a core router,
    routers, hosts, routes) built with New-NetLab and removed with Remove-NetLab, both showing progress on the way
    (read from a PowerShell instance's progress stream). Oracles: ip -j route in every namespace, a TCP connection
    from the first host to the last one across the core (perl sockets), ip netns list and /proc/self/mountinfo.
#>

BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:Count = 150
    $script:Tree = New-TreeLab -Count $script:Count
    $script:LabPrefix = "${Prefix}t"

    function Invoke-WithProgress([string] $Script, [object[]] $Arguments) {
        # Runs $Script ($x, $y: the arguments) in a PowerShell instance of its own (the module imported) and returns its
        # output, errors and progress records.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("param(`$m, `$x, `$y) Import-Module `$m; $Script").AddArgument($env:NETNSPS_MODULE_PATH)
            foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $out = $ps.Invoke()
            [pscustomobject]@{ Output = @($out); Errors = @($ps.Streams.Error); Progress = @($ps.Streams.Progress); Ms = $sw.Elapsed.TotalMilliseconds }
        }
        finally { $ps.Dispose() }
    }

    $script:Build = Invoke-WithProgress 'New-NetLab -Definition $x -Prefix $y' @($script:Tree.Definition, $script:LabPrefix)
    $script:Lab = $script:Build.Output | Select-Object -First 1
    Write-Host ("  built {0} namespaces in {1:N0} ms: {2:0.0} ms per namespace" -f $script:Count, $script:Build.Ms, ($script:Build.Ms / $script:Count))
}

AfterAll {
    Get-ChildItem /run/netnsps/labs -Filter "$([uri]::EscapeDataString($Prefix))*" -ErrorAction SilentlyContinue | Remove-Item -Force
    Remove-TestLeftovers
    Assert-NoLeftovers
}

Describe 'A tree lab of 150 namespaces' {
    It 'New-NetLab builds it without errors, showing progress' {
        $script:Build.Errors | Should -BeNullOrEmpty
        $script:Lab.Namespaces.Count | Should -Be $script:Count
        $bars = @($script:Build.Progress | Where-Object Activity -like "Building lab*")
        $bars.Count | Should -BeGreaterThan 0
        $bars[-1].RecordType | Should -Be 'Completed'
        @(Get-IpNetnsNames | Where-Object { $_.StartsWith($script:LabPrefix, [StringComparison]::Ordinal) }).Count | Should -Be $script:Count
    }

    It 'every namespace has the routes of the definition (ip -j route)' {
        $wrong = foreach ($n in $script:Tree.Definition.Namespaces) {
            $have = @(Get-IpRoute "$script:LabPrefix$($n.Name)" | Where-Object gateway | ForEach-Object { "$($_.dst) via $($_.gateway)" } | Sort-Object)
            $want = @($n.Routes | ForEach-Object { "$($_.Destination) via $($_.Gateway)" } | Sort-Object)
            if (($have -join ';') -ne ($want -join ';')) { "$($n.Name): ip shows '$($have -join ';')', the definition says '$($want -join ';')'" }
        }
        $wrong | Should -BeNullOrEmpty
    }

    It 'carries a TCP connection from the first host to the last one, across two routers and the core' {
        $first, $last = $script:Tree.Hosts[0], $script:Tree.Hosts[-1]
        $first[0] | Should -Not -Be $last[0] -Because 'the hosts hang off different routers'
        $got = Test-TcpBetween -ServerNamespace "$($script:LabPrefix)h$($last[0])-$($last[1])" -ServerAddress "10.$($last[0]).$($last[1]).2" `
            -ClientNamespace "$($script:LabPrefix)h$($first[0])-$($first[1])" -Port 5418
        $got | Should -Be 'hello over 5418'
    }

    It 'Remove-NetLab removes all of it, showing progress: no name, no mount, no state file' {
        $r = Invoke-WithProgress 'Get-NetLab -Prefix $x | Remove-NetLab -Confirm:$false' @($script:LabPrefix)
        Write-Host ("  removed in {0:N0} ms: {1:0.00} ms per namespace" -f $r.Ms, ($r.Ms / $script:Count))
        $r.Errors | Should -BeNullOrEmpty
        $bars = @($r.Progress | Where-Object Activity -like "Removing lab*")
        $bars.Count | Should -BeGreaterThan 1
        $bars[-1].RecordType | Should -Be 'Completed'
        @(Get-IpNetnsNames | Where-Object { $_.StartsWith($script:LabPrefix, [StringComparison]::Ordinal) }) | Should -BeNullOrEmpty
        @(Get-Content /proc/self/mountinfo | Where-Object { $_ -like "*/run/netns/$script:LabPrefix*" }) | Should -BeNullOrEmpty
        Test-Path -LiteralPath $script:Lab.StatePath | Should -BeFalse
    }
}
