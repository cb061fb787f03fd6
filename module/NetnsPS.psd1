@{
    RootModule           = 'NetnsPS.dll'
    RequiredAssemblies   = @('NetnsPS.Core.dll', 'NetnsPS.dll')
    NestedModules        = @('NetnsPS.psm1')
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0c1f52-3a0e-4d55-9a43-2f1e0d9b7c31'
    Author               = 'NetnsPS contributors'
    CompanyName          = 'NetnsPS'
    Copyright            = '(c) NetnsPS contributors.'
    Description          = 'Linux network namespaces as first-class PowerShell objects: create, list, identify and remove namespaces, built on syscalls and rtnetlink (no shelling out to ip).'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('NetnsPS.format.ps1xml')
    TypesToProcess       = @('NetnsPS.types.ps1xml')
    CmdletsToExport      = @(
        'New-NetNamespace'
        'Get-NetNamespace'
        'Remove-NetNamespace'
        'Get-NetNamespaceProcess'
        'Invoke-InNetNamespace'
        'New-NetNamespaceSession'
        'New-NetNamespaceSocket'
        'Get-NetNamespaceAdapter'
        'Move-NetAdapterToNamespace'
        'New-NetVethPair'
        'Set-NetNamespaceAdapter'
        'Remove-NetNamespaceAdapter'
        'Get-NetNamespaceAddress'
        'New-NetNamespaceAddress'
        'Remove-NetNamespaceAddress'
        'Get-NetNamespaceRoute'
        'New-NetNamespaceRoute'
        'Remove-NetNamespaceRoute'
        'Get-NetNamespaceSysctl'
        'Set-NetNamespaceSysctl'
        'New-NetLab'
        'Get-NetLab'
        'Remove-NetLab'
        'Test-NetNamespaceConnection'
        'New-NetNamespaceAdapter'
        'Get-NetNamespaceNeighbor'
        'New-NetNamespaceNeighbor'
        'Remove-NetNamespaceNeighbor'
        'Get-NetNamespaceId'
        'Set-NetNamespaceId'
        'Watch-NetNamespace'
        'ConvertTo-NetNamespaceGraph'
        'New-NetNamespaceNat'
        'Get-NetNamespaceNat'
        'Remove-NetNamespaceNat'
        'Add-NetNamespaceNatStaticMapping'
        'Get-NetNamespaceNatStaticMapping'
        'Remove-NetNamespaceNatStaticMapping'
    )
    FunctionsToExport    = @('Enter-NetNamespace')
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Linux', 'netns', 'network-namespace', 'netlink', 'iproute2')
            ReleaseNotes = 'See CHANGELOG.md. 0.1.0: namespace lifecycle (New/Get/Remove-NetNamespace, Get-NetNamespaceProcess); adapters, veth pairs, moves, addresses, routes and net.* sysctls inside namespaces.'
        }
    }
}
