# The module packs into a .nupkg that installs from a local file repository and imports by name in a new pwsh.
BeforeAll {
    . $PSScriptRoot/common.ps1
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "nnpkg-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory -Path "$work/repo", "$work/modules" | Out-Null
    $script:repoName = "NetnsPSTest$([guid]::NewGuid().ToString('N').Substring(0, 8))"
}
AfterAll {
    Unregister-PSResourceRepository -Name $repoName -ErrorAction SilentlyContinue
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Package' -Tag Package {
    It 'has a valid manifest with version, tags, release notes and no placeholder text' {
        $m = Test-ModuleManifest $env:NETNSPS_MODULE_PATH
        $m.Version | Should -Not -BeNullOrEmpty
        $m.Tags | Should -Contain 'netns'
        $m.ReleaseNotes | Should -Not -BeNullOrEmpty
        $m.Description | Should -Not -Match 'TODO|placeholder'
        Test-Path (Join-Path $PSScriptRoot '../CHANGELOG.md') | Should -BeTrue
        (Get-Content (Join-Path $PSScriptRoot '../CHANGELOG.md') -Raw) | Should -Match ([regex]::Escape("[$($m.Version)]"))
    }

    It 'packs, installs from a local repository and imports by name' {
        Compress-PSResource -Path (Split-Path $env:NETNSPS_MODULE_PATH) -DestinationPath "$work/repo"
        $pkg = Get-ChildItem "$work/repo" -Filter 'NetnsPS.*.nupkg'
        $pkg | Should -HaveCount 1
        Register-PSResourceRepository -Name $repoName -Uri "$work/repo" -Trusted
        Save-PSResource -Name NetnsPS -Repository $repoName -Path "$work/modules" -TrustRepository
        Test-Path "$work/modules/NetnsPS/*/NetnsPS.dll" | Should -BeTrue
        $cmd = "`$env:PSModulePath = '$work/modules' + [IO.Path]::PathSeparator + `$env:PSModulePath; Import-Module NetnsPS; (Get-Module NetnsPS).ModuleBase; (Get-Command -Module NetnsPS).Count; (Get-NetNamespace | Measure-Object).Count -ge 0"
        Push-Location (Split-Path $PSScriptRoot)
        try { $out = dotnet pwsh -NoProfile -NonInteractive -Command $cmd }
        finally { Pop-Location }
        $out[0] | Should -BeLike "$work/modules/NetnsPS/*"
        [int]$out[1] | Should -Be (Get-Command -Module NetnsPS).Count
        $out[2] | Should -Be 'True'
    }
}
