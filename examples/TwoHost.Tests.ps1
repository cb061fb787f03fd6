# A Pester suite on a lab spanning two hosts, to copy. The hosts are parameters (SSH remoting as root, NetnsPS of this
# version on both: Install-NetnsPSRemote -Session ...):
#   $c = New-PesterContainer -Path ./examples/TwoHost.Tests.ps1 -Data @{ Host1 = '192.0.2.1'; Host2 = '192.0.2.2'
#        KeyFilePath = '~/.ssh/lab_ed25519' }
#   Invoke-Pester -Container $c
# The lab is built in BeforeAll and removed in AfterAll on both hosts, so a failing test never leaves anything behind.
param(
    [string] $Host1,
    [string] $Host2,
    [string] $UserName = 'root',
    [string] $KeyFilePath,
    [hashtable] $Options = @{}
)
if (-not ($Host1 -and $Host2)) {
    # Run without hosts (e.g. by the module's own test run, which runs this file against simulated hosts in
    # tests/NetLab.Remote.Tests.ps1): one skipped test that says why.
    Describe 'a bridge on h1 with ports on h2' {
        It 'needs two hosts' {
            Set-ItResult -Skipped -Because 'no hosts given: pass -Data @{ Host1 = ...; Host2 = ... } (tests/NetLab.Remote.Tests.ps1 runs it against two simulated hosts)'
        }
    }
    return
}
BeforeAll {
    Import-Module $(if ($env:NETNSPS_MODULE_PATH) { $env:NETNSPS_MODULE_PATH } else { 'NetnsPS' })
    $connect = @{ UserName = $UserName; Options = $Options }
    if ($KeyFilePath) { $connect.KeyFilePath = $KeyFilePath }
    # The two sessions, named after the definition's hosts: New-NetLab matches them by name; the tests use them too.
    $script:s1 = New-PSSession -HostName $Host1 -Name h1 @connect -ErrorAction Stop
    $script:s2 = New-PSSession -HostName $Host2 -Name h2 @connect -ErrorAction Stop
    $script:lab = New-NetLab -Definition (Join-Path $PSScriptRoot 'twohost.lab.psd1') -Session $s1, $s2 -Prefix "th$([guid]::NewGuid().ToString('N').Substring(0, 6))-"
}
AfterAll {
    if ($lab) { $lab | Remove-NetLab -Force -Confirm:$false }
    Get-PSSession | Where-Object { $_ -in @($s1, $s2) } | Remove-PSSession
}

Describe 'a bridge on h1 with ports on h2' {
    It 'has a part on each host' {
        $lab.Hosts | Sort-Object | Should -Be @('h1', 'h2')
        (Get-NetLab -Session $s1, $s2 -Prefix $lab.Prefix).Namespaces.Count | Should -Be 4
    }

    It 'reaches both servers on h2 from the client on h1 through the bridge (ICMP)' {
        Test-NetNamespaceConnection -Session $s1 -Namespace "$($lab.Prefix)client" -Target 10.20.0.2 -Count 2 -Delay 0 -Quiet | Should -BeTrue
        Test-NetNamespaceConnection -Session $s1 -Namespace "$($lab.Prefix)client" -Target 10.20.0.3 -Count 2 -Delay 0 -Quiet | Should -BeTrue
    }

    It 'gives the tunnels and the bridge an MTU that fits the underlay' {
        $server = Get-NetNamespaceAdapter -Session $s2 -Namespace "$($lab.Prefix)server" -Name eth0
        $server.Mtu | Should -BeLessThan 1500
        (Get-NetNamespaceAdapter -Session $s1 -Namespace "$($lab.Prefix)client" -Name eth0).Mtu | Should -Be $server.Mtu
    }

    It 'runs commands in a namespace on the other host' {
        Invoke-InNetNamespace -Session $s2 -Namespace "$($lab.Prefix)backup" -ScriptBlock { (Get-Content /proc/net/dev -Raw) -match 'eth0' } | Should -BeTrue
    }
}
