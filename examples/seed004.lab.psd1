# Seed 004's lab (`ip netns add ns1`, a veth to a router, forwarding, masquerade), with the outside world replaced
# by a namespace we create, so it runs on a machine with no network at all:
#
#   client (10.0.1.2) --veth-- (10.0.1.1) router (198.51.100.1) --veth-- (198.51.100.2) outside
#
# The router forwards and masquerades what leaves through wan0: the outside namespace sees connections from
# 198.51.100.1, never from 10.0.1.2. Every address lives in namespaces the lab makes (198.51.100.0/24 is
# TEST-NET-2, reserved for documentation); nothing is routed to a real outside address.
#
#   New-NetLab ./examples/seed004.lab.psd1 -Prefix demo-   # namespaces demo-client, demo-router, demo-outside
@{
    Name       = 'seed004'
    Namespaces = @(
        @{ Name = 'client'; Routes = @(@{ Destination = 'default'; Gateway = '10.0.1.1' }) }
        @{ Name = 'router'; Forwarding = $true; Masquerade = 'wan0' }
        @{ Name = 'outside' }
    )
    Links      = @(
        @{ Endpoints = @(
                @{ Namespace = 'client'; Adapter = 'eth0'; Address = '10.0.1.2/24' }
                @{ Namespace = 'router'; Adapter = 'lan0'; Address = '10.0.1.1/24' }
            ) }
        @{ Endpoints = @(
                @{ Namespace = 'router'; Adapter = 'wan0'; Address = '198.51.100.1/24' }
                @{ Namespace = 'outside'; Adapter = 'eth0'; Address = '198.51.100.2/24' }
            ) }
    )
}
