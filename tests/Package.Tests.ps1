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

    It 'has CHANGELOG.md''s section of its version as ReleaseNotes (written by the build), and the MIT LICENSE' {
        $m = Import-PowerShellDataFile $env:NETNSPS_MODULE_PATH
        $section = & (Join-Path $PSScriptRoot '../tools/Get-ChangelogSection.ps1') -Path (Join-Path $PSScriptRoot '../CHANGELOG.md') -Version $m.ModuleVersion
        $section | Should -Not -BeNullOrEmpty -Because "CHANGELOG.md needs a section ## [$($m.ModuleVersion)]"
        $section.Date | Should -Match '^\d{4}-\d{2}-\d{2}$'
        $m.PrivateData.PSData.ReleaseNotes | Should -BeExactly $section.Text
        $m.PrivateData.PSData.ReleaseNotes | Should -Match "^## \[$([regex]::Escape($m.ModuleVersion))\]"
        # no invented home: a LicenseUri/ProjectUri only once the project has one
        $m.PrivateData.PSData.Keys | Should -Not -Contain 'LicenseUri'
        $m.PrivateData.PSData.Keys | Should -Not -Contain 'ProjectUri'
        $license = Join-Path (Split-Path $env:NETNSPS_MODULE_PATH) 'LICENSE'
        Get-Content $license -TotalCount 1 | Should -Be 'MIT License'
        (Get-Content $license -Raw) | Should -Match 'Copyright \(c\) 2026 NetnsPS contributors'
        (Get-FileHash $license).Hash | Should -Be (Get-FileHash (Join-Path $PSScriptRoot '../LICENSE')).Hash
    }

    It 'build.ps1 -Task Package refuses a version that has no CHANGELOG section, before building anything' {
        # A copy of what the task reads (build.ps1, the section reader, the manifest with another version, the
        # changelog), so the real tree is untouched; the refusal has to come before the build.
        $t = Join-Path $work 'refuse'
        New-Item -ItemType Directory -Path "$t/module", "$t/tools" | Out-Null
        $repo = Split-Path $PSScriptRoot
        Copy-Item "$repo/build.ps1", "$repo/CHANGELOG.md", "$repo/LICENSE" $t
        Copy-Item "$repo/tools/Get-ChangelogSection.ps1" "$t/tools"
        (Get-Content "$repo/module/NetnsPS.psd1" -Raw) -replace "ModuleVersion\s*=\s*'[^']+'", "ModuleVersion = '9.8.7'" |
            Set-Content "$t/module/NetnsPS.psd1"
        Push-Location $repo
        try { $out = dotnet pwsh -NoProfile -NonInteractive -File "$t/build.ps1" -Task Package 2>&1 | ForEach-Object { "$_" } }
        finally { Pop-Location }
        $LASTEXITCODE | Should -Not -Be 0
        ($out -join "`n") | Should -Match ([regex]::Escape("CHANGELOG.md has no section '## [9.8.7]"))
        Test-Path "$t/output" | Should -BeFalse -Because 'nothing is built or packed'

        # the same copy with a section for 9.8.7 gets past the check (and stops at the build: no sources here)
        (Get-Content "$t/CHANGELOG.md" -Raw) -replace '## \[Unreleased\]', "## [Unreleased]`n`n## [9.8.7] - 2026-12-07`n`n### Added`n- x" |
            Set-Content "$t/CHANGELOG.md"
        Push-Location $repo
        try { $out = dotnet pwsh -NoProfile -NonInteractive -File "$t/build.ps1" -Task Package 2>&1 | ForEach-Object { "$_" } }
        finally { Pop-Location }
        ($out -join "`n") | Should -Not -Match 'has no section'
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
