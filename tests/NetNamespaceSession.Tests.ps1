BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:A = "${Prefix}a"; $script:B = "${Prefix}b"
    New-NetNamespace -Name $A, $B | Out-Null
    New-NetVethPair -Name s0 -PeerName s1 -Namespace $A -PeerNamespace $B | Out-Null
    Get-NetNamespaceAdapter -Namespace $A, $B | Set-NetNamespaceAdapter -State Up
    New-NetNamespaceAddress -Namespace $A -InterfaceAlias s0 -IPAddress 10.71.0.1/24 | Out-Null
    New-NetNamespaceAddress -Namespace $B -InterfaceAlias s1 -IPAddress 10.71.0.2/24 | Out-Null
    $script:inoA = Get-FileInode "/run/netns/$A"
}
AfterAll {
    Get-PSSession | Where-Object Name -like "netns:$Prefix*" | Remove-PSSession
    Remove-TestLeftovers
}

Describe 'New-NetNamespaceSession' {
    BeforeAll { $script:s = New-NetNamespaceSession -Namespace $A }
    AfterAll { if ($s) { Remove-PSSession $s } }

    It 'is an open PSSession whose process lives in the namespace' {
        $s | Should -BeOfType System.Management.Automation.Runspaces.PSSession
        $s.State | Should -Be 'Opened'
        $s.Name | Should -Be "netns:$A"
        $childPid = Invoke-Command -Session $s { $PID }
        Get-ProcNetInode $childPid | Should -Be $inoA
        @(ip netns pids $A) | Should -Contain "$childPid"
    }

    It 'sees only the namespace''s adapters, in /sys too' {
        (Invoke-Command -Session $s { (Get-ChildItem /sys/class/net).Name } | Sort-Object) | Should -Be ((ip -n $A -j link | ConvertFrom-Json).ifname | Sort-Object)
    }

    It 'keeps thread-pool and async work inside the namespace: a TCP call from a task reaches a listener in the peer namespace' {
        $srv = Start-SocketListener $B 10.71.0.2 18091 -Reply pong
        try {
            $reply = Invoke-Command -Session $s {
                # the connect completes on the thread pool; the whole process (every thread) is in the namespace
                $c = [System.Net.Sockets.TcpClient]::new()
                $c.ConnectAsync('10.71.0.2', 18091).Wait(5000) | Out-Null
                $r = [IO.StreamReader]::new($c.GetStream()).ReadLine()
                $c.Dispose()
                $r
            }
            $childPid = Invoke-Command -Session $s { $PID }
            $threads = Get-ChildItem "/proc/$childPid/task" -Directory
            $threads.Count | Should -BeGreaterThan 5
            foreach ($t in $threads) { (Get-Item "$($t.FullName)/ns/net").LinkTarget | Should -Be "net:[$inoA]" }
            $reply | Should -Be 'pong'
        }
        finally { Stop-SocketListener $srv }
    }

    It 'ends the process when the session is removed, and leaves no thread of ours inside' {
        $s2 = New-NetNamespaceSession -Namespace $A -Name "netns:${Prefix}second"
        $childPid = Invoke-Command -Session $s2 { $PID }
        Remove-PSSession $s2
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ((Test-Path "/proc/$childPid") -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Test-Path "/proc/$childPid" | Should -BeFalse
        Get-TasksInNamespace $inoA | Should -BeNullOrEmpty
    }

    It 'gives NamespaceNotFound for a missing namespace' {
        { New-NetNamespaceSession -Namespace "${Prefix}none" -ErrorAction Stop } | Should -Throw -ErrorId 'NamespaceNotFound,NetnsPS.Commands.NewNetNamespaceSessionCommand'
    }
}

Describe 'Invoke-InNetNamespace -Isolated' {
    It 'runs in a separate process inside the namespace and passes arguments' {
        $out = Invoke-InNetNamespace $A -Isolated { param($x) "$x $((Get-Item /proc/self/ns/net).LinkTarget) $PID" } -ArgumentList 'hi'
        $parts = $out -split ' '
        $parts[0] | Should -Be 'hi'
        $parts[1] | Should -Be "net:[$inoA]"
        [int]$parts[2] | Should -Not -Be $PID
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ((Test-Path "/proc/$($parts[2])") -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Test-Path "/proc/$($parts[2])" | Should -BeFalse -Because 'the session process is gone afterwards'
    }
}

Describe 'New-NetNamespaceSocket' {
    It 'creates sockets that belong to the namespace, usable from any thread' {
        $l = New-NetNamespaceSocket -Namespace $B
        $c = New-NetNamespaceSocket -Namespace $A
        try {
            $l.NetNamespace | Should -Be $B
            $l.Bind([Net.IPEndPoint]::new([Net.IPAddress]::Parse('10.71.0.2'), 18092))
            $l.Listen(1)
            # connect from a thread-pool task: the socket keeps its namespace whatever thread uses it
            $c.ConnectAsync('10.71.0.2', 18092).Wait(5000) | Should -BeTrue
            $a = $l.Accept()
            $a.RemoteEndPoint.Address.ToString() | Should -Be '10.71.0.1'
            $a.Dispose()
        }
        finally { $l.Dispose(); $c.Dispose() }
    }
}
