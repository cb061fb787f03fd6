<#
.SYNOPSIS
    Runs the Pester suite in this (child) pwsh against the built module and writes NUnit XML plus a JSON summary.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string[]] $TestPath,
    [Parameter(Mandatory)] [string] $OutputDir,
    [string[]] $FullNameFilter
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:NETNSPS_MODULE_PATH = $ModulePath
$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $OutputDir 'pester.xml'
if ($FullNameFilter) { $config.Filter.FullName = $FullNameFilter }
$result = Invoke-Pester -Configuration $config
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
# Skipped tests with their reasons (Set-ItResult -Skipped -Because ...), shown in the build's summary.
$skips = @($result.Skipped | ForEach-Object {
        $why = if ($_.ErrorRecord.Count) { "$($_.ErrorRecord[0].Exception.Message)" -replace '^is skipped, because ', '' } else { 'marked -Skip' }
        @{ Name = $_.ExpandedPath; Reason = $why }
    })
@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount; Skips = $skips } |
    ConvertTo-Json -Depth 4 | Set-Content (Join-Path $OutputDir 'pester-summary.json')
exit ([int]($failed -gt 0))
