# A lab over two hosts (issue 19): a switch namespace on h1 with a bridge, one port from a client on h1 (a veth) and
# one from each of two servers on h2 (vxlan tunnels that New-NetLab plans and stitches: VNIs, UDP port 4789, MTU =
# underlay MTU minus 50, learning off with a static FDB entry to the other host):
#
#        h1: client (10.20.0.1) --veth-- [br0 in sw, 10.20.0.254] --vxlan-- server (10.20.0.2)  :h2
#                                                                 --vxlan-- backup (10.20.0.3)  :h2
#
# HostName/UserName/KeyFilePath/Port/Options are New-PSSession -HostName's (SSH remoting, as root; NetnsPS of this
# version installed on both: Install-NetnsPSRemote). Fill them in, or leave them out and pass sessions named h1 and h2
# (New-NetLab -Session). Underlay: the address the other host sends tunnel traffic to (default: HostName when it is an
# address); UDP 4789 must pass between the two. Nothing of the lab is on the machine that runs New-NetLab except its
# record (Get-NetLab there lists the hosts; Remove-NetLab there removes both parts).
#
#   $s = New-PSSession -HostName 192.0.2.1, 192.0.2.2 -UserName root -Name h1, h2
#   New-NetLab ./examples/twohost.lab.psd1 -Session $s -Prefix demo-
@{
    Name       = 'twohost'
    Hosts      = @{
        h1 = @{ }
        h2 = @{ }
    }
    Namespaces = @(
        @{ Name = 'client'; Host = 'h1' }
        @{ Name = 'sw'; Host = 'h1' }
        @{ Name = 'server'; Host = 'h2' }
        @{ Name = 'backup'; Host = 'h2' }
    )
    Bridges    = @(
        @{ Namespace = 'sw'; Name = 'br0'; Address = '10.20.0.254/24' }
    )
    Links      = @(
        @{ Endpoints = @(
                @{ Namespace = 'client'; Adapter = 'eth0'; Address = '10.20.0.1/24' }
                @{ Namespace = 'sw'; Adapter = 'p1'; Bridge = 'br0' }
            ) }
        @{ Endpoints = @(
                @{ Namespace = 'server'; Adapter = 'eth0'; Address = '10.20.0.2/24' }
                @{ Namespace = 'sw'; Adapter = 'p2'; Bridge = 'br0' }
            ) }
        @{ Endpoints = @(
                @{ Namespace = 'backup'; Adapter = 'eth0'; Address = '10.20.0.3/24' }
                @{ Namespace = 'sw'; Adapter = 'p3'; Bridge = 'br0' }
            ) }
    )
}
