#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests, documents and benchmarks NetnsPS.
.DESCRIPTION
    One entry point for people and CI. Run it with the pinned PowerShell from the tool manifest:
        dotnet tool restore
        dotnet pwsh ./build.ps1 -Task Build,Test
    Tasks:
        Build   dotnet publish + module/* + MAML help -> output/NetnsPS/<version> (importable as is)
        Docs    docs/en-US/*.md -> MAML (module/en-US/NetnsPS.dll-Help.xml, copied into the output)
        Test    xunit (tests/NetnsPS.Core.Tests) and Pester (tests/*.Tests.ps1 in a child pwsh);
                prints "N passed, N failed" and fails when anything failed. First installs the programs the
                tests use (iproute2, perl, util-linux, procps, nftables as an oracle) with apt-get when root and
                missing (-NoInstall: don't); a test whose optional program is missing is skipped, its reason shown
        Unit    xunit only;  Pester  Pester only
        Demo    the README's main job: build, import in a child pwsh, run a real demo
        Bench   benchmarks (bench/) against their anchors (C loop, ip -b, ip per process, pyroute2, nsenter, nft) in
                one run; ONE table in bench/RESULTS.md (full size) or output/bench/RESULTS.md (short: -BenchCount ...);
                -BenchName runs some of them and replaces only their rows of the table
        Soak    the long reliability run: parser fuzzing (-SoakFuzzCount inputs), -SoakEnterCycles enter/restore and
                -SoakCreateCycles create/delete cycles, crash recovery (-SoakCrashCount), -SoakSeconds of 4-process
                concurrency, Watch-NetNamespace at scale (-SoakWatchCount namespaces added and deleted, reported in
                order); figures in output/soak/soak.txt (Test runs the same tests in their short form)
        Package output/package/NetnsPS.<version>.nupkg (Compress-PSResource), installable with Install-PSResource;
                refused when CHANGELOG.md has no section for the module's version
        (Build writes that section into the built manifest's PSData.ReleaseNotes.)
        Clean   remove output/ and bin/obj
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Docs', 'Test', 'Unit', 'Pester', 'Demo', 'Bench', 'Package', 'Clean', 'Soak')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Number of namespaces per create/remove benchmark round.
    [int] $BenchCount = 1000,

    # Number of namespaces whose adapters and addresses the listing benchmark reads.
    [int] $AdapterBenchCount = 100,

    # Number of native program starts per variant in the exec benchmark.
    [int] $ExecBenchCount = 100,

    # Soak: fuzzed netlink replies fed to the parsers (the Test task runs 20000).
    [int] $SoakFuzzCount = 1000000,

    # Soak: in-process enter/restore cycles (Test: 1000).
    [int] $SoakEnterCycles = 10000,

    # Soak: create/delete cycles (Test: 100).
    [int] $SoakCreateCycles = 1000,

    # Soak: namespaces the child killed with SIGKILL is meant to create (killed at half; Test: 100).
    [int] $SoakCrashCount = 500,

    # Soak: seconds of 4 processes creating and deleting overlapping names (Test: 5).
    [int] $SoakSeconds = 30,

    # Soak: namespaces added and deleted (interleaved, by ip -b) that Watch-NetNamespace must report in order (Test: 2000).
    [int] $SoakWatchCount = 10000,

    # Rounds per benchmark (0: each script's default, 3 or more); CI's short form uses 1.
    [int] $BenchRounds = 0,

    # Benchmarks to run (default: all): Lifecycle, Query, Adapter, Exec, Lab, RemoteLab, NatLab, Capture, Shaping, NatForward, Visibility, Remote, ScaleLab, Import
    # (a list, or one comma-separated string as `pwsh -File` passes it); the table keeps the other rows as they were.
    [string[]] $BenchName = @(),
    # With -Task Bench: the scaling table instead (bench/Invoke-ScaleBenchmark.ps1: create, list and remove at
    # -ScaleSizes namespaces against the C loop and ip -b, kernel memory per namespace) into bench/RESULTS.md's
    # "Scaling" section; runs in a private mount namespace, takes tens of minutes on 2 cores
    [switch] $Scale,
    [int[]] $ScaleSizes = @(1000, 10000, 50000),

    # Pester test name filter (-FullNameFilter), e.g. '*Remove*'.
    [string[]] $TestName,

    # Test, Pester, Soak: do not apt-get install the programs the tests use when they are missing.
    [switch] $NoInstall
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Output = Join-Path $Root 'output'
$ResultsDir = Join-Path $Output 'TestResults'

function Get-ModuleVersion {
    (Import-PowerShellDataFile (Join-Path $Root 'module/NetnsPS.psd1')).ModuleVersion
}

function Get-ModuleOutputPath { Join-Path $Output "NetnsPS/$(Get-ModuleVersion)" }

function Invoke-Native {
    param([string] $File, [string[]] $Arguments)
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-ChildPwsh {
    # A child pwsh: a binary module cannot be unloaded, so this session never imports NetnsPS.
    param([string] $Command, [switch] $NoThrow)
    Push-Location $Root
    try {
        & dotnet pwsh -NoProfile -NonInteractive -Command $Command | Out-Host
        $code = $LASTEXITCODE
    } finally { Pop-Location }
    if ($code -ne 0 -and -not $NoThrow) { throw "child pwsh failed with exit code $code" }
    $code
}

function Invoke-Docs {
    $maml = Join-Path $Root 'module/en-US'
    & (Join-Path $Root 'tools/ConvertTo-Maml.ps1') -DocsPath (Join-Path $Root 'docs/en-US') -OutputPath $maml |
        ForEach-Object { Write-Host "Help: $_" }
}

function Invoke-BuildTask {
    $version = Get-ModuleVersion
    $dest = Get-ModuleOutputPath
    $publish = Join-Path $Output "publish"
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/NetnsPS/NetnsPS.csproj'), '-c', $Configuration,
        '-o', $publish, "-p:Version=$version", '--nologo', '-v', 'quiet')
    Invoke-Docs
    if (Test-Path $dest) { Remove-Item $dest -Recurse -Force }
    New-Item -ItemType Directory -Path $dest -Force | Out-Null
    foreach ($f in 'NetnsPS.dll', 'NetnsPS.Core.dll', 'NetnsPS.pdb', 'NetnsPS.Core.pdb') {
        $p = Join-Path $publish $f
        if (Test-Path $p) { Copy-Item $p $dest }
    }
    Copy-Item (Join-Path $Root 'module/*') $dest -Recurse -Force
    Copy-Item (Join-Path $Root 'LICENSE') $dest
    Get-ChildItem $dest -Recurse -Force -Filter '.gitkeep' | Remove-Item -Force
    Set-ReleaseNote (Join-Path $dest 'NetnsPS.psd1') $version
    Write-Host "Built NetnsPS $version -> $dest"
}

function Get-ChangelogSection([string] $Version) {
    & (Join-Path $Root 'tools/Get-ChangelogSection.ps1') -Path (Join-Path $Root 'CHANGELOG.md') -Version $Version
}

function Set-ReleaseNote([string] $Manifest, [string] $Version) {
    # The built manifest's ReleaseNotes = CHANGELOG.md's section of this version (the newest one when this version
    # has none yet; Package refuses that case), never written by hand.
    $section = Get-ChangelogSection $Version
    if (-not $section) {
        $section = Get-ChangelogSection
        Write-Warning "CHANGELOG.md has no section for $Version; ReleaseNotes from [$($section.Version)] (Package refuses this)"
    }
    $text = Get-Content $Manifest -Raw
    $pattern = "(?m)^(\s*ReleaseNotes\s*=\s*)''"
    if ($text -notmatch $pattern) { throw "$Manifest has no line ReleaseNotes = '' for the build to fill" }
    $quoted = "'" + ($section.Text -replace "'", "''") + "'"
    [regex]::new($pattern).Replace($text, { param($m) $m.Groups[1].Value + $quoted }, 1) | Set-Content $Manifest -NoNewline
}

function Assert-ChangelogSection {
    $version = Get-ModuleVersion
    if (-not (Get-ChangelogSection $version)) {
        throw "CHANGELOG.md has no section '## [$version] - YYYY-MM-DD' for ModuleVersion ${version}: describe the release there before packaging it"
    }
}

# Programs the tests start as oracles or helpers (never the module: it starts no helper program), and the Debian
# package of each. Required ones must be there; an optional one missing makes the tests that need it skip, with the
# reason in the summary.
$TestPrograms = @(
    @{ Program = 'ip'; Package = 'iproute2'; Required = $true }       # the oracle of nearly every test
    @{ Program = 'bridge'; Package = 'iproute2'; Required = $true }   # bridge fdb oracle
    @{ Program = 'perl'; Package = 'perl'; Required = $true }         # TCP/UDP peers inside namespaces
    @{ Program = 'unshare'; Package = 'util-linux'; Required = $true } # sandboxes, unnamed namespaces
    @{ Program = 'setpriv'; Package = 'util-linux'; Required = $true } # non-root tests
    @{ Program = 'nsenter'; Package = 'util-linux'; Required = $true }
    @{ Program = 'lsns'; Package = 'util-linux'; Required = $true }
    @{ Program = 'flock'; Package = 'util-linux'; Required = $true }
    @{ Program = 'findmnt'; Package = 'util-linux'; Required = $true }
    @{ Program = 'mount'; Package = 'mount'; Required = $true }
    @{ Program = 'ps'; Package = 'procps'; Required = $true }
    @{ Program = 'kill'; Package = 'procps'; Required = $true }
    @{ Program = 'stat'; Package = 'coreutils'; Required = $true }
    @{ Program = 'nft'; Package = 'nftables'; Required = $false }     # ruleset oracle ($env:NETNSPS_TEST_NFT counts)
    @{ Program = 'python3'; Package = 'python3'; Required = $true }   # the capture tests' pcap reader, thread tests
    @{ Program = 'sshd'; Package = 'openssh-server'; Required = $false } # simulated remote hosts (tests/RemoteHosts.ps1), never started as a service
    @{ Program = 'ssh-keygen'; Package = 'openssh-client'; Required = $false }
)

function Test-Program([string] $Name) {
    if ($Name -eq 'nft' -and $env:NETNSPS_TEST_NFT -and (Test-Path $env:NETNSPS_TEST_NFT)) { return $true }
    if ($Name -eq 'sshd') { return Test-Path /usr/sbin/sshd }   # not in a non-root PATH
    [bool](Get-Command $Name -CommandType Application -ErrorAction SilentlyContinue)
}

function Invoke-AptNoService([scriptblock] $Install, [string[]] $Disable = @()) {
    # apt-get install that starts and enables no service: the machine's sshd stays off (the tests run their own sshd
    # with their own config). A policy-rc.d that denies every start (exit 101) while apt-get runs (an existing one is
    # set aside and put back), then the units named in -Disable are disabled again; afterwards no sshd may run in this
    # machine's own network namespace.
    $policy = '/usr/sbin/policy-rc.d'
    $saved = "$policy.netnsps-saved"
    if (Test-Path $policy) { Move-Item -LiteralPath $policy -Destination $saved -Force }
    try {
        Set-Content -LiteralPath $policy -Value "#!/bin/sh`n# NetnsPS build.ps1: no service starts during the test prerequisites' apt-get install`nexit 101"
        & chmod 0755 $policy
        & $Install
    }
    finally {
        Remove-Item -LiteralPath $policy -Force -ErrorAction SilentlyContinue
        if (Test-Path $saved) { Move-Item -LiteralPath $saved -Destination $policy -Force }
    }
    foreach ($unit in $Disable) {
        # What the package's postinst enabled (systemd links, SysV rc links): off again.
        $env:DPKG_MAINTSCRIPT_PACKAGE = 'openssh-server'
        try { & deb-systemd-helper disable "$unit.service" "$unit.socket" 2>$null | Out-Null } catch { }
        finally { Remove-Item Env:DPKG_MAINTSCRIPT_PACKAGE }
        if (Get-Command update-rc.d -ErrorAction SilentlyContinue) { & update-rc.d $unit disable 2>$null | Out-Null }
    }
    if ($Disable -contains 'ssh') {
        $ours = (Get-Item /proc/self/ns/net).LinkTarget
        $running = @(Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$' | Where-Object {
                try { (Get-Content "$($_.FullName)/comm" -ErrorAction Stop) -eq 'sshd' -and (Get-Item "$($_.FullName)/ns/net" -ErrorAction Stop).LinkTarget -eq $ours } catch { $false } })
        if ($running) { throw "an sshd runs in this machine's namespace after apt-get install openssh-server (pids $($running.Name -join ', ')): the tests start their own sshd only" }
    }
}

function Install-TestPrerequisite {
    # Installs the missing programs' packages with apt-get when running as root on a machine that has it.
    # -NoInstall: only report.
    $missing = @($TestPrograms | Where-Object { -not (Test-Program $_.Program) })
    $install = @($missing | ForEach-Object Package | Sort-Object -Unique)
    $apt = Get-Command apt-get -CommandType Application -ErrorAction SilentlyContinue
    if ($install -and -not $NoInstall -and $apt -and (id -u) -eq '0') {
        Write-Host "Installing what the tests use: apt-get install $($install -join ' ') (missing: $(($missing | Where-Object Package -in $install).Program -join ', '))"
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get update -qq | Out-Host
        Invoke-AptNoService { & apt-get install -y -qq --no-install-recommends @install | Out-Host } -Disable $(if ($install -contains 'openssh-server') { 'ssh' })
        $missing = @($TestPrograms | Where-Object { -not (Test-Program $_.Program) })
    }
    foreach ($m in $missing | Where-Object { -not $_.Required }) {
        Write-Host "Not installed: $($m.Program) (Debian package $($m.Package)); the tests that need it are skipped" -ForegroundColor Yellow
    }
    $req = @($missing | Where-Object Required)
    if ($req) {
        throw ("The tests need these programs, which are not installed: " +
            (($req | ForEach-Object { "$($_.Program) (Debian package $($_.Package))" }) -join ', ') +
            '. Install them, or run ./build.ps1 -Task Test as root on a machine with apt-get.')
    }
}

function Get-PesterPath {
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $psd1 = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $psd1)) {
        Invoke-Native dotnet @('restore', (Join-Path $Root 'tools/pester/pester.csproj'), '--nologo', '-v', 'quiet')
    }
    if (-not (Test-Path $psd1)) { throw "Pester 5.7.1 not found at $psd1 after restore" }
    $psd1
}

function Invoke-UnitTask {
    New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null
    $trx = Join-Path $ResultsDir 'xunit.trx'
    if (Test-Path $trx) { Remove-Item $trx }
    & dotnet test (Join-Path $Root 'tests/NetnsPS.Core.Tests/NetnsPS.Core.Tests.csproj') -c $Configuration --nologo `
        --logger "trx;LogFileName=xunit.trx" --results-directory $ResultsDir | Out-Host
    if (-not (Test-Path $trx)) { throw 'xunit produced no results (build failure?)' }
    $c = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    [pscustomobject]@{ Suite = 'xunit'; Passed = [int]$c.passed; Failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted }
}

function Invoke-PesterTask {
    New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null
    $summary = Join-Path $ResultsDir 'pester-summary.json'
    if (Test-Path $summary) { Remove-Item $summary }
    $filter = if ($TestName) { "-FullNameFilter @('" + (($TestName | ForEach-Object { $_ -replace "'", "''" }) -join "','") + "')" } else { '' }
    $cmd = "& '$Root/tools/PesterTest.ps1' -PesterPath '$(Get-PesterPath)' -ModulePath '$(Get-ModuleOutputPath)/NetnsPS.psd1' -TestPath '$Root/tests','$Root/examples' -OutputDir '$ResultsDir' $filter"
    Invoke-ChildPwsh $cmd -NoThrow | Out-Null
    if (-not (Test-Path $summary)) { throw 'Pester produced no summary' }
    $s = Get-Content $summary -Raw | ConvertFrom-Json
    [pscustomobject]@{ Suite = 'Pester'; Passed = [int]$s.Passed; Failed = [int]$s.Failed; Skipped = [int]$s.Skipped; Skips = @($s.Skips) }
}

function Write-Summary([object[]] $Results) {
    foreach ($r in $Results) {
        $skipped = if ($r.PSObject.Properties['Skipped'] -and $r.Skipped) { ", $($r.Skipped) skipped" } else { '' }
        Write-Host ("{0}: {1} passed, {2} failed{3}" -f $r.Suite, $r.Passed, $r.Failed, $skipped)
        if ($r.PSObject.Properties['Skips']) {
            foreach ($g in @($r.Skips | Where-Object { $_ } | Group-Object Reason)) {
                Write-Host "  skipped ($($g.Count)): $($g.Name)" -ForegroundColor Yellow
                foreach ($t in $g.Group) { Write-Host "    $($t.Name)" -ForegroundColor DarkYellow }
            }
        }
    }
    $p = ($Results | Measure-Object Passed -Sum).Sum
    $f = ($Results | Measure-Object Failed -Sum).Sum
    Write-Host "$p passed, $f failed"
    if ($f -gt 0) { throw "$f test(s) failed" }
}

function Invoke-Package {
    $dest = Join-Path $Output 'package'
    if (Test-Path $dest) { Remove-Item $dest -Recurse -Force }
    New-Item -ItemType Directory -Path $dest | Out-Null
    Test-ModuleManifest (Join-Path (Get-ModuleOutputPath) 'NetnsPS.psd1') | Out-Null
    Compress-PSResource -Path (Get-ModuleOutputPath) -DestinationPath $dest
    Get-ChildItem $dest -Filter *.nupkg | ForEach-Object { Write-Host "Package: $($_.FullName)" }
}

function Invoke-Demo {
    $cmd = "Import-Module '$(Get-ModuleOutputPath)/NetnsPS.psd1'; & '$Root/tools/Demo.ps1'"
    Invoke-ChildPwsh $cmd | Out-Null
}

function Get-ScaleLabBench([string] $Module, [string] $Out, [int] $Count) {
    # Issue 18's lab and -All rows (bench/Invoke-ScaleLabBenchmark.ps1, group 'scale-lab'): a Count-namespace tree lab
    # against ip batch files, and Get-NetNamespaceAdapter -All / Invoke-InNetNamespace -All at 10 x Count namespaces
    # (the full run: 1,000 and 10,000), in a private /run/netns. The -Scale form calls the script per size with
    # -Part Adapters -Count N (and -Part Lab -LabCount N).
    "& '$Root/bench/Invoke-ScaleLabBenchmark.ps1' -ModulePath '$Module' -LabCount $Count -Count $(10 * $Count) -OutputDir '$Out'"
}

function Invoke-ScaleBench {
    # The scaling table: one child run, its table spliced into bench/RESULTS.md between the scale markers (other sizes
    # than the default go to output/bench/RESULTS-scale.md instead).
    $module = "$(Get-ModuleOutputPath)/NetnsPS.psd1"
    $out = Join-Path $Output 'bench'
    Invoke-ChildPwsh "& '$Root/bench/Invoke-ScaleBenchmark.ps1' -ModulePath '$module' -Sizes $($ScaleSizes -join ',') -OutputDir '$out'" | Out-Null
    $table = Get-Content -Raw (Join-Path $out 'scale.md')
    if (($ScaleSizes -join ',') -ne '1000,10000,50000') { Set-Content (Join-Path $out 'RESULTS-scale.md') $table; return }
    $path = Join-Path $Root 'bench/RESULTS.md'
    $text = Get-Content -Raw $path
    $begin = '<!-- scale:begin -->'; $end = '<!-- scale:end -->'
    $i = $text.IndexOf($begin); $j = $text.IndexOf($end)
    if ($i -lt 0 -or $j -lt $i) { throw "bench/RESULTS.md has no $begin ... $end section" }
    Set-Content $path ($text.Substring(0, $i + $begin.Length) + "`n" + $table.TrimEnd() + "`n" + $text.Substring($j)) -NoNewline
}

function Invoke-Bench {
    # Each benchmark runs in its own child pwsh (the query one needs a fresh process for its working-set row) and
    # leaves NAME.rows.json in output/bench; Write-BenchResults.ps1 makes ONE table of them in bench/RESULTS.md.
    $module = "$(Get-ModuleOutputPath)/NetnsPS.psd1"
    $out = Join-Path $Output 'bench'
    if (Test-Path $out) { Get-ChildItem $out -Filter '*.rows.json' | Remove-Item -Force }
    $rounds = if ($BenchRounds -gt 0) { "-Rounds $BenchRounds" } else { '' }
    $vis = if ($BenchCount -lt 1000) { "-Count $([math]::Max(10, [int]($BenchCount / 5))) -Processes $([math]::Max(20, [int]($BenchCount / 2.5)))" } else { '' }
    # Name, the rows files it writes (Write-BenchResults.ps1's groups), the command.
    $benches = @(
        , @('Lifecycle', @('lifecycle', 'lifecycle-tmpfs'), "& '$Root/bench/Invoke-LifecycleBenchmark.ps1' -ModulePath '$module' -Count $BenchCount -OutputDir '$out' $rounds")
        , @('Query', @('query'), "& '$Root/bench/Invoke-QueryBenchmark.ps1' -ModulePath '$module' -Count $BenchCount -OutputDir '$out'")
        , @('Adapter', @('adapters'), "& '$Root/bench/Invoke-AdapterBenchmark.ps1' -ModulePath '$module' -Count $AdapterBenchCount -OutputDir '$out' $rounds")
        , @('Exec', @('exec'), "& '$Root/bench/Invoke-ExecBenchmark.ps1' -ModulePath '$module' -Count $ExecBenchCount -OutputDir '$out' $rounds")
        , @('Lab', @('lab'), "& '$Root/bench/Invoke-LabBenchmark.ps1' -ModulePath '$module' -OutputDir '$out' $rounds")
        , @('RemoteLab', @('lab-remote'), "& '$Root/bench/Invoke-RemoteLabBenchmark.ps1' -ModulePath '$module' -OutputDir '$out' $rounds")
        , @('NatLab', @('lab-nat'), "& '$Root/bench/Invoke-NatLabBenchmark.ps1' -ModulePath '$module' -OutputDir '$out' $rounds")
        , @('Capture', @('capture'), "& '$Root/bench/Invoke-CaptureBenchmark.ps1' -ModulePath '$module' -Count $([math]::Max(2000, $BenchCount * 200)) -OutputDir '$out' $rounds")
        , @('Shaping', @('shaping'), "& '$Root/bench/Invoke-ShapingBenchmark.ps1' -ModulePath '$module' -OutputDir '$out' $(if ($BenchCount -lt 1000) { '-Seconds 1' }) $rounds")
        , @('NatForward', @('nat-forwards'), "& '$Root/bench/Invoke-NatForwardBenchmark.ps1' -ModulePath '$module' -Count $([math]::Max(10, [int]($BenchCount / 10))) -OutputDir '$out' $rounds")
        , @('Visibility', @('visibility'), "& '$Root/bench/Invoke-VisibilityBenchmark.ps1' -ModulePath '$module' -OutputDir '$out' $vis $rounds")
        , @('Remote', @('remote'), "& '$Root/bench/Invoke-RemoteBenchmark.ps1' -ModulePath '$module' -OutputDir '$out' $(if ($BenchCount -lt 1000) { '-Count 5' }) $rounds")
        , @('ScaleLab', @('scale-lab'), (Get-ScaleLabBench $module $out $BenchCount))
        , @('Import', @('import'), "& '$Root/bench/Invoke-ImportBenchmark.ps1' -ModulePath '$module' -OutputDir '$out' $(if ($BenchRounds -gt 0) { "-Rounds $([math]::Max(3, $BenchRounds))" })")
    )
    $known = @($benches | ForEach-Object { $_[0] })
    $selected = @($BenchName | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ })
    foreach ($n in $selected) { if ($known -notcontains $n) { throw "-BenchName: no benchmark '$n' (one of $($known -join ', '))" } }
    if ($selected.Count -eq 0) { $selected = $known }
    $groups = @()
    foreach ($b in $benches | Where-Object { $selected -contains $_[0] }) {
        Invoke-ChildPwsh $b[2] | Out-Null
        $groups += $b[1]
    }
    # The committed table is the full run's; a short run (CI) writes its own next to the other output. A run of some
    # benchmarks (-BenchName) replaces their rows and keeps the others.
    $all = $benches.Count -eq @($benches | Where-Object { $selected -contains $_[0] }).Count
    $full = $BenchCount -eq 1000 -and $AdapterBenchCount -eq 100 -and $ExecBenchCount -eq 100 -and $BenchRounds -eq 0
    $results = if ($full) { Join-Path $Root 'bench/RESULTS.md' } else { Join-Path $out 'RESULTS.md' }
    $cmd = './build.ps1 -Task Bench' + $(if (-not $full) { " -BenchCount $BenchCount -AdapterBenchCount $AdapterBenchCount -ExecBenchCount $ExecBenchCount -BenchRounds $BenchRounds" } else { '' }) +
        $(if (-not $all) { " -BenchName $($selected -join ',')" } else { '' })
    $only = @(); if (-not $all) { $only = $groups }
    & (Join-Path $Root 'bench/Write-BenchResults.ps1') -OutputDir $out -ResultsPath $results -Command $cmd -Only $only
}

function Invoke-Soak {
    # The reliability tests with the long sizes; each test appends its figures to output/soak/soak.txt.
    $dir = Join-Path $Output 'soak'
    New-Item -ItemType Directory -Path $dir -Force | Out-Null
    $report = Join-Path $dir 'soak.txt'
    if (Test-Path $report) { Remove-Item $report }
    $vars = @{
        NETNSPS_FUZZ_COUNT = $SoakFuzzCount; NETNSPS_FUZZ_REPORT = $report
        NETNSPS_SOAK_ENTER = $SoakEnterCycles; NETNSPS_SOAK_CREATE = $SoakCreateCycles
        NETNSPS_SOAK_CRASH = $SoakCrashCount; NETNSPS_SOAK_SECONDS = $SoakSeconds; NETNSPS_SOAK_REPORT = $report
        NETNSPS_SOAK_WATCH = $SoakWatchCount
    }
    foreach ($k in $vars.Keys) { [Environment]::SetEnvironmentVariable($k, [string]$vars[$k]) }
    try {
        & dotnet test (Join-Path $Root 'tests/NetnsPS.Core.Tests/NetnsPS.Core.Tests.csproj') -c $Configuration --nologo `
            --filter 'FullyQualifiedName~ParserFuzzTests' | Out-Host
        $unit = [pscustomobject]@{ Suite = 'fuzz'; Passed = [int]($LASTEXITCODE -eq 0); Failed = [int]($LASTEXITCODE -ne 0) }
        $script:TestName = @('Reliability*', 'Watch-NetNamespace at scale*')
        $pester = Invoke-PesterTask
    }
    finally { foreach ($k in $vars.Keys) { [Environment]::SetEnvironmentVariable($k, $null) } }
    if (Test-Path $report) { Get-Content $report | ForEach-Object { Write-Host "Soak: $_" } }
    Write-Summary @($unit, $pester)
}

foreach ($t in $Task) {
    Write-Host "=== $t ===" -ForegroundColor Cyan
    switch ($t) {
        'Clean' {
            Remove-Item $Output -Recurse -Force -ErrorAction SilentlyContinue
            Get-ChildItem $Root -Recurse -Directory -Include bin, obj | Remove-Item -Recurse -Force
        }
        'Build' { Invoke-BuildTask }
        'Docs' { Invoke-Docs }
        'Unit' { Install-TestPrerequisite; Write-Summary @(Invoke-UnitTask) }
        'Pester' { Install-TestPrerequisite; Invoke-BuildTask; Write-Summary @(Invoke-PesterTask) }
        'Test' { Install-TestPrerequisite; Invoke-BuildTask; Write-Summary @((Invoke-UnitTask), (Invoke-PesterTask)) }
        'Demo' { Invoke-BuildTask; Invoke-Demo }
        'Bench' { Invoke-BuildTask; if ($Scale) { Invoke-ScaleBench } else { Invoke-Bench } }
        'Package' { Assert-ChangelogSection; Invoke-BuildTask; Invoke-Package }
        'Soak' { Install-TestPrerequisite; Invoke-BuildTask; Invoke-Soak }
    }
}
