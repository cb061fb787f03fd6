# README's Tour and Labs blocks run as written, line by line, so the README cannot drift from what the module does.
# They run in a sandbox (unshare --net --mount --pid with a tmpfs on /run): the Tour's own names (red, blue, lab1..500,
# web, veth9) and `Remove-NetNamespace -All` reach only the sandbox's namespaces, and everything it made dies with it.
# Rewrites, shown in the test names: 4242 is a sleeper in a namespace of its own; `Import-Module ./output/NetnsPS`
# imports the build under test; the sandbox answers -All's question with -Confirm:$false; Enter-NetNamespace is
# interactive and skipped. The oracle is `ip` inside the sandbox after every line.
BeforeDiscovery {
    . $PSScriptRoot/readme-common.ps1
    $script:lines = @(Get-ReadmeCodeLine (Join-Path $PSScriptRoot '../README.md'))
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/readme-common.ps1
    $lines = @(Get-ReadmeCodeLine (Join-Path $PSScriptRoot '../README.md'))
    $moduleDir = Split-Path (Split-Path $env:NETNSPS_MODULE_PATH)   # output/NetnsPS, as the Tour imports it
    $repo = Split-Path $PSScriptRoot
    $hostBefore = @(Get-IpNetnsNames) + @(ip -o link show | ForEach-Object { ($_ -split ': ')[1] -replace '@.*' })
    $runner = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Set-Location '$repo'
`$lines = '$((ConvertTo-Json @($lines) -Compress -Depth 3) -replace "'", "''")' | ConvertFrom-Json
`$sleeper = Start-Process -FilePath unshare -ArgumentList '--net', 'sleep', '600' -PassThru
`$hostNs = (Get-Item /proc/self/ns/net).LinkTarget
while ((Get-Item "/proc/`$(`$sleeper.Id)/ns/net").LinkTarget -eq `$hostNs) { Start-Sleep -Milliseconds 10 }
`$results = [System.Collections.Generic.List[object]]::new()
foreach (`$line in `$lines) {
    `$code = `$line.Code -replace '\b4242\b', "`$(`$sleeper.Id)" -replace '^Import-Module \./output/NetnsPS\b', "Import-Module '$moduleDir'" -replace '(Remove-NetNamespace -All)\b', '`$1 -Confirm:`$false'
    `$r = [ordered]@{ Block = `$line.Block; Line = `$line.Line; Ok = `$false; Error = ''; Output = '' }
    if (`$code -match '^Enter-NetNamespace\b') { `$r.Skipped = 'interactive: it replaces the prompt until exit' }
    else {
        try { `$o = . ([scriptblock]::Create(`$code)); `$r.Ok = `$true; `$r.Output = (@(`$o | ForEach-Object { "`$_" }) -join "``n") }
        catch { `$r.Error = "`$(`$_.FullyQualifiedErrorId): `$_" }
    }
    `$names = @(ip netns list | ForEach-Object { (`$_ -split ' ')[0] })
    `$r.NamespaceCount = `$names.Count
    `$r.Namespaces = @(`$names | Where-Object { `$_ -notmatch '^lab\d+$' } | Sort-Object)
    `$r.Links = @(ip -o link show | ForEach-Object { (`$_ -split ': ')[1] -replace '@.*' })
    if (`$code -match '^New-NetNamespace -Name web') {
        `$r.WebIsSleeper = (stat -L -c %i /run/netns/web) -eq ((Get-Item "/proc/`$(`$sleeper.Id)/ns/net").LinkTarget -replace '\D')
    }
    `$results.Add(`$r)
}
'JSON:' + (ConvertTo-Json @(`$results) -Compress -Depth 4)
"@
    $file = "/tmp/$($Prefix)readme.ps1"
    Set-Content -Path $file -Value $runner
    $sh = "mount -t tmpfs nnpt-readme /run && mkdir -p /run/netns && exec dotnet pwsh -NoProfile -NonInteractive -File '$file'"
    Push-Location $repo
    try { $out = @(unshare --mount --net --pid --fork --mount-proc --propagation private -- sh -c $sh 2>&1 | ForEach-Object { "$_" -replace "\e\[[0-9;?]*[A-Za-z]" }) }
    finally { Pop-Location; Remove-Item $file -ErrorAction SilentlyContinue }
    $script:sandboxOut = $out
    $out | Where-Object { -not $_.StartsWith('JSON:') } | ForEach-Object { Write-Host "sandbox: $_" }
    $json = $out | Where-Object { $_.StartsWith('JSON:') } | Select-Object -Last 1
    $script:results = if ($json) { @($json.Substring(5) | ConvertFrom-Json) } else { @() }
    function Get-Result([string] $Block, [string] $Like) {
        $r = @($results | Where-Object { $_.Block -eq $Block -and ($lines | Where-Object Block -eq $Block | Where-Object Line -eq $_.Line).Code -like $Like })
        if ($r.Count -ne 1) { throw "expected one $Block line like '$Like', found $($r.Count)" }
        $r[0]
    }
}
AfterAll { Remove-TestLeftovers }

Describe 'README' -Tag Readme {
    It 'ran every Tour and Labs line in the sandbox' {
        $results.Count | Should -Be $lines.Count -Because (($sandboxOut | Select-Object -Last 30) -join "`n")
    }

    It '<Block> line <Line>: <Code>' -ForEach $lines {
        $r = $results | Where-Object { $_.Block -eq $Block -and $_.Line -eq $Line }
        $r | Should -Not -BeNullOrEmpty -Because 'the sandbox ran it'
        if ($r.PSObject.Properties['Skipped']) { Set-ItResult -Skipped -Because $r.Skipped; return }
        $r.Error | Should -BeNullOrEmpty
        $r.Ok | Should -BeTrue
        # a trailing '# True' (or False) in the README is the output the line shows
        if ($Code -match '#\s*(True|False)\s*$') { $r.Output | Should -Be $Matches[1] }
    }

    It 'did what the Tour says, seen by ip in the sandbox' {
        (Get-Result Tour 'New-NetNamespace -Name red, blue*').Namespaces | Should -Be @('blue', 'red')
        (Get-Result Tour '1..500*').NamespaceCount | Should -Be 502
        (Get-Result Tour 'New-NetNamespace -Name web*').WebIsSleeper | Should -BeTrue
        (Get-Result Tour 'New-NetVethPair -Name veth9*').Links | Should -Contain 'veth9p'
        (Get-Result Tour 'Move-NetAdapterToNamespace -Name veth9*').Links | Should -Not -Contain 'veth9'
        (Get-Result Tour 'Move-NetAdapterToNamespace -Name eth9*').Links | Should -Contain 'eth9'
        (Get-Result Tour 'Remove-NetNamespaceAdapter -Name eth9*').Links | Should -Not -Contain 'veth9p'
        (Get-Result Tour 'Remove-NetNamespace -Name lab*').NamespaceCount | Should -Be 3
        $last = Get-Result Tour 'Remove-NetNamespace -All*'
        $last.NamespaceCount | Should -Be 0
        @($last.Links) | Should -Be @('lo')
    }

    It 'built and removed the seed 004 lab as the Labs block says, seen by ip in the sandbox' {
        (Get-Result Labs '$lab = New-NetLab*').Namespaces | Sort-Object | Should -Be @('t1-client', 't1-outside', 't1-router')
        (Get-Result Labs 'Get-NetLab*').Output | Should -Match 't1-'
        (Get-Result Labs '$lab | Remove-NetLab*').NamespaceCount | Should -Be 0
    }

    It 'left nothing on the host' {
        $now = @(Get-IpNetnsNames) + @(ip -o link show | ForEach-Object { ($_ -split ': ')[1] -replace '@.*' })
        $mine = 'red', 'blue', 'web', 'veth9', 'veth9p', 'eth9', 'lab1', 't1-client', 't1-router', 't1-outside'
        @($now | Where-Object { $_ -notin $hostBefore -and $_ -in $mine }) | Should -BeNullOrEmpty
    }
}
