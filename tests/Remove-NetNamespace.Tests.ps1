BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
}
AfterAll { Remove-TestLeftovers }

Describe 'Remove-NetNamespace' {
    It 'removes by <How>: gone from ip netns list, no file, no mount' -ForEach @(
        @{ How = 'name'; Run = { param($p) Remove-NetNamespace -Name "${p}r1", "${p}r2" } }
        @{ How = 'wildcard'; Run = { param($p) Remove-NetNamespace -Name "${p}r*" } }
        @{ How = 'pipeline of objects'; Run = { param($p) Get-NetNamespace -Name "${p}r*" | Remove-NetNamespace } }
        @{ How = 'pipeline of names'; Run = { param($p) "${p}r1", "${p}r2" | Remove-NetNamespace } }
    ) {
        New-NetNamespace -Name "${Prefix}r1", "${Prefix}r2" | Out-Null
        & $Run $Prefix
        Get-IpNetnsNames | Where-Object { $_ -like "${Prefix}r*" } | Should -BeNullOrEmpty
        Test-Path "/run/netns/${Prefix}r1" | Should -BeFalse
        Test-NsfsMount "/run/netns/${Prefix}r1" | Should -BeFalse
    }

    It '-WhatIf removes nothing' {
        New-NetNamespace -Name "${Prefix}keep" | Out-Null
        Remove-NetNamespace -Name "${Prefix}keep" -WhatIf
        Get-IpNetnsNames | Should -Contain "${Prefix}keep"
        Remove-NetNamespace -Name "${Prefix}keep"
    }

    It 'gives NamespaceNotFound for a missing literal name' {
        { Remove-NetNamespace -Name "${Prefix}nothere" -ErrorAction Stop } |
            Should -Throw -ErrorId 'NamespaceNotFound,NetnsPS.Commands.RemoveNetNamespaceCommand'
    }

    It 'warns when processes keep the namespace alive, and leaves them running' {
        New-NetNamespace -Name "${Prefix}busy" | Out-Null
        $p = Start-InNamespace "${Prefix}busy"
        try {
            $inode = Get-FileInode "/run/netns/${Prefix}busy"
            $w = $null
            Remove-NetNamespace -Name "${Prefix}busy" -WarningVariable w -WarningAction SilentlyContinue
            "$w" | Should -Match "$($p.Id)"
            "$w" | Should -Match 'physical devices'
            Get-IpNetnsNames | Should -Not -Contain "${Prefix}busy"
            $p.HasExited | Should -BeFalse
            Get-ProcNetInode $p.Id | Should -Be $inode
        }
        finally { $p.Kill(); $p.WaitForExit() }
    }

    It '-Force stops the processes inside first, without a warning' {
        New-NetNamespace -Name "${Prefix}force" | Out-Null
        $p = Start-InNamespace "${Prefix}force"
        $w = $null
        Remove-NetNamespace -Name "${Prefix}force" -Force -WarningVariable w
        $w | Should -BeNullOrEmpty
        $p.WaitForExit(5000) | Should -BeTrue
        Get-IpNetnsNames | Should -Not -Contain "${Prefix}force"
    }

    It 'removes a stale entry' {
        New-Item -ItemType File -Path "/run/netns/${Prefix}stale" | Out-Null
        Remove-NetNamespace -Name "${Prefix}stale"
        Test-Path "/run/netns/${Prefix}stale" | Should -BeFalse
    }

    Context '-All, inside a private mount namespace with its own /run/netns' {
        BeforeAll {
            function Invoke-Isolated([string] $Body) {
                # A child in its own mount namespace with an empty tmpfs on /run/netns: -All there cannot touch ours.
                $cmd = "Import-Module '$env:NETNSPS_MODULE_PATH'; `$ErrorActionPreference = 'Stop'; $Body"
                $sh = "mount -t tmpfs none /run/netns && exec dotnet pwsh -NoProfile -NonInteractive -Command `"`$0`""
                Push-Location (Split-Path $PSScriptRoot)
                try { unshare --mount --propagation private sh -c $sh $cmd 2>&1 }
                finally { Pop-Location }
            }
        }

        It 'removes every named namespace with -Confirm:$false' {
            $out = Invoke-Isolated "New-NetNamespace -Name a, b, c | Out-Null; 'before=' + (ip netns list).Count; Remove-NetNamespace -All -Confirm:`$false; 'after=' + @(ip netns list).Count"
            $out | Should -Contain 'before=3'
            $out | Should -Contain 'after=0'
        }

        It 'asks before -All, and a non-interactive session refuses rather than removing silently' {
            $out = Invoke-Isolated "New-NetNamespace -Name a, b | Out-Null; try { Remove-NetNamespace -All } catch { 'error=' + `$_.FullyQualifiedErrorId }; 'after=' + @(ip netns list).Count"
            $out | Should -Contain 'after=2'
            ($out -join "`n") | Should -Match 'error='
        }

        It 'leaves our own namespaces alone' {
            New-NetNamespace -Name "${Prefix}outside" | Out-Null
            Invoke-Isolated "Remove-NetNamespace -All -Confirm:`$false" | Out-Null
            Get-IpNetnsNames | Should -Contain "${Prefix}outside"
        }
    }
}
