@{
    RootModule           = 'NetnsPS.dll'
    RequiredAssemblies   = @('NetnsPS.Core.dll', 'NetnsPS.dll')
    NestedModules        = @('NetnsPS.psm1')
    ModuleVersion        = '0.2.0'
    GUID                 = '6f0c1f52-3a0e-4d55-9a43-2f1e0d9b7c31'
    Author               = 'NetnsPS contributors'
    CompanyName          = 'NetnsPS'
    Copyright            = '(c) 2026 NetnsPS contributors. MIT License (LICENSE).'
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
        'Start-NetNamespaceCapture'
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
        'Get-NetNamespaceQdisc'
        'Set-NetNamespaceQdisc'
        'Remove-NetNamespaceQdisc'
        'Install-NetnsPSRemote'
    )
    FunctionsToExport    = @('Enter-NetNamespace')
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Linux', 'netns', 'network-namespace', 'netlink', 'iproute2')
            # No LicenseUri or ProjectUri: the project has no public home yet, and a URL must not be invented. The
            # license is MIT; its text (LICENSE) ships in the module folder. Add both URIs once a home exists.
            # ReleaseNotes: build.ps1 writes CHANGELOG.md's section of ModuleVersion here in the built manifest.
            ReleaseNotes = ''
        }
    }
}
