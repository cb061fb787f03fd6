# A Pester suite built on a lab, to copy: the lab is made in BeforeAll and removed in AfterAll, so a failing test
# (or a failing BeforeAll) never leaks namespaces. Run it as root:
#   Invoke-Pester ./examples/Seed004.Tests.ps1
BeforeAll {
    Import-Module $(if ($env:NETNSPS_MODULE_PATH) { $env:NETNSPS_MODULE_PATH } else { 'NetnsPS' })
    # A prefix of our own, so this suite never meets another run's namespaces.
    $script:lab = New-NetLab -Definition (Join-Path $PSScriptRoot 'seed004.lab.psd1') -Prefix "s4$([guid]::NewGuid().ToString('N').Substring(0, 6))-"
    $script:client = $lab.NamespaceOf('client')
    $script:router = $lab.NamespaceOf('router')
    $script:outside = $lab.NamespaceOf('outside')
}
AfterAll {
    if ($lab) { $lab | Remove-NetLab -Force -Confirm:$false }
}

Describe 'seed 004: a client behind a masquerading router' {
    It 'gives the client a default route through the router' {
        $r = Get-NetNamespaceRoute -Namespace $client -DestinationPrefix default
        $r.NextHop | Should -Be '10.0.1.1'
    }

    It 'reaches the outside address with ICMP' {
        Test-NetNamespaceConnection -Namespace $client -Target 198.51.100.2 -Count 2 -Delay 0 -Quiet | Should -BeTrue
    }

    It 'shows the outside only the router address (NAT)' {
        # A listener in the outside namespace: sockets keep the namespace they were created in.
        $listener = New-NetNamespaceSocket -Namespace $outside
        try {
            $listener.Bind([System.Net.IPEndPoint]::new([ipaddress]'198.51.100.2', 8080))
            $listener.Listen()
            (Test-NetNamespaceConnection -Namespace $client -Target 198.51.100.2 -Port 8080).Success | Should -BeTrue
            $accepted = $listener.Accept()
            $accepted.RemoteEndPoint.Address.ToString() | Should -Be '198.51.100.1'
            $accepted.Dispose()
        }
        finally { $listener.Dispose() }
    }

    It 'stops forwarding when the router stops' {
        Set-NetNamespaceSysctl -Namespace $router -Name net.ipv4.ip_forward -Value 0
        try {
            Test-NetNamespaceConnection -Namespace $client -Target 198.51.100.2 -TimeoutSeconds 0.5 -Quiet | Should -BeFalse
        }
        finally { Set-NetNamespaceSysctl -Namespace $router -Name net.ipv4.ip_forward -Value 1 }
    }

    It 'keeps the outside unreachable from the host (nothing is routed outside the lab)' {
        Get-NetNamespaceRoute -DestinationPrefix 198.51.100.0/24 | Should -BeNullOrEmpty
    }
}
