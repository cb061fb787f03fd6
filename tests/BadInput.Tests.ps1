<#
    The bad input catalogue: every input class per cmdlet, with the ErrorId and ErrorCategory it must produce.
    The same table is docs/en-US/about_NetnsPS_Errors.md (a test below keeps the two equal). Rows with an Env run in
    a child pwsh inside a private mount namespace (unshare -m) whose /run is a fresh tmpfs: missing /run/netns,
    read-only /run, read-only /run/netns; PidSandbox also in a new PID and network namespace (unshare --pid --fork
    --mount-proc --net), for a row that would stop processes if it went wrong. The real /run is never changed.
    In Call: $ns is a namespace with veth prb0 (up, 10.77.0.1/24, route 10.78.0.0/16, permanent neighbor 10.77.0.5)
    and prb1 (down), and a bridge pbr0 (down, no ports); $ns2 a second namespace, with nsid $nsid in the host; $missing a
    name that does not exist; $unused a pid no process has; $lab a lab prefix ($Prefix + 'l-'); $codePsd1 a .psd1
    file with a command in it, $badJson a malformed .json file.
#>
BeforeDiscovery {
    $script:Catalogue = @(
        # Cmdlet, input class, call, ErrorId, category [, Env]
        @{ Cmdlet = 'New-NetNamespace'; Class = 'empty name'; Call = "New-NetNamespace ''"; Id = 'ParameterArgumentValidationErrorEmptyStringNotAllowed'; Category = 'InvalidData' }
        @{ Cmdlet = 'New-NetNamespace'; Class = 'name with /'; Call = "New-NetNamespace 'a/b'"; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespace'; Class = 'name . or ..'; Call = "New-NetNamespace '..'"; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespace'; Class = 'name over 255 bytes'; Call = "New-NetNamespace ('x' * 256)"; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespace'; Class = 'name with NUL'; Call = "New-NetNamespace ""a``0b"""; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespace'; Class = 'existing name'; Call = 'New-NetNamespace $ns'; Id = 'NamespaceAlreadyExists'; Category = 'ResourceExists' }
        @{ Cmdlet = 'New-NetNamespace'; Class = 'unknown PID'; Call = 'New-NetNamespace "${missing}p" -ProcessId $unused'; Id = 'ProcessNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespace'; Class = 'name with /'; Call = "Get-NetNamespace 'a/b'"; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Get-NetNamespace'; Class = 'unknown namespace'; Call = 'Get-NetNamespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespace'; Class = 'unknown PID'; Call = 'Get-NetNamespace -ProcessId $unused'; Id = 'ProcessNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespace'; Class = 'pipeline object with an unknown Id'; Call = '[pscustomobject]@{ Id = $unused } | Get-NetNamespace'; Id = 'ProcessNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespace'; Class = 'invalid wildcard pattern'; Call = "Get-NetNamespace 'ns['"; Id = 'InvalidWildcardPattern'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Remove-NetNamespace'; Class = 'unknown namespace'; Call = 'Remove-NetNamespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Remove-NetNamespace'; Class = 'name with /'; Call = "Remove-NetNamespace 'a/b'"; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Remove-NetNamespace'; Class = 'path that is not nsfs'; Call = "Remove-NetNamespace '/etc/hostname'"; Id = 'NotANetworkNamespace'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Remove-NetNamespace'; Class = 'pipeline object without Name'; Call = '[pscustomobject]@{ Foo = 1 } | Remove-NetNamespace -WhatIf'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespaceProcess'; Class = 'unknown namespace'; Call = 'Get-NetNamespaceProcess $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespaceAdapter'; Class = 'unknown namespace'; Call = 'Get-NetNamespaceAdapter -Namespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespaceAdapter'; Class = 'path that is not nsfs'; Call = "Get-NetNamespaceAdapter -Namespace '/etc/hostname'"; Id = 'NotANetworkNamespace'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Get-NetNamespaceAdapter'; Class = 'unknown adapter'; Call = 'Get-NetNamespaceAdapter -Namespace $ns -Name nosuch0'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespaceAdapter'; Class = 'invalid wildcard pattern'; Call = "Get-NetNamespaceAdapter -Namespace `$ns -Name 'eth['"; Id = 'InvalidWildcardPattern'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'unknown namespace'; Call = 'Set-NetNamespaceAdapter -Namespace $missing -Name prb0 -State Up'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'unknown adapter'; Call = 'Set-NetNamespaceAdapter -Namespace $ns -Name nosuch0 -State Up'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'invalid wildcard pattern'; Call = "Set-NetNamespaceAdapter -Namespace `$ns -Name 'prb[' -State Up"; Id = 'InvalidWildcardPattern'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'invalid MAC address'; Call = 'Set-NetNamespaceAdapter -Namespace $ns -Name prb0 -MacAddress zz'; Id = 'InvalidMacAddress'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'MTU below the minimum'; Call = 'Set-NetNamespaceAdapter -Namespace $ns -Name prb0 -Mtu 10'; Id = 'InvalidAdapterArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'new name over 15 bytes'; Call = "Set-NetNamespaceAdapter -Namespace `$ns -Name prb0 -NewName ('y' * 16)"; Id = 'InvalidAdapterName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'state not Up or Down'; Call = 'Set-NetNamespaceAdapter -Namespace $ns -Name prb0 -State Sideways'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'wrong type from the pipeline'; Call = 'Get-Date | Set-NetNamespaceAdapter -Namespace $ns -State Up'; Id = 'InputObjectNotBound'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Remove-NetNamespaceAdapter'; Class = 'unknown adapter'; Call = 'Remove-NetNamespaceAdapter -Namespace $ns -Name nosuch0 -Confirm:$false'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Remove-NetNamespaceAdapter'; Class = 'loopback (cannot be deleted)'; Call = 'Remove-NetNamespaceAdapter -Namespace $ns -Name lo -Confirm:$false'; Id = 'AdapterOperationNotSupported'; Category = 'NotImplemented' }
        @{ Cmdlet = 'New-NetVethPair'; Class = 'name over 15 bytes'; Call = "New-NetVethPair -Name ('v' * 16) -PeerName vp0 -Namespace `$ns"; Id = 'InvalidAdapterName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetVethPair'; Class = 'name with whitespace'; Call = "New-NetVethPair -Name 'a b' -PeerName vp0 -Namespace `$ns"; Id = 'InvalidAdapterName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetVethPair'; Class = 'same name twice in one namespace'; Call = 'New-NetVethPair -Name vq0 -PeerName vq0 -Namespace $ns'; Id = 'InvalidAdapterName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetVethPair'; Class = 'existing adapter name'; Call = 'New-NetVethPair -Name prb0 -PeerName vq1 -Namespace $ns'; Id = 'AdapterAlreadyExists'; Category = 'ResourceExists' }
        @{ Cmdlet = 'New-NetVethPair'; Class = 'unknown peer namespace'; Call = 'New-NetVethPair -Name vq0 -PeerName vq1 -Namespace $ns -PeerNamespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetVethPair'; Class = 'NetNamespace from the pipeline (no names)'; Call = 'Get-NetNamespace $ns | New-NetVethPair'; Id = 'InputObjectMissingMandatory'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Move-NetAdapterToNamespace'; Class = 'netns-local device (lo)'; Call = 'Move-NetAdapterToNamespace -Name lo -SourceNamespace $ns -Namespace $ns2'; Id = 'AdapterNetnsLocal'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Move-NetAdapterToNamespace'; Class = 'unknown adapter'; Call = 'Move-NetAdapterToNamespace -Name nosuch0 -SourceNamespace $ns -Namespace $ns2'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Move-NetAdapterToNamespace'; Class = 'unknown PID'; Call = 'Move-NetAdapterToNamespace -Name prb0 -SourceNamespace $ns -ProcessId $unused'; Id = 'ProcessNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Move-NetAdapterToNamespace'; Class = 'unknown namespace'; Call = 'Move-NetAdapterToNamespace -Name prb0 -SourceNamespace $ns -Namespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Move-NetAdapterToNamespace'; Class = 'new name taken in the target'; Call = 'Move-NetAdapterToNamespace -Name prb1 -SourceNamespace $ns -Namespace $ns2 -NewName lo'; Id = 'AdapterAlreadyExists'; Category = 'ResourceExists' }
        @{ Cmdlet = 'New-NetNamespaceAddress'; Class = 'invalid address'; Call = 'New-NetNamespaceAddress -Namespace $ns -InterfaceAlias prb0 -IPAddress 999.1.1.1 -PrefixLength 24'; Id = 'InvalidIPAddress'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAddress'; Class = 'IPv4 prefix over 32'; Call = 'New-NetNamespaceAddress -Namespace $ns -InterfaceAlias prb0 -IPAddress 10.77.1.1 -PrefixLength 33'; Id = 'InvalidPrefixLength'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAddress'; Class = 'prefix over 128'; Call = 'New-NetNamespaceAddress -Namespace $ns -InterfaceAlias prb0 -IPAddress fd00::1 -PrefixLength 129'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'New-NetNamespaceAddress'; Class = 'unknown adapter'; Call = 'New-NetNamespaceAddress -Namespace $ns -InterfaceAlias nosuch0 -IPAddress 10.77.1.1 -PrefixLength 24'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetNamespaceAddress'; Class = 'address already there'; Call = 'New-NetNamespaceAddress -Namespace $ns -InterfaceAlias prb0 -IPAddress 10.77.0.1 -PrefixLength 24'; Id = 'AddressAlreadyExists'; Category = 'ResourceExists' }
        @{ Cmdlet = 'Remove-NetNamespaceAddress'; Class = 'address not there'; Call = 'Remove-NetNamespaceAddress -Namespace $ns -IPAddress 10.77.9.9 -PrefixLength 24 -InterfaceAlias prb0 -Confirm:$false'; Id = 'AddressNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Remove-NetNamespaceAddress'; Class = 'invalid address'; Call = 'Remove-NetNamespaceAddress -Namespace $ns -IPAddress nonsense -Confirm:$false'; Id = 'InvalidIPAddress'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Get-NetNamespaceAddress'; Class = 'unknown address family'; Call = 'Get-NetNamespaceAddress -Namespace $ns -AddressFamily IPv5'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'New-NetNamespaceRoute'; Class = 'prefix length over 32'; Call = 'New-NetNamespaceRoute -Namespace $ns -DestinationPrefix 10.0.0.0/40 -InterfaceAlias prb0'; Id = 'InvalidPrefixLength'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceRoute'; Class = 'prefix that is not an address'; Call = 'New-NetNamespaceRoute -Namespace $ns -DestinationPrefix banana -InterfaceAlias prb0'; Id = 'InvalidIPAddress'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceRoute'; Class = 'IPv4 prefix with host bits set'; Call = 'New-NetNamespaceRoute -Namespace $ns -DestinationPrefix 10.9.1.1/16 -InterfaceAlias prb0'; Id = 'InvalidDestinationPrefix'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceRoute'; Class = 'IPv6 prefix with host bits set'; Call = 'New-NetNamespaceRoute -Namespace $ns -DestinationPrefix fd00:97::1/48 -InterfaceAlias prb0'; Id = 'InvalidDestinationPrefix'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceRoute'; Class = 'unreachable IPv4 gateway'; Call = 'New-NetNamespaceRoute -Namespace $ns -DestinationPrefix 10.88.0.0/16 -NextHop 192.0.2.1'; Id = 'RouteGatewayUnreachable'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceRoute'; Class = 'unreachable IPv6 gateway'; Call = 'New-NetNamespaceRoute -Namespace $ns -DestinationPrefix fd00:88::/64 -NextHop fd00:99::1'; Id = 'RouteGatewayUnreachable'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceRoute'; Class = 'neither gateway nor adapter'; Call = 'New-NetNamespaceRoute -Namespace $ns -DestinationPrefix 10.89.0.0/16'; Id = 'InvalidRoute'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceRoute'; Class = 'unknown adapter'; Call = 'New-NetNamespaceRoute -Namespace $ns -DestinationPrefix 10.89.0.0/16 -InterfaceAlias nosuch0'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetNamespaceRoute'; Class = 'route already there'; Call = 'New-NetNamespaceRoute -Namespace $ns -DestinationPrefix 10.78.0.0/16 -InterfaceAlias prb0'; Id = 'RouteAlreadyExists'; Category = 'ResourceExists' }
        @{ Cmdlet = 'New-NetNamespaceRoute'; Class = 'adapter down'; Call = 'New-NetNamespaceRoute -Namespace $ns -DestinationPrefix 10.89.0.0/16 -InterfaceAlias prb1'; Id = 'RouteAddFailed'; Category = 'InvalidOperation' }
        @{ Cmdlet = 'Remove-NetNamespaceRoute'; Class = 'route not there'; Call = 'Remove-NetNamespaceRoute -Namespace $ns -DestinationPrefix 10.90.0.0/16 -Confirm:$false'; Id = 'RouteNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Remove-NetNamespaceRoute'; Class = 'prefix with host bits set'; Call = 'Remove-NetNamespaceRoute -Namespace $ns -DestinationPrefix 10.78.1.1/16 -Confirm:$false'; Id = 'InvalidDestinationPrefix'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Get-NetNamespaceSysctl'; Class = 'unknown sysctl'; Call = 'Get-NetNamespaceSysctl -Namespace $ns -Name net.ipv4.nonexistent'; Id = 'SysctlNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespaceSysctl'; Class = 'path escaping /proc/sys/net'; Call = 'Get-NetNamespaceSysctl -Namespace $ns -Name ../../etc/passwd'; Id = 'InvalidSysctlName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Get-NetNamespaceSysctl'; Class = 'sysctl outside net.*'; Call = 'Get-NetNamespaceSysctl -Namespace $ns -Name kernel.hostname'; Id = 'InvalidSysctlName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceSysctl'; Class = 'unknown sysctl'; Call = 'Set-NetNamespaceSysctl -Namespace $ns -Name net.ipv4.nonexistent -Value 1'; Id = 'SysctlNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Set-NetNamespaceSysctl'; Class = 'value the kernel refuses'; Call = 'Set-NetNamespaceSysctl -Namespace $ns -Name net.ipv4.ip_forward -Value banana'; Id = 'SysctlWriteFailed'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Invoke-InNetNamespace'; Class = 'unknown namespace'; Call = 'Invoke-InNetNamespace -Namespace $missing { 1 }'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Invoke-InNetNamespace'; Class = 'program not found'; Call = 'Invoke-InNetNamespace -Namespace $ns -FilePath /nonexistent/prog'; Id = 'ProgramNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Invoke-InNetNamespace'; Class = 'file without execute permission'; Call = 'Invoke-InNetNamespace -Namespace $ns -FilePath $noexec'; Id = 'ProgramNotExecutable'; Category = 'PermissionDenied' }
        @{ Cmdlet = 'Invoke-InNetNamespace'; Class = 'non-zero exit with PSNativeCommandUseErrorActionPreference'; Call = '$PSNativeCommandUseErrorActionPreference = $true; Invoke-InNetNamespace -Namespace $ns -FilePath false'; Id = 'ProgramExitedWithNonZeroCode'; Category = 'NotSpecified' }
        @{ Cmdlet = 'New-NetNamespaceSession'; Class = 'unknown namespace'; Call = 'New-NetNamespaceSession -Namespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Enter-NetNamespace'; Class = 'unknown namespace'; Call = 'Enter-NetNamespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound'; Command = 'NewNetNamespaceSessionCommand' }
        @{ Cmdlet = 'New-NetNamespaceSocket'; Class = 'unknown namespace'; Call = 'New-NetNamespaceSocket -Namespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetLab'; Class = 'unknown key'; Call = "New-NetLab @{ Namespaces = 'a'; Colour = 'red' } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'unknown key in a namespace'; Call = "New-NetLab @{ Namespaces = @{ Name = 'a'; Fwd = `$true } } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'namespace name with /'; Call = "New-NetLab @{ Namespaces = 'a/b' } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'link with a rate of 0'; Call = 'New-NetLab @{ Namespaces = ''a'', ''b''; Links = @{ Rate = ''0''; Endpoints = @{ Namespace = ''a''; Adapter = ''e0'' }, @{ Namespace = ''b''; Adapter = ''e0'' } } } -Prefix $lab'; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'endpoint with an unparseable rate'; Call = 'New-NetLab @{ Namespaces = ''a'', ''b''; Links = @{ Endpoints = @{ Namespace = ''a''; Adapter = ''e0''; Rate = ''fast'' }, @{ Namespace = ''b''; Adapter = ''e0'' } } } -Prefix $lab'; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'link with loss over 100 percent'; Call = 'New-NetLab @{ Namespaces = ''a'', ''b''; Links = @{ Loss = 150; Endpoints = @{ Namespace = ''a''; Adapter = ''e0'' }, @{ Namespace = ''b''; Adapter = ''e0'' } } } -Prefix $lab'; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'namespace defined twice'; Call = "New-NetLab @{ Namespaces = 'a', 'a' } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'invalid address in a link'; Call = "New-NetLab @{ Namespaces = 'a', 'b'; Links = @{ Endpoints = @{ Namespace = 'a'; Adapter = 'e0'; Address = '10.1.1.300/24' }, @{ Namespace = 'b'; Adapter = 'e0' } } } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'address without a prefix length'; Call = "New-NetLab @{ Namespaces = 'a', 'b'; Links = @{ Endpoints = @{ Namespace = 'a'; Adapter = 'e0'; Address = '10.1.1.1' }, @{ Namespace = 'b'; Adapter = 'e0' } } } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'unknown namespace in a link'; Call = "New-NetLab @{ Namespaces = 'a'; Links = @{ Endpoints = @{ Namespace = 'a'; Adapter = 'e0' }, @{ Namespace = 'zz'; Adapter = 'e0' } } } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'link with one endpoint'; Call = "New-NetLab @{ Namespaces = 'a'; Links = @{ Endpoints = @{ Namespace = 'a'; Adapter = 'e0' } } } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'adapter name over 15 bytes'; Call = "New-NetLab @{ Namespaces = 'a'; Links = @{ Endpoints = @{ Namespace = 'a'; Adapter = 'e' * 16 }, @{ Namespace = 'a'; Adapter = 'e1' } } } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'host end too long with the prefix'; Call = "New-NetLab @{ Namespaces = 'a'; Links = @{ Endpoints = @{ Namespace = 'a'; Adapter = 'e0' }, @{ Namespace = ''; Adapter = 'host0' } } } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'route without gateway or adapter'; Call = "New-NetLab @{ Namespaces = @{ Name = 'a'; Routes = @{ Destination = '10.9.0.0/16' } } } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'route gateway of the other family'; Call = "New-NetLab @{ Namespaces = @{ Name = 'a'; Routes = @{ Destination = '10.9.0.0/16'; Gateway = 'fd00::1' } } } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'route destination with host bits set'; Call = "New-NetLab @{ Namespaces = @{ Name = 'a'; Routes = @{ Destination = '10.9.1.1/16'; Gateway = '10.0.0.1' } } } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'route metric that is not a number'; Call = "New-NetLab @{ Namespaces = @{ Name = 'a'; Routes = @{ Destination = '10.9.0.0/16'; Gateway = '10.0.0.1'; Metric = 'low' } } } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'Forwarding that is not a Boolean'; Call = "New-NetLab @{ Namespaces = @{ Name = 'a'; Forwarding = 'maybe' } } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'masquerade on an adapter of no link'; Call = "New-NetLab @{ Namespaces = @{ Name = 'a'; Masquerade = 'wan0' } } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'lab name with a space'; Call = "New-NetLab @{ Name = 'my lab'; Namespaces = 'a' } -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'not a hashtable'; Call = 'New-NetLab 42 -Prefix $lab'; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'prefix with /'; Call = "New-NetLab @{ Namespaces = 'a' } -Prefix 'a/b'"; Id = 'InvalidLabPrefix'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'missing file'; Call = 'New-NetLab "/tmp/$($Prefix)none.psd1" -Prefix $lab'; Id = 'LabDefinitionNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetLab'; Class = 'unknown key in a host'; Call = "New-NetLab @{ Hosts = @{ h1 = @{ HostName = '192.0.2.1'; Colour = 'red' } }; Namespaces = @{ Name = 'a'; Host = 'h1' } } -Prefix `$lab"; Id = 'InvalidLabHost'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'host port over 65535'; Call = "New-NetLab @{ Hosts = @{ h1 = @{ HostName = '192.0.2.1'; Port = 70000 } }; Namespaces = @{ Name = 'a'; Host = 'h1' } } -Prefix `$lab"; Id = 'InvalidLabHost'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'namespace on a host not in Hosts'; Call = "New-NetLab @{ Hosts = @{ h1 = @{ HostName = '192.0.2.1' } }; Namespaces = @{ Name = 'a'; Host = 'h9' } } -Prefix `$lab"; Id = 'LabHostNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetLab'; Class = 'file neither .psd1 nor .json'; Call = "New-NetLab '/etc/hostname' -Prefix `$lab"; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = '.psd1 with code in it'; Call = 'New-NetLab $codePsd1 -Prefix $lab'; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'malformed .json'; Call = 'New-NetLab $badJson -Prefix $lab'; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'a namespace of the lab exists already'; Call = "New-NetLab @{ Namespaces = 'bad' } -Prefix `$Prefix"; Id = 'NamespaceAlreadyExists'; Category = 'ResourceExists' }
        @{ Cmdlet = 'New-NetLab'; Class = 'link MTU the kernel refuses (rolled back)'; Call = "New-NetLab @{ Namespaces = 'a'; Links = @{ Mtu = 10; Endpoints = @{ Namespace = 'a'; Adapter = 'e0' }, @{ Namespace = 'a'; Adapter = 'e1' } } } -Prefix `$lab"; Id = 'NetLabBuildFailed'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Get-NetLab'; Class = 'unknown lab name'; Call = 'Get-NetLab "$($Prefix)nolab"'; Id = 'NetLabNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetLab'; Class = 'unknown prefix'; Call = 'Get-NetLab -Prefix "$($Prefix)nolab-"'; Id = 'NetLabNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetLab'; Class = 'invalid wildcard pattern'; Call = "Get-NetLab 'lab['"; Id = 'InvalidWildcardPattern'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Remove-NetLab'; Class = 'unknown lab name'; Call = 'Remove-NetLab -Name "$($Prefix)nolab" -Confirm:$false'; Id = 'NetLabNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Remove-NetLab'; Class = 'unknown prefix'; Call = 'Remove-NetLab -Prefix "$($Prefix)nolab-" -Confirm:$false'; Id = 'NetLabNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Remove-NetLab'; Class = 'invalid wildcard pattern'; Call = "Remove-NetLab -Name 'lab[' -Confirm:`$false"; Id = 'InvalidWildcardPattern'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Remove-NetLab'; Class = 'wrong type from the pipeline'; Call = 'Get-NetNamespace $ns | Remove-NetLab -Confirm:$false'; Id = 'InputObjectNotBound'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Test-NetNamespaceConnection'; Class = 'unknown namespace'; Call = 'Test-NetNamespaceConnection -Namespace $missing -Target 127.0.0.1'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Test-NetNamespaceConnection'; Class = 'path that is not nsfs'; Call = "Test-NetNamespaceConnection -Namespace '/etc/hostname' -Target 127.0.0.1"; Id = 'NotANetworkNamespace'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Test-NetNamespaceConnection'; Class = 'wildcard matching two namespaces'; Call = 'Test-NetNamespaceConnection -Namespace "$($ns)*" -Target 127.0.0.1'; Id = 'AmbiguousNamespace'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Test-NetNamespaceConnection'; Class = 'invalid target address'; Call = 'Test-NetNamespaceConnection -Namespace $ns -Target 999.1.1.1'; Id = 'InvalidIPAddress'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Test-NetNamespaceConnection'; Class = 'port 0'; Call = 'Test-NetNamespaceConnection -Namespace $ns -Target 127.0.0.1 -Port 0'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'Test-NetNamespaceConnection'; Class = 'count 0'; Call = 'Test-NetNamespaceConnection -Namespace $ns -Target 127.0.0.1 -Count 0'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'Start-NetNamespaceCapture'; Class = 'unknown namespace'; Call = 'Start-NetNamespaceCapture -Namespace $missing -InterfaceAlias prb0 -Count 1'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Start-NetNamespaceCapture'; Class = 'unknown adapter'; Call = 'Start-NetNamespaceCapture -Namespace $ns -InterfaceAlias nosuch0 -Count 1'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Start-NetNamespaceCapture'; Class = 'adapter down'; Call = 'Start-NetNamespaceCapture -Namespace $ns -InterfaceAlias prb1 -Count 1'; Id = 'CaptureAdapterDown'; Category = 'InvalidOperation' }
        @{ Cmdlet = 'Start-NetNamespaceCapture'; Class = 'path that cannot be created'; Call = 'Start-NetNamespaceCapture -Namespace $ns -InterfaceAlias prb0 -Path /proc/nnps-capture.pcap -Duration 0'; Id = 'CaptureFileNotWritable'; Category = 'WriteError' }
        @{ Cmdlet = 'Start-NetNamespaceCapture'; Class = 'path that is a folder'; Call = 'Start-NetNamespaceCapture -Namespace $ns -InterfaceAlias prb0 -Path /tmp -Duration 0'; Id = 'CaptureFileNotWritable'; Category = 'WriteError' }
        @{ Cmdlet = 'Start-NetNamespaceCapture'; Class = 'host that is not an IP address'; Call = 'Start-NetNamespaceCapture -Namespace $ns -InterfaceAlias prb0 -HostAddress banana -Duration 0'; Id = 'InvalidCaptureFilter'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Start-NetNamespaceCapture'; Class = 'port with a protocol without ports'; Call = 'Start-NetNamespaceCapture -Namespace $ns -InterfaceAlias prb0 -Protocol ICMP -Port 80 -Duration 0'; Id = 'InvalidCaptureFilter'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Start-NetNamespaceCapture'; Class = 'filter that matches nothing'; Call = 'Start-NetNamespaceCapture -Namespace $ns -InterfaceAlias prb0 -Protocol ICMPv6 -HostAddress 10.77.0.1 -Duration 0'; Id = 'InvalidCaptureFilter'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Start-NetNamespaceCapture'; Class = 'unknown protocol'; Call = 'Start-NetNamespaceCapture -Namespace $ns -InterfaceAlias prb0 -Protocol SCTP -Duration 0'; Id = 'CannotConvertArgumentNoMessage'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Start-NetNamespaceCapture'; Class = 'snap length 0'; Call = 'Start-NetNamespaceCapture -Namespace $ns -InterfaceAlias prb0 -SnapLength 0 -Duration 0'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'Start-NetNamespaceCapture'; Class = 'port over 65535'; Call = 'Start-NetNamespaceCapture -Namespace $ns -InterfaceAlias prb0 -Port 65536 -Duration 0'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'unknown namespace'; Call = 'New-NetNamespaceAdapter -Namespace $missing -Name br9 -Kind Bridge'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'name over 15 bytes'; Call = "New-NetNamespaceAdapter -Namespace `$ns -Name ('b' * 16) -Kind Bridge"; Id = 'InvalidAdapterName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'name with % (kernel-chosen name)'; Call = "New-NetNamespaceAdapter -Namespace `$ns -Name 'br%d' -Kind Bridge"; Id = 'InvalidAdapterName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'existing adapter name (bridge)'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name prb0 -Kind Bridge'; Id = 'AdapterAlreadyExists'; Category = 'ResourceExists' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'existing adapter name (tun)'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name prb0 -Kind Tun'; Id = 'AdapterAlreadyExists'; Category = 'ResourceExists' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'unknown kind'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name br9 -Kind Switch'; Id = 'CannotConvertArgumentNoMessage'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'parameter of another kind'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name br9 -Kind Bridge -Vni 5'; Id = 'InvalidAdapterParameter'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'invalid MAC address'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name br9 -Kind Bridge -MacAddress zz'; Id = 'InvalidMacAddress'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'multicast MAC address'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name br9 -Kind Bridge -MacAddress 01:00:00:00:00:01'; Id = 'InvalidAdapterArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'MTU below the minimum'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name br9 -Kind Bridge -Mtu 10'; Id = 'InvalidAdapterArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'tap MTU over the maximum (made, then removed)'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name tp9 -Kind Tap -Mtu 100000'; Id = 'InvalidAdapterArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'tap multicast MAC address (made, then removed)'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name tp9 -Kind Tap -MacAddress 01:00:00:00:00:01'; Id = 'InvalidAdapterArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'tun owner below 0'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name tn9 -Kind Tun -Owner -1'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'macvlan without parent'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name mv9 -Kind Macvlan'; Id = 'InvalidAdapterParameter'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'macvlan unknown parent'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name mv9 -Kind Macvlan -Parent nosuch0'; Id = 'ParentAdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'macvlan on loopback'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name mv9 -Kind Macvlan -Parent lo'; Id = 'InvalidAdapterArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'vxlan without VNI'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name vx9 -Kind Vxlan'; Id = 'InvalidAdapterParameter'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'vxlan VNI over 24 bits'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name vx9 -Kind Vxlan -Vni 16777216'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'vxlan invalid remote address'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name vx9 -Kind Vxlan -Vni 5 -Remote 999.1.1.1'; Id = 'CannotConvertArgumentNoMessage'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'vxlan local and remote of two families'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name vx9 -Kind Vxlan -Vni 5 -Local 10.77.0.1 -Remote fd00::2'; Id = 'InvalidAdapterParameter'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'vxlan group not multicast'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name vx9 -Kind Vxlan -Vni 5 -Group 10.1.1.1'; Id = 'InvalidAdapterParameter'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'vxlan remote and group'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name vx9 -Kind Vxlan -Vni 5 -Group 239.1.1.1 -Remote 10.1.1.2'; Id = 'InvalidAdapterParameter'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'veth without peer name'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name ve9 -Kind Veth'; Id = 'InvalidAdapterParameter'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'veth same name twice'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name ve9 -Kind Veth -PeerName ve9'; Id = 'InvalidAdapterName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'veth existing peer name'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name ve9 -Kind Veth -PeerName prb0'; Id = 'AdapterAlreadyExists'; Category = 'ResourceExists' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'veth unknown peer namespace'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name ve9 -Kind Veth -PeerName ve8 -PeerNamespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetNamespaceAdapter'; Class = 'veth with MAC address'; Call = 'New-NetNamespaceAdapter -Namespace $ns -Name ve9 -Kind Veth -PeerName ve8 -MacAddress 02:00:00:00:00:01'; Id = 'InvalidAdapterParameter'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'unknown master'; Call = 'Set-NetNamespaceAdapter -Namespace $ns -Name prb1 -Master nosuch0'; Id = 'MasterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'master that is not a bridge'; Call = 'Set-NetNamespaceAdapter -Namespace $ns -Name prb1 -Master prb0'; Id = 'InvalidMaster'; Category = 'NotImplemented' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'bridge as its own port'; Call = 'Set-NetNamespaceAdapter -Namespace $ns -Name pbr0 -Master pbr0'; Id = 'InvalidMaster'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'loopback as a port'; Call = 'Set-NetNamespaceAdapter -Namespace $ns -Name lo -Master pbr0'; Id = 'InvalidMaster'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'master name over 15 bytes'; Call = "Set-NetNamespaceAdapter -Namespace `$ns -Name prb1 -Master ('m' * 16)"; Id = 'InvalidAdapterName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = '-Master and -NoMaster'; Call = 'Set-NetNamespaceAdapter -Namespace $ns -Name prb1 -Master pbr0 -NoMaster'; Id = 'AmbiguousParameterSet'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'master with an MTU below the minimum'; Call = 'Set-NetNamespaceAdapter -Namespace $ns -Name prb1 -Master pbr0 -Mtu 10'; Id = 'InvalidAdapterArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceAdapter'; Class = 'no master for an unknown adapter'; Call = 'Set-NetNamespaceAdapter -Namespace $ns -Name nosuch0 -NoMaster'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespaceNeighbor'; Class = 'unknown namespace'; Call = 'Get-NetNamespaceNeighbor -Namespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespaceNeighbor'; Class = 'path that is not nsfs'; Call = "Get-NetNamespaceNeighbor -Namespace '/etc/hostname'"; Id = 'NotANetworkNamespace'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Get-NetNamespaceNeighbor'; Class = 'unknown state'; Call = 'Get-NetNamespaceNeighbor -Namespace $ns -State Bogus'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'New-NetNamespaceNeighbor'; Class = 'unknown namespace'; Call = 'New-NetNamespaceNeighbor -Namespace $missing -IPAddress 10.77.0.9 -LinkLayerAddress 02:00:00:00:00:09 -InterfaceAlias prb0'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetNamespaceNeighbor'; Class = 'invalid address'; Call = 'New-NetNamespaceNeighbor -Namespace $ns -IPAddress 999.1.1.1 -LinkLayerAddress 02:00:00:00:00:09 -InterfaceAlias prb0'; Id = 'InvalidIPAddress'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceNeighbor'; Class = 'address with a prefix length'; Call = 'New-NetNamespaceNeighbor -Namespace $ns -IPAddress 10.77.0.0/24 -LinkLayerAddress 02:00:00:00:00:09 -InterfaceAlias prb0'; Id = 'InvalidIPAddress'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceNeighbor'; Class = 'invalid MAC address'; Call = 'New-NetNamespaceNeighbor -Namespace $ns -IPAddress 10.77.0.9 -LinkLayerAddress zz -InterfaceAlias prb0'; Id = 'InvalidMacAddress'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceNeighbor'; Class = 'MAC address of 8 bytes'; Call = 'New-NetNamespaceNeighbor -Namespace $ns -IPAddress 10.77.0.9 -LinkLayerAddress 02:00:00:00:00:09:0a:0b -InterfaceAlias prb0'; Id = 'InvalidMacAddress'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceNeighbor'; Class = 'unknown adapter'; Call = 'New-NetNamespaceNeighbor -Namespace $ns -IPAddress 10.77.0.9 -LinkLayerAddress 02:00:00:00:00:09 -InterfaceAlias nosuch0'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetNamespaceNeighbor'; Class = 'entry already there'; Call = 'New-NetNamespaceNeighbor -Namespace $ns -IPAddress 10.77.0.5 -LinkLayerAddress 02:00:00:00:00:09 -InterfaceAlias prb0'; Id = 'NeighborAlreadyExists'; Category = 'ResourceExists' }
        @{ Cmdlet = 'New-NetNamespaceNeighbor'; Class = 'IPv4 entry on loopback'; Call = 'New-NetNamespaceNeighbor -Namespace $ns -IPAddress 10.77.0.9 -LinkLayerAddress 02:00:00:00:00:09 -InterfaceAlias lo'; Id = 'InvalidNeighborArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceNeighbor'; Class = 'state that cannot be set'; Call = 'New-NetNamespaceNeighbor -Namespace $ns -IPAddress 10.77.0.9 -LinkLayerAddress 02:00:00:00:00:09 -InterfaceAlias prb0 -State Incomplete'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'Remove-NetNamespaceNeighbor'; Class = 'unknown namespace'; Call = 'Remove-NetNamespaceNeighbor -Namespace $missing -IPAddress 10.77.0.5 -Confirm:$false'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Remove-NetNamespaceNeighbor'; Class = 'entry not there'; Call = 'Remove-NetNamespaceNeighbor -Namespace $ns -IPAddress 10.77.0.98 -Confirm:$false'; Id = 'NeighborNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Remove-NetNamespaceNeighbor'; Class = 'entry on another adapter'; Call = 'Remove-NetNamespaceNeighbor -Namespace $ns -IPAddress 10.77.0.5 -InterfaceAlias prb1 -Confirm:$false'; Id = 'NeighborNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Remove-NetNamespaceNeighbor'; Class = 'unknown adapter'; Call = 'Remove-NetNamespaceNeighbor -Namespace $ns -IPAddress 10.77.0.5 -InterfaceAlias nosuch0 -Confirm:$false'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Remove-NetNamespaceNeighbor'; Class = 'invalid address'; Call = 'Remove-NetNamespaceNeighbor -Namespace $ns -IPAddress banana -Confirm:$false'; Id = 'InvalidIPAddress'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Get-NetNamespaceId'; Class = 'unknown namespace'; Call = 'Get-NetNamespaceId -Namespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespaceId'; Class = 'unknown target namespace'; Call = 'Get-NetNamespaceId -TargetNamespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespaceId'; Class = 'target path that is not nsfs'; Call = "Get-NetNamespaceId -TargetNamespace '/etc/hostname'"; Id = 'NotANetworkNamespace'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Get-NetNamespaceId'; Class = 'target name with /'; Call = "Get-NetNamespaceId -TargetNamespace 'a/b'"; Id = 'InvalidNamespaceName'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceId'; Class = 'unknown namespace'; Call = 'Set-NetNamespaceId -Name $missing -Id 5'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Set-NetNamespaceId'; Class = 'unknown namespace seen from'; Call = 'Set-NetNamespaceId -Name $ns -Id 5 -Namespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Set-NetNamespaceId'; Class = 'path that is not nsfs'; Call = "Set-NetNamespaceId -Name '/etc/hostname' -Id 5"; Id = 'NotANetworkNamespace'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceId'; Class = 'id below 0'; Call = 'Set-NetNamespaceId -Name $ns -Id -1'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'Set-NetNamespaceId'; Class = 'id over 2147483647'; Call = 'Set-NetNamespaceId -Name $ns -Id 2147483648'; Id = 'CannotConvertArgumentNoMessage'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceId'; Class = '-Id and -Auto'; Call = 'Set-NetNamespaceId -Name $ns -Id 5 -Auto'; Id = 'AmbiguousParameterSet'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceId'; Class = 'namespace that has another id'; Call = 'Set-NetNamespaceId -Name $ns2 -Id ($nsid + 1)'; Id = 'NamespaceIdAlreadySet'; Category = 'ResourceExists' }
        @{ Cmdlet = 'Set-NetNamespaceId'; Class = 'id another namespace has'; Call = 'Set-NetNamespaceId -Name $ns -Id $nsid'; Id = 'NamespaceIdInUse'; Category = 'ResourceExists' }
        @{ Cmdlet = 'Watch-NetNamespace'; Class = 'timeout below 0'; Call = 'Watch-NetNamespace -Timeout -1'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'Watch-NetNamespace'; Class = 'timeout that is not a number'; Call = 'Watch-NetNamespace -Timeout soon'; Id = 'CannotConvertArgumentNoMessage'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Watch-NetNamespace'; Class = 'count 0'; Call = 'Watch-NetNamespace -Count 0'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'Watch-NetNamespace'; Class = 'invalid wildcard pattern'; Call = "Watch-NetNamespace -Name 'lab[' -Timeout 0.1"; Id = 'InvalidWildcardPattern'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'ConvertTo-NetNamespaceGraph'; Class = 'unknown format'; Call = 'Get-NetNamespaceAdapter -Namespace $ns | ConvertTo-NetNamespaceGraph -Format Svg'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'ConvertTo-NetNamespaceGraph'; Class = 'wrong type from the pipeline'; Call = 'Get-NetNamespace $ns | ConvertTo-NetNamespaceGraph'; Id = 'InputObjectNotBound'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'ConvertTo-NetNamespaceGraph'; Class = 'null input'; Call = 'ConvertTo-NetNamespaceGraph -InputObject $null'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        # in a private mount namespace
        @{ Cmdlet = 'New-NetNamespaceNat'; Class = 'unknown namespace'; Call = 'New-NetNamespaceNat -Namespace $missing -InterfaceAlias prb0'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetNamespaceNat'; Class = 'unknown adapter'; Call = 'New-NetNamespaceNat -Namespace $ns -InterfaceAlias nosuch0'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetNamespaceNat'; Class = 'source prefix without a length'; Call = 'New-NetNamespaceNat -Namespace $ns -InterfaceAlias prb0 -InternalIPInterfaceAddressPrefix 10.77.0.0'; Id = 'InvalidPrefixLength'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceNat'; Class = 'external address of the other family'; Call = 'New-NetNamespaceNat -Namespace $ns -InterfaceAlias prb0 -InternalIPInterfaceAddressPrefix 10.77.0.0/24 -ExternalIPAddress fd00::1'; Id = 'NatAddressFamilyMismatch'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetNamespaceNat'; Class = 'name already used'; Call = 'New-NetNamespaceNat -Namespace $ns -Name keep -InterfaceAlias prb0'; Id = 'NatAlreadyExists'; Category = 'ResourceExists' }
        @{ Cmdlet = 'Get-NetNamespaceNat'; Class = 'unknown namespace'; Call = 'Get-NetNamespaceNat -Namespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespaceNat'; Class = 'unknown name'; Call = 'Get-NetNamespaceNat -Namespace $ns -Name nosuch'; Id = 'NatNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Remove-NetNamespaceNat'; Class = 'unknown name'; Call = 'Remove-NetNamespaceNat -Namespace $ns -Name nosuch'; Id = 'NatNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Add-NetNamespaceNatStaticMapping'; Class = 'unknown namespace'; Call = 'Add-NetNamespaceNatStaticMapping -Namespace $missing -Protocol TCP -ExternalPort 80 -InternalIPAddress 10.77.0.5'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Add-NetNamespaceNatStaticMapping'; Class = 'port 0'; Call = 'Add-NetNamespaceNatStaticMapping -Namespace $ns -Protocol TCP -ExternalPort 0 -InternalIPAddress 10.77.0.5'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'Add-NetNamespaceNatStaticMapping'; Class = 'port over 65535'; Call = 'Add-NetNamespaceNatStaticMapping -Namespace $ns -Protocol UDP -ExternalPort 53 -InternalIPAddress 10.77.0.5 -InternalPort 65536'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'Add-NetNamespaceNatStaticMapping'; Class = 'internal address of the other family'; Call = 'Add-NetNamespaceNatStaticMapping -Namespace $ns -Protocol TCP -ExternalIPAddress 10.77.0.1 -ExternalPort 80 -InternalIPAddress fd00::5'; Id = 'NatAddressFamilyMismatch'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Add-NetNamespaceNatStaticMapping'; Class = 'invalid internal address'; Call = 'Add-NetNamespaceNatStaticMapping -Namespace $ns -Protocol TCP -ExternalPort 80 -InternalIPAddress 10.77.0.300'; Id = 'InvalidIPAddress'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Add-NetNamespaceNatStaticMapping'; Class = 'mapping already there'; Call = 'Add-NetNamespaceNatStaticMapping -Namespace $ns -Protocol TCP -ExternalPort 8080 -InternalIPAddress 10.77.0.6'; Id = 'NatStaticMappingAlreadyExists'; Category = 'ResourceExists' }
        @{ Cmdlet = 'Get-NetNamespaceNatStaticMapping'; Class = 'port 0'; Call = 'Get-NetNamespaceNatStaticMapping -Namespace $ns -ExternalPort 0'; Id = 'ParameterArgumentValidationError'; Category = 'InvalidData' }
        @{ Cmdlet = 'Remove-NetNamespaceNatStaticMapping'; Class = 'unknown mapping'; Call = 'Remove-NetNamespaceNatStaticMapping -Namespace $ns -Protocol UDP -ExternalPort 9'; Id = 'NatStaticMappingNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Remove-NetNamespaceNatStaticMapping'; Class = 'neither an id nor protocol and port'; Call = 'Remove-NetNamespaceNatStaticMapping -Namespace $ns -Protocol TCP'; Id = 'InvalidNatArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Get-NetNamespaceQdisc'; Class = 'unknown namespace'; Call = 'Get-NetNamespaceQdisc -Namespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Get-NetNamespaceQdisc'; Class = 'unknown adapter'; Call = 'Get-NetNamespaceQdisc -Namespace $ns -InterfaceAlias nosuch0'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'unknown namespace'; Call = 'Set-NetNamespaceQdisc -Namespace $missing -InterfaceAlias prb0 -Rate 10Mbit'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'unknown adapter'; Call = 'Set-NetNamespaceQdisc -Namespace $ns -InterfaceAlias nosuch0 -Rate 10Mbit'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'rate 0'; Call = 'Set-NetNamespaceQdisc -Namespace $ns -InterfaceAlias prb0 -Rate 0'; Id = 'InvalidRate'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'rate 0 with a unit'; Call = 'Set-NetNamespaceQdisc -Namespace $ns -InterfaceAlias prb0 -Rate 0mbit'; Id = 'InvalidRate'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'unparseable rate'; Call = 'Set-NetNamespaceQdisc -Namespace $ns -InterfaceAlias prb0 -Rate fast'; Id = 'InvalidRate'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'rate with an unknown unit'; Call = 'Set-NetNamespaceQdisc -Namespace $ns -InterfaceAlias prb0 -Rate 10furlongs'; Id = 'InvalidRate'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'nothing to set'; Call = 'Set-NetNamespaceQdisc -Namespace $ns -InterfaceAlias prb0'; Id = 'InvalidQdiscArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'burst smaller than a frame'; Call = 'Set-NetNamespaceQdisc -Namespace $ns -InterfaceAlias prb0 -Rate 10Mbit -Burst 1000'; Id = 'InvalidQdiscArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'unparseable burst'; Call = 'Set-NetNamespaceQdisc -Namespace $ns -InterfaceAlias prb0 -Rate 10Mbit -Burst lots'; Id = 'InvalidQdiscArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'latency and limit together'; Call = 'Set-NetNamespaceQdisc -Namespace $ns -InterfaceAlias prb0 -Rate 10Mbit -Latency 50ms -Limit 64kb'; Id = 'InvalidQdiscArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'delay without a unit'; Call = 'Set-NetNamespaceQdisc -Namespace $ns -InterfaceAlias prb0 -Delay 100'; Id = 'InvalidQdiscArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'jitter without a delay'; Call = 'Set-NetNamespaceQdisc -Namespace $ns -InterfaceAlias prb0 -Jitter 10ms'; Id = 'InvalidQdiscArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'loss over 100 percent'; Call = 'Set-NetNamespaceQdisc -Namespace $ns -InterfaceAlias prb0 -Loss 150'; Id = 'InvalidQdiscArgument'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Set-NetNamespaceQdisc'; Class = 'netem on a kernel without sch_netem'; Call = 'Set-NetNamespaceQdisc -Namespace $ns -InterfaceAlias prb0 -Delay 100ms -Loss 1'; Id = 'QdiscKindUnsupported'; Category = 'NotImplemented' }
        @{ Cmdlet = 'Remove-NetNamespaceQdisc'; Class = 'unknown adapter'; Call = 'Remove-NetNamespaceQdisc -Namespace $ns -InterfaceAlias nosuch0 -Confirm:$false'; Id = 'AdapterNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'Remove-NetNamespaceQdisc'; Class = 'adapter with the default qdisc'; Call = 'Remove-NetNamespaceQdisc -Namespace $ns -InterfaceAlias prb0 -Confirm:$false'; Id = 'QdiscNotFound'; Category = 'ObjectNotFound' }
        @{ Cmdlet = 'New-NetLab'; Class = 'port forward to a port over 65535'; Call = 'New-NetLab @{ Namespaces = @{ Name = ''a''; PortForwards = @{ Port = 80; To = ''10.1.1.2:70000'' } } } -Prefix $lab'; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'New-NetLab'; Class = 'port forward of an unknown protocol'; Call = 'New-NetLab @{ Namespaces = @{ Name = ''a''; PortForwards = @{ Protocol = ''Sctp''; Port = 80; To = ''10.1.1.2'' } } } -Prefix $lab'; Id = 'InvalidLabDefinition'; Category = 'InvalidArgument' }
        @{ Cmdlet = 'Get-NetNamespace'; Class = 'missing /run/netns: a name'; Call = 'Get-NetNamespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound'; Env = 'NoRunNetns' }
        @{ Cmdlet = 'Remove-NetNamespace'; Class = 'missing /run/netns'; Call = 'Remove-NetNamespace $missing'; Id = 'NamespaceNotFound'; Category = 'ObjectNotFound'; Env = 'NoRunNetns' }
        @{ Cmdlet = 'New-NetNamespace'; Class = 'read-only /run'; Call = 'New-NetNamespace $missing'; Id = 'RunDirectoryFailed'; Category = 'WriteError'; Env = 'ReadOnlyRun' }
        @{ Cmdlet = 'New-NetNamespace'; Class = 'read-only /run/netns'; Call = 'New-NetNamespace $missing'; Id = 'NamespaceCreateFailed'; Category = 'WriteError'; Env = 'ReadOnlyRunNetns' }
        @{ Cmdlet = 'Remove-NetNamespace'; Class = 'read-only /run/netns (stale entry)'; Call = 'Remove-NetNamespace stale1'; Id = 'NamespaceRemoveFailed'; Category = 'WriteError'; Env = 'ReadOnlyRunNetns' }
        @{ Cmdlet = 'Get-NetNamespaceAdapter'; Class = 'open file limit reached (ulimit -n)'; Call = '$h = [Collections.Generic.List[object]]::new(); try { while ($true) { $h.Add([IO.File]::OpenRead(''/dev/null'')) } } catch { }; $h[0].Dispose(); try { Get-NetNamespaceAdapter } finally { $h | ForEach-Object Dispose }'; Id = 'TooManyOpenFiles'; Category = 'LimitsExceeded'; Env = 'LowFileLimit' }
        # in a PID + network namespace too (a wrong answer would stop processes: only the sandbox's)
        @{ Cmdlet = 'New-NetNamespace'; Class = 'kernel limit user.max_net_namespaces reached'; Call = 'New-NetNamespace (1..4 | ForEach-Object { "$missing$_" }) | Out-Null'; Id = 'NamespaceLimitReached'; Category = 'LimitsExceeded'; Env = 'NamespaceLimit' }
        @{ Cmdlet = 'Remove-NetNamespace'; Class = '-Force on a name of this process''s own namespace'; Call = 'New-NetNamespace own -ProcessId $PID | Out-Null; Remove-NetNamespace own -Force'; Id = 'NamespaceIsHost'; Category = 'PermissionDenied'; Env = 'PidSandbox' }
    )
    $script:InProcess = @($Catalogue | Where-Object { -not $_.Env })
    # Each private row carries every call of its environment: the first one to run starts the child for all of them.
    $script:Private = @($Catalogue | Where-Object { $_.Env } | ForEach-Object {
            $row = $_.Clone(); $e = $_.Env
            $row.EnvCalls = @($Catalogue | Where-Object { $_.Env -eq $e } | ForEach-Object Call)
            $row
        })
    $script:DocRows = @(@{ Rows = @($Catalogue | ForEach-Object { "$($_.Cmdlet)|$($_.Class)|$($_.Id)|$($_.Category)" }) })
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:ns = "$($script:Prefix)bad"
    $script:ns2 = "$($script:Prefix)bad2"
    $script:missing = "$($script:Prefix)missing"
    $script:unused = Get-UnusedPid
    New-NetNamespace $ns, $ns2 | Out-Null
    ip -n $ns link add prb0 type veth peer name prb1
    ip -n $ns link set prb0 up
    ip -n $ns addr add 10.77.0.1/24 dev prb0
    ip -n $ns route add 10.78.0.0/16 dev prb0
    ip -n $ns link add pbr0 type bridge
    ip -n $ns neigh add 10.77.0.5 lladdr 02:00:00:00:00:05 dev prb0 nud permanent
    # a NAT and a port forward to collide with (the 'already exists' rows)
    New-NetNamespaceNat -Namespace $ns -Name keep -InterfaceAlias prb0 | Out-Null
    Add-NetNamespaceNatStaticMapping -Namespace $ns -Protocol TCP -ExternalPort 8080 -InternalIPAddress 10.77.0.5 -InternalPort 80 | Out-Null
    $script:nsid = Get-UnusedNsid
    ip netns set $ns2 $nsid
    $script:lab = "$($script:Prefix)l-"
    $script:codePsd1 = "/tmp/$($script:Prefix)code.psd1"
    Set-Content $codePsd1 "@{ Name = (Get-Date).Year; Namespaces = 'a' }"
    $script:badJson = "/tmp/$($script:Prefix)bad.json"
    Set-Content $badJson '{ "Namespaces": [ "a" '
    $script:noexec = "/tmp/$($script:Prefix)noexec.sh"
    Set-Content $noexec "#!/bin/sh`necho hi"
    chmod 644 $noexec
    $script:LabDir = '/run/netnsps/labs'
    function Get-LabStateFiles { @(Get-ChildItem $script:LabDir -Filter "$($script:Prefix)*" -ErrorAction SilentlyContinue).Name }
    function Get-HostPrefixLinks { @(Get-IpLink '' | Where-Object { $_.ifname.StartsWith($script:Prefix, [StringComparison]::Ordinal) }).ifname }
    $script:before = Get-PrefixState

    function ConvertTo-CommandClass([string] $Cmdlet) { ($Cmdlet -replace '-', '') + 'Command' }

    function Invoke-BadCall([string] $Call) {
        # Runs one call with errors as exceptions; returns { Output; Error }.
        $ErrorActionPreference = 'Stop'
        $sb = [scriptblock]::Create($Call)
        $err = $null
        $out = try { @(& $sb) } catch { $err = $_; @() }
        [pscustomobject]@{ Output = $out; Error = $err }
    }

    # Private mount namespaces (Invoke-ChildPwsh -PrivateRunDir, then a tmpfs over all of /run): one child per
    # environment runs all its rows and reports id/category per row.
    $script:PrivateResults = @{}
    $script:PrivateSetup = @{
        NoRunNetns       = 'mount -t tmpfs nnpt-run /run'
        ReadOnlyRun      = 'mount -t tmpfs -o ro nnpt-run /run'
        ReadOnlyRunNetns = 'mount -t tmpfs nnpt-run /run && mkdir /run/netns && touch /run/netns/stale1 && mount -o remount,ro /run'
        LowFileLimit     = 'ulimit -n 200'
        PidSandbox       = 'true'
        NamespaceLimit   = 'true'
    }
    $script:PrivateWrapper = @{
        PidSandbox     = @('unshare', '--pid', '--fork', '--mount-proc', '--net')
        # a user namespace of its own, whose user.max_net_namespaces is lowered (the host's is never touched)
        NamespaceLimit = @('unshare', '--user', '--map-root-user', '--net', '--mount', 'sh', '-c', '''echo 3 > /proc/sys/user/max_net_namespaces && exec "$@"''', 'sh')
    }
    function Get-PrivateResult([string] $Env, [string[]] $Calls) {
        if ($script:PrivateResults.ContainsKey($Env)) { return $script:PrivateResults[$Env] }
        $list = ($Calls | ForEach-Object { "'" + ($_ -replace "'", "''") + "'" }) -join ', '
        $body = @"
`$missing = '$missing'
`$r = [ordered]@{ runNetns = (Test-Path /run/netns); listed = @(Get-NetNamespace).Count; rows = @() }
foreach (`$c in @($list)) {
    try { `$o = @(& ([scriptblock]::Create(`$c))); `$r.rows += @{ call = `$c; ok = `$true; count = `$o.Count } }
    catch { `$r.rows += @{ call = `$c; ok = `$false; id = `$_.FullyQualifiedErrorId; cat = "`$(`$_.CategoryInfo.Category)"; msg = `$_.Exception.Message } }
}
# what a missing /run/netns allows: creating the first namespace makes the directory
if ('$Env' -eq 'NoRunNetns') { `$n = New-NetNamespace `$missing; `$r.created = `$n.Name; `$r.nowRunNetns = (Test-Path /run/netns) }
'JSON:' + (`$r | ConvertTo-Json -Compress -Depth 5)
"@
        $wrapper = if ($script:PrivateWrapper[$Env]) { $script:PrivateWrapper[$Env] } else { @() }
        $child = Invoke-ChildPwsh -Script $body -PrivateRunDir -Setup $script:PrivateSetup[$Env] -Wrapper $wrapper
        $script:PrivateResults[$Env] = if ($child.Json) { $child.Json } else { [pscustomobject]@{ failed = $child.Output -join "`n" } }
        $script:PrivateResults[$Env]
    }
}

AfterAll {
    # lab state files a failing row might have left (the oracle test fails then), then everything with the prefix
    Get-ChildItem /run/netnsps/labs -Filter "$($script:Prefix)*" -ErrorAction SilentlyContinue | Remove-Item -Force
    Remove-Item $script:noexec -ErrorAction SilentlyContinue
    Remove-TestLeftovers
}

Describe 'Bad input catalogue' {
    It '<Cmdlet>: <Class> -> <Id> (<Category>)' -ForEach $InProcess {
        $r = Invoke-BadCall $Call
        $r.Error | Should -Not -BeNullOrEmpty -Because "'$Call' must fail"
        $class = if ($Command) { $Command } else { ConvertTo-CommandClass $Cmdlet }
        $r.Error.FullyQualifiedErrorId | Should -BeExactly "$Id,NetnsPS.Commands.$class" -Because $r.Error.Exception.Message
        "$($r.Error.CategoryInfo.Category)" | Should -BeExactly $Category
        $r.Output | Should -BeNullOrEmpty
    }

    It '<Cmdlet>: <Class> -> <Id> (<Category>) in a private mount namespace' -ForEach $Private {
        $res = Get-PrivateResult $Env $EnvCalls
        $res.PSObject.Properties.Name | Should -Not -Contain 'failed' -Because $res.failed
        $row = $res.rows | Where-Object call -EQ $Call | Select-Object -First 1
        $row | Should -Not -BeNullOrEmpty
        $row.ok | Should -BeFalse
        $row.id | Should -BeExactly "$Id,NetnsPS.Commands.$(ConvertTo-CommandClass $Cmdlet)" -Because $row.msg
        $row.cat | Should -BeExactly $Category
    }

    It 'missing /run/netns: listing is empty without error, and the first New-NetNamespace creates the directory' {
        $r = $PrivateResults['NoRunNetns']
        $r | Should -Not -BeNullOrEmpty
        $r.runNetns | Should -BeFalse
        $r.listed | Should -Be 0
        $r.created | Should -Be $missing
        $r.nowRunNetns | Should -BeTrue
    }

    It 'no bad NAT call added or removed a rule (the kernel transaction is all or nothing)' {
        # nft -j as the oracle where it is installed; the module's own dump otherwise (said so)
        if ($nft = Get-NftOracle) {
            $rules = @((ip netns exec $ns $nft -j list ruleset | ConvertFrom-Json).nftables | Where-Object { $_.rule })
            $rules.Count | Should -Be 3 -Because 'one masquerade rule, and the port forward in prerouting and output'
            @((ip netns exec $ns $nft -j list ruleset | ConvertFrom-Json).nftables | Where-Object { $_.table }).Count | Should -Be 1
        }
        else { Write-Host '  (nft is not installed: checked with Get-NetNamespaceNat only)' }
        @(Get-NetNamespaceNat -Namespace $ns).Name | Should -Be 'keep'
        @(Get-NetNamespaceNatStaticMapping -Namespace $ns).InternalIPAddress | Should -Be '10.77.0.5'
    }

    It 'read-only /run/netns: a stale entry is still listed' {
        $PrivateResults['ReadOnlyRunNetns'].listed | Should -Be 1
    }

    It 'nothing was made or left behind by the bad calls (independent oracle)' {
        $after = Get-PrefixState
        $after.Entries | Should -BeExactly $before.Entries
        $after.Mounts | Should -BeExactly $before.Mounts
        (Get-IpLink $ns | ForEach-Object ifname | Sort-Object) -join ',' | Should -BeExactly 'lo,pbr0,prb0,prb1'
        $prb1 = Get-IpLink $ns prb1
        $prb1.master | Should -BeNullOrEmpty -Because 'no bad -Master call left prb1 in a bridge'
        $prb1.mtu | Should -Be 1500
        (Get-IpLink $ns lo).master | Should -BeNullOrEmpty
        (Get-IpLink $ns pbr0).master | Should -BeNullOrEmpty
        @(tc -n $ns -j qdisc show dev prb0 | ConvertFrom-Json).kind | Should -Be 'noqueue' -Because 'no bad Set-NetNamespaceQdisc call left a qdisc on prb0'
        $permanent = @(ip -n $ns -j neigh show nud permanent | ConvertFrom-Json | ForEach-Object { "$($_.dst) $($_.dev) $($_.lladdr)" })
        $permanent -join ',' | Should -BeExactly '10.77.0.5 prb0 02:00:00:00:00:05'
        $ids = @(Get-IpListId '' | Where-Object { $_.PSObject.Properties['name'] -and $_.name -in $ns, $ns2 } | ForEach-Object { "$($_.name)=$($_.nsid)" })
        $ids -join ',' | Should -BeExactly "$ns2=$nsid" -Because 'no bad Set-NetNamespaceId call gave or changed an id'
        Get-LabStateFiles | Should -BeNullOrEmpty -Because 'no lab state file under /run/netnsps/labs'
        Get-HostPrefixLinks | Should -BeNullOrEmpty -Because 'no host adapter with the prefix'
        Get-IpLink $ns2 | ForEach-Object ifname | Should -Be 'lo'
        @((Get-IpAddr $ns | Where-Object ifname -EQ prb0).addr_info | Where-Object family -EQ inet).local | Should -Be '10.77.0.1'
        (Get-IpRoute $ns | ForEach-Object dst | Sort-Object) -join ',' | Should -BeExactly '10.77.0.0/24,10.78.0.0/16'
        Test-Path '/run/netns/stale1' | Should -BeFalse -Because 'the private /run never reached the real one'
    }

    It 'a PID that exits during the call: either attached or ProcessNotFound, never a half-made entry' {
        $outcomes = @{ attached = 0; notFound = 0 }
        for ($i = 0; $i -lt 30; $i++) {
            $name = "$($script:Prefix)pid$i"
            $p = [Diagnostics.Process]::Start('sleep', "0.0$($i % 10)")
            $procId = $p.Id
            $ErrorActionPreference = 'Stop'
            try {
                $n = New-NetNamespace $name -ProcessId $procId
                $outcomes.attached++
                Test-NsfsMount "/run/netns/$name" | Should -BeTrue
                Get-FileInode "/run/netns/$name" | Should -Be $n.Inode
            }
            catch {
                $_.FullyQualifiedErrorId | Should -BeExactly 'ProcessNotFound,NetnsPS.Commands.NewNetNamespaceCommand' -Because $_.Exception.Message
                "$($_.CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
                $outcomes.notFound++
                Test-Path "/run/netns/$name" | Should -BeFalse -Because 'a failed attach leaves no placeholder'
            }
            finally {
                $ErrorActionPreference = 'Continue'
                $p.WaitForExit()
                $p.Dispose()
                # the independent tool removes the name (no process is ever stopped)
                if (Test-Path "/run/netns/$name") { ip netns delete $name }
            }
            # Get-NetNamespace -ProcessId of the exited pid: ProcessNotFound, no other error
            $err = $null
            try { Get-NetNamespace -ProcessId $procId -ErrorAction Stop | Out-Null } catch { $err = $_ }
            if ($err) { $err.FullyQualifiedErrorId | Should -BeExactly 'ProcessNotFound,NetnsPS.Commands.GetNetNamespaceCommand' }
        }
        $outcomes.attached + $outcomes.notFound | Should -Be 30
        Get-ChildItem /run/netns -Filter "$($script:Prefix)pid*" | Should -BeNullOrEmpty
    }

    It 'Get-Help about_NetnsPS_Errors shows the catalogue' {
        $help = Get-Help about_NetnsPS_Errors | Out-String
        $help | Should -Match 'THE CATALOGUE'
        $help | Should -Match 'AdapterNetnsLocal'
    }

    It 'docs/en-US/about_NetnsPS_Errors.md lists exactly this catalogue' -ForEach $DocRows {
        $doc = Get-Content (Join-Path (Split-Path $PSScriptRoot) 'docs/en-US/about_NetnsPS_Errors.md')
        $rows = foreach ($l in $doc) {
            if ($l -match '^\|\s*(?<c>[A-Z][\w-]+)\s*\|\s*(?<k>[^|]+?)\s*\|\s*(?<i>\w+)\s*\|\s*(?<g>\w+)\s*\|\s*$' -and $Matches.c -ne 'Cmdlet') {
                "$($Matches.c)|$($Matches.k)|$($Matches.i)|$($Matches.g)"
            }
        }
        $expected = $Rows
        $missingInDoc = @($expected | Where-Object { $rows -notcontains $_ })
        $extraInDoc = @($rows | Where-Object { $expected -notcontains $_ })
        $missingInDoc | Should -BeNullOrEmpty
        $extraInDoc | Should -BeNullOrEmpty
    }
}
