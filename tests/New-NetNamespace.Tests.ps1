BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
}
AfterAll { Remove-TestLeftovers }

Describe 'New-NetNamespace' {
    BeforeAll { Assert-NoLeftovers }
    # Every test starts from nothing with our prefix, so "nothing left behind" can be checked prefix-wide.
    AfterEach { Remove-TestLeftovers }
    AfterAll { Remove-TestLeftovers }

    It 'creates a namespace that ip sees, as one nsfs mount with the reported inode and device' {
        $ns = New-NetNamespace -Name "${Prefix}one"
        @($ns).Count | Should -Be 1
        $ns | Should -BeOfType NetnsPS.NetNamespace
        $ns.PSObject.TypeNames | Should -Contain 'NetnsPS.NetNamespace'
        $ns.Name | Should -BeExactly "${Prefix}one"
        $ns.Path | Should -BeExactly "/run/netns/${Prefix}one"
        $ns.IsStale | Should -BeFalse
        $ns.Id | Should -BeNullOrEmpty
        $ns.ProcessCount | Should -Be 0
        Get-IpNetnsNames | Should -Contain "${Prefix}one"
        (Get-IpNetns | Where-Object name -eq "${Prefix}one").PSObject.Properties.Name | Should -Not -Contain 'id'
        $ns.Inode | Should -Be (Get-FileInode $ns.Path)
        $ns.Inode | Should -Be (Get-LsInode)["${Prefix}one"]
        $ns.Device | Should -Be ([uint64](stat -L -c %d $ns.Path))
        $ns.Inode | Should -Not -Be (Get-ProcNetInode $PID)
        Test-NsfsMount $ns.Path | Should -BeTrue
        Get-MountCount $ns.Path | Should -Be 1
        Get-IpNetnsPids "${Prefix}one" | Should -BeNullOrEmpty
    }

    It 'creates <Count> names with -ThrottleLimit <Threads>, in input order, all distinct, as ls -i shows' -ForEach @(
        @{ Count = 50; Threads = 1 }
        @{ Count = 50; Threads = 4 }
    ) {
        $names = 1..$Count | ForEach-Object { "${Prefix}t${Threads}-$_" }
        $out = New-NetNamespace -Name $names -ThrottleLimit $Threads
        $out.Name | Should -Be $names
        $listed = Get-IpNetnsNames
        foreach ($n in $names) { $listed | Should -Contain $n }
        ($out.Inode | Sort-Object -Unique).Count | Should -Be $Count
        $ls = Get-LsInode
        foreach ($o in $out) {
            $o.Inode | Should -Be $ls[$o.Name] -Because "ls -i /run/netns/$($o.Name)"
            Test-NsfsMount $o.Path | Should -BeTrue
        }
        foreach ($n in $names) { ip netns delete $n }
        (Get-PrefixState).Entries | Should -BeNullOrEmpty
    }

    It 'takes names <Mode>, and emits them in input order' -ForEach @(
        @{ Mode = 'by value from the pipeline'; Run = { param($n) $n | New-NetNamespace } }
        @{ Mode = 'by property name from the pipeline'; Run = { param($n) $n | ForEach-Object { [pscustomobject]@{ Name = $_ } } | New-NetNamespace } }
        @{ Mode = 'as an array parameter'; Run = { param($n) New-NetNamespace -Name $n } }
        @{ Mode = 'positionally'; Run = { param($n) New-NetNamespace $n } }
    ) {
        $names = 'c', 'a', 'e', 'b', 'd' | ForEach-Object { "${Prefix}pipe-$_" }
        $out = & $Run $names
        $out.Name | Should -Be $names
        $ls = Get-LsInode
        foreach ($o in $out) {
            $o | Should -BeOfType NetnsPS.NetNamespace
            $o.Inode | Should -Be $ls[$o.Name]
        }
        foreach ($n in $names) { ip netns delete $n }
    }

    It '-WhatIf creates nothing: no output, no file, no mount, nothing in ip netns list' {
        $out = New-NetNamespace -Name "${Prefix}whatif1", "${Prefix}whatif2" -WhatIf
        $out | Should -BeNullOrEmpty
        Test-Path "/run/netns/${Prefix}whatif1" | Should -BeFalse
        $state = Get-PrefixState
        $state.Entries | Should -BeNullOrEmpty
        $state.Mounts | Should -BeNullOrEmpty
        $state.Listed | Should -BeNullOrEmpty
    }

    It 'refuses invalid name <Label> with InvalidNamespaceName (InvalidArgument) and leaves nothing' -ForEach @(
        @{ Label = "'.'"; Value = '.' }
        @{ Label = "'..'"; Value = '..' }
        @{ Label = 'with a slash'; Value = 'PREFIXa/b' }
        @{ Label = 'with a NUL'; Value = "PREFIXa`0b" }
        @{ Label = 'of 256 ASCII bytes'; Value = 'PREFIX'; Fill = 'x'; Bytes = 256 }
        @{ Label = 'of 256 UTF-8 bytes (2-byte characters)'; Value = 'PREFIX'; Fill = 'é'; Bytes = 256 }
    ) {
        $name = $Value.Replace('PREFIX', $Prefix)
        if ($Bytes) {
            $name += $Fill * [Math]::Floor(($Bytes - $name.Length) / [Text.Encoding]::UTF8.GetByteCount($Fill))
            $name += 'x' * ($Bytes - [Text.Encoding]::UTF8.GetByteCount($name))
            [Text.Encoding]::UTF8.GetByteCount($name) | Should -Be $Bytes
        }
        $err = $null
        $out = New-NetNamespace -Name $name -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidNamespaceName,NetnsPS.Commands.NewNetNamespaceCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].TargetObject | Should -BeExactly $name
        $state = Get-PrefixState
        $state.Entries | Should -BeNullOrEmpty
        $state.Mounts | Should -BeNullOrEmpty
        Get-NsfsMountPoint | Should -Not -Contain '/run/netns'
        Get-NsfsMountPoint | Should -Not -Contain '/run'
    }

    It "refuses an empty name before the cmdlet runs (mandatory parameter), creating none of the other names" {
        # PowerShell's binder rejects '' for a mandatory string[]: the error id is the binder's, not InvalidNamespaceName.
        { New-NetNamespace -Name "${Prefix}e1", '', "${Prefix}e2" -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationErrorEmptyStringNotAllowed,NetnsPS.Commands.NewNetNamespaceCommand'
        (Get-PrefixState).Entries | Should -BeNullOrEmpty
    }

    It 'creates the valid names of a pipeline and reports the invalid ones, in order' {
        $err = $null
        $out = "${Prefix}m1", '..', "${Prefix}m2", "${Prefix}a/b", "${Prefix}m3" | New-NetNamespace -ErrorVariable err -ErrorAction SilentlyContinue
        $out.Name | Should -Be "${Prefix}m1", "${Prefix}m2", "${Prefix}m3"
        $invalid = 'InvalidNamespaceName,NetnsPS.Commands.NewNetNamespaceCommand'
        $err.FullyQualifiedErrorId | Should -Be $invalid, $invalid
        $err.TargetObject | Should -Be '..', "${Prefix}a/b"
        (Get-PrefixState).Listed | Should -Be "${Prefix}m1,${Prefix}m2,${Prefix}m3"
        foreach ($n in $out.Name) { ip netns delete $n }
    }

    It 'accepts a name of exactly 255 bytes (<Label>)' -ForEach @(
        @{ Label = 'ASCII'; Fill = 'y' }
        @{ Label = 'UTF-8, 2-byte characters'; Fill = 'é' }
    ) {
        $name = $Prefix + ($Fill * [Math]::Floor((255 - $Prefix.Length) / [Text.Encoding]::UTF8.GetByteCount($Fill)))
        if ([Text.Encoding]::UTF8.GetByteCount($name) -lt 255) { $name += 'y' * (255 - [Text.Encoding]::UTF8.GetByteCount($name)) }
        [Text.Encoding]::UTF8.GetByteCount($name) | Should -Be 255
        $ns = New-NetNamespace -Name $name
        $ns.Name | Should -BeExactly $name
        Get-IpNetnsNames | Should -Contain $name
        $ns.Inode | Should -Be (Get-LsInode)[$name]
        Test-NsfsMount "/run/netns/$name" | Should -BeTrue
        ip netns delete $name
    }

    It 'refuses an existing name with NamespaceAlreadyExists (ResourceExists) and leaves the existing namespace untouched' {
        $first = New-NetNamespace -Name "${Prefix}dup"
        { New-NetNamespace -Name "${Prefix}dup" -ErrorAction Stop } |
            Should -Throw -ErrorId 'NamespaceAlreadyExists,NetnsPS.Commands.NewNetNamespaceCommand'
        $err = $null
        $out = New-NetNamespace -Name "${Prefix}dup" -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].TargetObject | Should -BeExactly "${Prefix}dup"
        Get-FileInode "/run/netns/${Prefix}dup" | Should -Be $first.Inode
        (Get-LsInode)["${Prefix}dup"] | Should -Be $first.Inode
        Get-MountCount "/run/netns/${Prefix}dup" | Should -Be 1 -Because 'nothing may be stacked on the existing mount'
    }

    It 'refuses a name taken by a file that is not a namespace, and leaves the file alone' {
        $path = "/run/netns/${Prefix}plainfile"
        New-Item -ItemType File -Path $path | Out-Null
        $ino = Get-FileInode $path
        $err = $null
        New-NetNamespace -Name "${Prefix}plainfile" -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceAlreadyExists,NetnsPS.Commands.NewNetNamespaceCommand'
        Get-FileInode $path | Should -Be $ino
        Get-MountCount $path | Should -Be 0
    }

    It 'creates a name given twice in one call once, and reports the second' {
        $err = $null
        $out = New-NetNamespace -Name "${Prefix}twice", "${Prefix}other", "${Prefix}twice" -ThrottleLimit 4 -ErrorVariable err -ErrorAction SilentlyContinue
        $out.Name | Should -Be "${Prefix}twice", "${Prefix}other"
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceAlreadyExists,NetnsPS.Commands.NewNetNamespaceCommand'
        Get-MountCount "/run/netns/${Prefix}twice" | Should -Be 1
        ($out | Where-Object Name -eq "${Prefix}twice").Inode | Should -Be (Get-LsInode)["${Prefix}twice"]
    }

    It 'lets exactly one of several concurrent creators of one name win (thread jobs)' {
        $name = "${Prefix}race"
        $module = $env:NETNSPS_MODULE_PATH
        Import-Module Microsoft.PowerShell.ThreadJob -ErrorAction SilentlyContinue
        $go = "/tmp/${Prefix}go-threads"
        $jobs = 1..6 | ForEach-Object {
            Start-ThreadJob -ThrottleLimit 6 -ScriptBlock {
                Import-Module $using:module
                while (-not (Test-Path $using:go)) { Start-Sleep -Milliseconds 2 }
                try { $o = New-NetNamespace -Name $using:name -ErrorAction Stop; "won $($o.Inode)" }
                catch { $_.FullyQualifiedErrorId }
            }
        }
        Start-Sleep -Milliseconds 500
        New-Item -ItemType File -Path $go | Out-Null
        $results = @($jobs | Wait-Job -Timeout 60 | Receive-Job)
        $jobs | Remove-Job -Force
        $results.Count | Should -Be 6
        $won = @($results | Where-Object { $_ -like 'won *' })
        $won.Count | Should -Be 1
        @($results | Where-Object { $_ -eq 'NamespaceAlreadyExists,NetnsPS.Commands.NewNetNamespaceCommand' }).Count | Should -Be 5
        [uint64]($won[0] -split ' ')[1] | Should -Be (Get-LsInode)[$name]
        Get-MountCount "/run/netns/$name" | Should -Be 1
    }

    It 'lets exactly one of several concurrent creator processes of one name win' {
        $name = "${Prefix}prace"
        $go = "/tmp/${Prefix}go-procs"
        $racer = @"
New-Item -ItemType File -Path "/tmp/${Prefix}ready-`$(`$args[0])" | Out-Null
while (-not (Test-Path '$go')) { Start-Sleep -Milliseconds 2 }
try { `$o = New-NetNamespace -Name '$name' -ErrorAction Stop; "JSON:{""r"":""won"",""inode"":`$(`$o.Inode)}" }
catch { "JSON:{""r"":""`$(`$_.FullyQualifiedErrorId)""}" }
"@
        $file = "/tmp/${Prefix}racer.ps1"
        Set-Content -Path $file -Value ("Import-Module '$env:NETNSPS_MODULE_PATH'`n" + $racer)
        Push-Location (Split-Path $PSScriptRoot)   # the repository root, where the dotnet tool manifest is
        try {
            $procs = 1..6 | ForEach-Object {
                $p = Start-Process -FilePath dotnet -ArgumentList 'pwsh', '-NoProfile', '-NonInteractive', '-File', $file, $_ `
                    -RedirectStandardOutput "/tmp/${Prefix}racer$_.out" -PassThru
                $script:StartedProcesses.Add($p)
                $p
            }
        }
        finally { Pop-Location }
        # every child has imported the module and waits on the go file
        Wait-Until -TimeoutMs 60000 -What 'six racers ready' { @(Get-ChildItem /tmp -Filter "${Prefix}ready-*").Count -eq 6 }
        New-Item -ItemType File -Path $go | Out-Null
        foreach ($p in $procs) { $p.WaitForExit(60000) | Should -BeTrue }
        $results = 1..6 | ForEach-Object {
            $line = Get-Content "/tmp/${Prefix}racer$_.out" | Where-Object { $_ -like 'JSON:*' } | Select-Object -Last 1
            $line | Should -Not -BeNullOrEmpty -Because "racer $_ must report"
            $line.Substring(5) | ConvertFrom-Json
        }
        @($results | Where-Object r -eq 'won').Count | Should -Be 1
        @($results | Where-Object r -eq 'NamespaceAlreadyExists,NetnsPS.Commands.NewNetNamespaceCommand').Count | Should -Be 5
        [uint64]($results | Where-Object r -eq 'won').inode | Should -Be (Get-LsInode)[$name]
        Get-MountCount "/run/netns/$name" | Should -Be 1
        Get-IpNetnsNames | Should -Contain $name
    }

    Context 'attach (-ProcessId)' {
        It 'names the namespace of a process, as ip netns identify, ls -i and ip netns pids confirm' {
            $p = Start-InNewNamespace
            try {
                $ino = Get-ProcNetInode $p.Id
                $ns = New-NetNamespace -Name "${Prefix}att" -ProcessId $p.Id
                $ns | Should -BeOfType NetnsPS.NetNamespace
                $ns.Name | Should -BeExactly "${Prefix}att"
                $ns.Inode | Should -Be $ino
                (Get-LsInode)["${Prefix}att"] | Should -Be $ino
                $ns.ProcessCount | Should -Be @(Get-IpNetnsPids "${Prefix}att").Count
                Get-IpNetnsPids "${Prefix}att" | Should -Contain $p.Id
                Get-IpNetnsIdentify $p.Id | Should -Be "${Prefix}att"
                Test-NsfsMount "/run/netns/${Prefix}att" | Should -BeTrue
                Get-ProcNetInode $p.Id | Should -Be $ino -Because 'attaching does not move the process'
            }
            finally { $p.Kill(); $p.WaitForExit() }
        }

        It 'attaches several names to one process in one call' {
            $p = Start-InNewNamespace
            try {
                $out = New-NetNamespace -Name "${Prefix}att1", "${Prefix}att2" -ProcessId $p.Id
                $out.Name | Should -Be "${Prefix}att1", "${Prefix}att2"
                $ls = Get-LsInode
                $ls["${Prefix}att1"] | Should -Be (Get-ProcNetInode $p.Id)
                $ls["${Prefix}att2"] | Should -Be (Get-ProcNetInode $p.Id)
                # ip netns identify prints only the first name it finds
                Get-IpNetnsIdentify $p.Id | Should -BeIn "${Prefix}att1", "${Prefix}att2"
            }
            finally { $p.Kill(); $p.WaitForExit() }
        }

        It 'binds a Process object by property name (Id)' {
            $p = Start-InNewNamespace
            try {
                $ns = Get-Process -Id $p.Id | New-NetNamespace -Name "${Prefix}attp"
                $ns.Inode | Should -Be (Get-ProcNetInode $p.Id)
                Get-IpNetnsIdentify $p.Id | Should -Be "${Prefix}attp"
            }
            finally { $p.Kill(); $p.WaitForExit() }
        }

        It '-WhatIf attaches nothing' {
            $p = Start-InNewNamespace
            try {
                New-NetNamespace -Name "${Prefix}attw" -ProcessId $p.Id -WhatIf | Should -BeNullOrEmpty
                Test-Path "/run/netns/${Prefix}attw" | Should -BeFalse
                Get-IpNetnsIdentify $p.Id | Should -BeNullOrEmpty
            }
            finally { $p.Kill(); $p.WaitForExit() }
        }

        It 'refuses an existing name and leaves it pointing at its namespace' {
            $first = New-NetNamespace -Name "${Prefix}atte"
            $p = Start-InNewNamespace
            try {
                $err = $null
                New-NetNamespace -Name "${Prefix}atte" -ProcessId $p.Id -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $err[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceAlreadyExists,NetnsPS.Commands.NewNetNamespaceCommand'
                $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
                (Get-LsInode)["${Prefix}atte"] | Should -Be $first.Inode
                Get-MountCount "/run/netns/${Prefix}atte" | Should -Be 1
            }
            finally { $p.Kill(); $p.WaitForExit() }
        }

        It 'fails with ProcessNotFound (ObjectNotFound) for <Label> and leaves no file' -ForEach @(
            @{ Label = 'an unused pid'; Pick = { Get-UnusedPid } }
            @{ Label = 'a pid beyond pid_max'; Pick = { 2147483000 } }
        ) {
            $id = & $Pick
            $err = $null
            New-NetNamespace -Name "${Prefix}nopid" -ProcessId $id -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            @($err).Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ProcessNotFound,NetnsPS.Commands.NewNetNamespaceCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            Test-Path "/run/netns/${Prefix}nopid" | Should -BeFalse
            (Get-PrefixState).Mounts | Should -BeNullOrEmpty
        }

        It 'refuses an invalid name with InvalidNamespaceName' {
            $p = Start-InNewNamespace
            try {
                { New-NetNamespace -Name '..' -ProcessId $p.Id -ErrorAction Stop } |
                    Should -Throw -ErrorId 'InvalidNamespaceName,NetnsPS.Commands.NewNetNamespaceCommand'
            }
            finally { $p.Kill(); $p.WaitForExit() }
        }
    }
}

Describe 'New-NetNamespace and Remove-NetNamespace without CAP_SYS_ADMIN (capabilities dropped from the bounding set)' {
    BeforeAll {
        Assert-NoLeftovers
        # Root, but every capability dropped from the bounding and inheritable sets: the exec'd pwsh has CapEff 0.
        $script:kept = New-NetNamespace -Name "${Prefix}kept"
        $body = @"
`$caps = @{}; foreach (`$l in Get-Content /proc/self/status) { if (`$l -match '^(Cap\w+):\s+([0-9a-f]+)') { `$caps[`$Matches[1]] = `$Matches[2] } }
function Invoke-Op([scriptblock] `$b) { try { `$null = & `$b; @{ ok = `$true } } catch { @{ ok = `$false; id = `$_.FullyQualifiedErrorId; cat = "`$(`$_.CategoryInfo.Category)"; msg = `$_.Exception.Message } } }
`$r = @{
    uid = [int](id -u)
    capEff = `$caps['CapEff']; capBnd = `$caps['CapBnd']
    new = Invoke-Op { New-NetNamespace -Name '${Prefix}noroot' -ErrorAction Stop }
    attach = Invoke-Op { New-NetNamespace -Name '${Prefix}noroot2' -ProcessId `$PID -ErrorAction Stop }
    remove = Invoke-Op { Remove-NetNamespace -Name '${Prefix}kept' -ErrorAction Stop }
    get = @(Get-NetNamespace -Name '${Prefix}kept' | ForEach-Object { "`$(`$_.Name) `$(`$_.Inode)" })
}
'JSON:' + (`$r | ConvertTo-Json -Compress -Depth 4)
"@
        $script:child = Invoke-ChildPwsh -Script $body -Wrapper setpriv, '--inh-caps=-all', '--bounding-set=-all', '--'
        # -All without privileges, in a private /run/netns holding one stale entry: if the check failed, it would
        # only reach that private directory.
        $allBody = @"
try { Remove-NetNamespace -All -Confirm:`$false -ErrorAction Stop; `$r = @{ ok = `$true } }
catch { `$r = @{ ok = `$false; id = `$_.FullyQualifiedErrorId; cat = "`$(`$_.CategoryInfo.Category)"; msg = `$_.Exception.Message } }
`$r.left = @(Get-ChildItem /run/netns -Name)
'JSON:' + (`$r | ConvertTo-Json -Compress)
"@
        $script:allChild = Invoke-ChildPwsh -Script $allBody -PrivateRunDir -Setup 'touch /run/netns/stale1' -Wrapper setpriv, '--inh-caps=-all', '--bounding-set=-all', '--'
    }
    AfterAll { Remove-TestLeftovers }

    It 'runs the child as uid 0 with no effective capabilities' {
        $child.Json | Should -Not -BeNullOrEmpty -Because ($child.Output -join "`n")
        $child.Json.uid | Should -Be 0
        [Convert]::ToUInt64($child.Json.capEff, 16) | Should -Be 0
        [Convert]::ToUInt64($child.Json.capBnd, 16) -band (1 -shl 21) | Should -Be 0
    }

    It '<Op> stops with InsufficientPrivilege (PermissionDenied) naming CAP_SYS_ADMIN' -ForEach @(
        @{ Op = 'new'; Cmd = 'NewNetNamespaceCommand' }
        @{ Op = 'attach'; Cmd = 'NewNetNamespaceCommand' }
        @{ Op = 'remove'; Cmd = 'RemoveNetNamespaceCommand' }
        @{ Op = 'removeAll'; Cmd = 'RemoveNetNamespaceCommand' }
    ) {
        $r = if ($Op -eq 'removeAll') { $allChild.Json } else { $child.Json.$Op }
        $r | Should -Not -BeNullOrEmpty -Because (($child.Output + $allChild.Output) -join "`n")
        $r.ok | Should -BeFalse
        $r.id | Should -BeExactly "InsufficientPrivilege,NetnsPS.Commands.$Cmd"
        $r.cat | Should -Be 'PermissionDenied'
        $r.msg | Should -Match 'CAP_SYS_ADMIN'
    }

    It 'changed nothing, and listing still works without privileges' {
        Test-Path "/run/netns/${Prefix}noroot" | Should -BeFalse
        Test-Path "/run/netns/${Prefix}noroot2" | Should -BeFalse
        (Get-LsInode)["${Prefix}kept"] | Should -Be $kept.Inode
        $child.Json.get | Should -Be "${Prefix}kept $($kept.Inode)"
        $allChild.Json.left | Should -Be 'stale1' -Because '-All without privileges removes nothing' 
    }
}
