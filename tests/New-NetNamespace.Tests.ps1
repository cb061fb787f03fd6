BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
}
AfterAll { Remove-TestLeftovers }

Describe 'New-NetNamespace' {
    It 'creates a namespace that ip sees, as an nsfs mount with the reported inode' {
        $ns = New-NetNamespace -Name "${Prefix}one"
        $ns | Should -BeOfType NetnsPS.NetNamespace
        $ns.Name | Should -Be "${Prefix}one"
        $ns.Path | Should -Be "/run/netns/${Prefix}one"
        $ns.IsStale | Should -BeFalse
        $ns.Id | Should -BeNullOrEmpty
        Get-IpNetnsNames | Should -Contain "${Prefix}one"
        $ns.Inode | Should -Be (Get-FileInode $ns.Path)
        $ns.Inode | Should -Not -Be (Get-ProcNetInode $PID)
        Test-NsfsMount $ns.Path | Should -BeTrue
    }

    It 'creates <Count> names with -ThrottleLimit <Threads>, in input order, all distinct' -ForEach @(
        @{ Count = 50; Threads = 1 }
        @{ Count = 50; Threads = 4 }
    ) {
        $names = 1..$Count | ForEach-Object { "${Prefix}t${Threads}-$_" }
        $out = New-NetNamespace -Name $names -ThrottleLimit $Threads
        $out.Name | Should -Be $names
        $listed = Get-IpNetnsNames
        foreach ($n in $names) { $listed | Should -Contain $n }
        ($out.Inode | Sort-Object -Unique).Count | Should -Be $Count
        foreach ($o in $out) { $o.Inode | Should -Be (Get-FileInode $o.Path) }
        Remove-NetNamespace -Name "${Prefix}t${Threads}-*"
        Get-IpNetnsNames | Where-Object { $_ -like "${Prefix}t${Threads}-*" } | Should -BeNullOrEmpty
    }

    It 'takes names from the pipeline by value and by property name' {
        $a = "${Prefix}pv1", "${Prefix}pv2" | New-NetNamespace
        $a.Name | Should -Be "${Prefix}pv1", "${Prefix}pv2"
        $b = [pscustomobject]@{ Name = "${Prefix}pn1" } | New-NetNamespace
        $b.Name | Should -Be "${Prefix}pn1"
        Get-IpNetnsNames | Should -Contain "${Prefix}pn1"
    }

    It '-WhatIf creates nothing' {
        New-NetNamespace -Name "${Prefix}whatif" -WhatIf
        Test-Path "/run/netns/${Prefix}whatif" | Should -BeFalse
    }

    It 'refuses invalid name <Label> with InvalidNamespaceName and leaves nothing' -ForEach @(
        @{ Label = 'empty'; Value = '' }
        @{ Label = '.'; Value = '.' }
        @{ Label = '..'; Value = '..' }
        @{ Label = 'a/b'; Value = 'a/b' }
        @{ Label = '256 bytes'; Value = ('x' * 256) }
    ) {
        $before = @(Get-ChildItem /run/netns -Name)
        $mounts = (Get-Content /proc/self/mountinfo).Count
        $err = $null
        if ($Value -eq '') {
            # A mandatory string[] refuses an empty string before the cmdlet runs.
            { New-NetNamespace -Name $Value -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationErrorEmptyStringNotAllowed,NetnsPS.Commands.NewNetNamespaceCommand'
        }
        else {
            New-NetNamespace -Name $Value -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'InvalidNamespaceName,NetnsPS.Commands.NewNetNamespaceCommand'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        @(Get-ChildItem /run/netns -Name) | Should -Be $before
        (Get-Content /proc/self/mountinfo).Count | Should -Be $mounts
    }

    It 'accepts a 255-byte name' {
        $name = $Prefix + ('y' * (255 - $Prefix.Length))
        (New-NetNamespace -Name $name).Name | Should -Be $name
        Get-IpNetnsNames | Should -Contain $name
        Remove-NetNamespace -Name $name
    }

    It 'refuses an existing name and leaves the existing namespace untouched' {
        $first = New-NetNamespace -Name "${Prefix}dup"
        { New-NetNamespace -Name "${Prefix}dup" -ErrorAction Stop } |
            Should -Throw -ErrorId 'NamespaceAlreadyExists,NetnsPS.Commands.NewNetNamespaceCommand'
        $err = $null
        New-NetNamespace -Name "${Prefix}dup" -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].TargetObject | Should -Be "${Prefix}dup"
        Get-FileInode "/run/netns/${Prefix}dup" | Should -Be $first.Inode
    }

    It 'lets exactly one of several concurrent creators of one name win' {
        $name = "${Prefix}race"
        $module = $env:NETNSPS_MODULE_PATH
        $jobs = 1..6 | ForEach-Object {
            Start-ThreadJob -ScriptBlock {
                Import-Module $using:module
                try { New-NetNamespace -Name $using:name -ErrorAction Stop | Out-Null; 'won' }
                catch { $_.FullyQualifiedErrorId }
            }
        }
        $results = $jobs | Wait-Job | Receive-Job
        $jobs | Remove-Job
        @($results | Where-Object { $_ -eq 'won' }).Count | Should -Be 1
        @($results | Where-Object { $_ -eq 'NamespaceAlreadyExists,NetnsPS.Commands.NewNetNamespaceCommand' }).Count | Should -Be 5
        @(Get-Content /proc/self/mountinfo | Where-Object { ($_ -split ' ')[4] -eq "/run/netns/$name" }).Count | Should -Be 1
    }

    Context 'attach (-ProcessId)' {
        It 'names the namespace of a process, as ip netns identify confirms' {
            $p = Start-InNewNamespace
            try {
                $ns = New-NetNamespace -Name "${Prefix}att" -ProcessId $p.Id
                $ns.Inode | Should -Be (Get-ProcNetInode $p.Id)
                $ns.ProcessCount | Should -BeGreaterOrEqual 1
                (ip netns identify $p.Id) | Should -Be "${Prefix}att"
            }
            finally { $p.Kill(); $p.WaitForExit() }
        }

        It 'binds a Process object by property name' {
            $p = Start-InNewNamespace
            try {
                $ns = Get-Process -Id $p.Id | New-NetNamespace -Name "${Prefix}attp"
                $ns.Inode | Should -Be (Get-ProcNetInode $p.Id)
            }
            finally { $p.Kill(); $p.WaitForExit() }
        }

        It 'fails with ProcessNotFound for a missing process and leaves no file' {
            { New-NetNamespace -Name "${Prefix}nopid" -ProcessId 2147483000 -ErrorAction Stop } |
                Should -Throw -ErrorId 'ProcessNotFound,NetnsPS.Commands.NewNetNamespaceCommand'
            Test-Path "/run/netns/${Prefix}nopid" | Should -BeFalse
        }
    }

    Context 'without privileges' {
        It 'stops with InsufficientPrivilege naming CAP_SYS_ADMIN' {
            $script = "Import-Module '$env:NETNSPS_MODULE_PATH'; try { New-NetNamespace -Name '${Prefix}noroot' -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category; `$_.Exception.Message }"
            $out = setpriv --inh-caps=-all --bounding-set=-all -- dotnet pwsh -NoProfile -NonInteractive -Command $script 2>&1
            $out[0] | Should -Be 'InsufficientPrivilege,NetnsPS.Commands.NewNetNamespaceCommand'
            $out[1] | Should -Be 'PermissionDenied'
            $out[2] | Should -Match 'CAP_SYS_ADMIN'
            Test-Path "/run/netns/${Prefix}noroot" | Should -BeFalse
        }
    }
}
