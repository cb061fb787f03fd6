BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
}
AfterAll { Remove-TestLeftovers }

Describe 'Watch-NetNamespace' {
    AfterAll { Remove-TestLeftovers }

    It 'sees a create and a delete made by ip netns in another process, in order' {
        $name = "${Prefix}w1"
        $script = "/tmp/$($Prefix)watch.sh"
        Set-Content -Path $script -Value "sleep 1; ip netns add $name; sleep 0.3; ip netns del $name"
        $p = Start-Process -FilePath bash -ArgumentList $script -PassThru
        $script:StartedProcesses.Add($p)
        $events = @(Watch-NetNamespace -Name "$Prefix*" -Count 2 -Timeout 15)
        $p.WaitForExit(5000) | Should -BeTrue
        $p.ExitCode | Should -Be 0
        $events | Should -HaveCount 2
        $events[0].Event | Should -Be 'Added'
        $events[0].Name | Should -BeExactly $name
        $events[1].Event | Should -Be 'Removed'
        $events[1].Name | Should -BeExactly $name
        $events[1].Time | Should -BeGreaterOrEqual $events[0].Time
        Test-Path "/run/netns/$name" | Should -BeFalse
    }

    It 'ends after -Timeout with no events' {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        @(Watch-NetNamespace -Name "${Prefix}never" -Timeout 0.5) | Should -HaveCount 0
        $sw.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.45
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 3
    }

    It 'stops promptly when the pipeline is stopped (Ctrl+C)' {
        $ps = [PowerShell]::Create()
        $null = $ps.AddScript("Import-Module '$env:NETNSPS_MODULE_PATH'; Watch-NetNamespace")
        $h = $ps.BeginInvoke()
        Start-Sleep -Milliseconds 1500
        $h.IsCompleted | Should -BeFalse
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $sw.Elapsed.TotalMilliseconds | Should -BeLessThan 1000
        $ps.Dispose()
    }
}
