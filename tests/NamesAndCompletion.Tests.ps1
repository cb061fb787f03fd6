# Names with wildcard characters (-Name patterns, -LiteralName), argument completion through TabExpansion2 (escaped
# and quoted text that, run again, names exactly the object), and errors for unknown names written in input order.
# Oracles: ip netns list, ip -j addr/route, /proc/sys/net read inside the namespace (ip netns exec ls).
BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
    $script:P = $script:Prefix
    # Awkward but valid names; created with the independent tool.
    $script:Odd = [ordered]@{
        Bracket = "${P}ux[1]"; Question = "${P}ux?q"; Plain = "${P}uxaq"; Star = "${P}ux*s"; Space = "${P}ux q"
        Quote = "${P}ux'q"; Smart = "${P}ux$([char]0x2019)q"; Dollar = "${P}ux`$q"; Newline = "${P}ux`nq"; Backtick = "${P}ux``q"
    }
    foreach ($n in $Odd.Values) { ip netns add $n; if ($LASTEXITCODE) { throw "ip netns add '$n' failed" } }
    $script:A, $script:B = "${P}a", "${P}b"
    ip netns add $A; ip netns add $B
    ip -n $A link add sx0 type ifb
    ip -n $A link add e1 type veth peer name e2
    foreach ($l in 'lo', 'e1', 'e2') { ip -n $A link set $l up }
    ip -n $A addr add 10.61.0.1/24 dev e1
    ip -n $A addr add 10.61.1.1/24 dev e2
    ip -n $A route add 10.62.0.0/16 via 10.61.0.9
    ip -n $A route add 10.63.0.0/16 dev e2

    function Get-ErrorIdOf([scriptblock] $Script) { try { $null = & $Script; $null } catch { $_.FullyQualifiedErrorId } }

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches)
    }
}

AfterAll { Remove-TestLeftovers }

Describe 'Names with wildcard characters' {
    It 'Get-NetNamespace -Name treats [1] as a pattern, -LiteralName as text' {
        Get-NetNamespace -Name $Odd.Bracket | Should -BeNullOrEmpty -Because "'[1]' is a character class matching '1'"
        $o = Get-NetNamespace -LiteralName $Odd.Bracket -ErrorAction Stop
        $o.Name | Should -BeExactly $Odd.Bracket
        $o.Inode | Should -Be (Get-FileInode "/run/netns/$($Odd.Bracket)")
        (Get-NetNamespace -Name ([WildcardPattern]::Escape($Odd.Bracket)) -ErrorAction Stop).Name | Should -BeExactly $Odd.Bracket
    }

    It 'Get-NetNamespace -LiteralName of a missing name with wildcard characters is NamespaceNotFound (not a silent no-match)' {
        Get-ErrorIdOf -Script { Get-NetNamespace -LiteralName "${P}nosuch*" -ErrorAction Stop } |
            Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.GetNetNamespaceCommand'
    }

    It 'Get-NetNamespaceProcess -LiteralName reads exactly that namespace' {
        $p = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $Odd.Question, 'sleep', '60' -PassThru
        $script:StartedProcesses.Add($p)
        Wait-Until { (Get-IpNetnsPids $Odd.Question).Count -gt 0 } -What 'sleep inside'
        $o = @(Get-NetNamespaceProcess -LiteralName $Odd.Question -ErrorAction Stop)
        ($o.Id | Sort-Object) -join ',' | Should -BeExactly ((Get-IpNetnsPids $Odd.Question | Sort-Object) -join ',')
        @(Get-NetNamespaceProcess -LiteralName $Odd.Plain -ErrorAction Stop) | Should -BeNullOrEmpty
        Stop-Process -Id $p.Id -Force
    }

    It 'Remove-NetNamespace -LiteralName ''ux?q'' removes that one only, never uxaq' {
        $copy = "${P}lit?x"; $twin = "${P}litax"
        ip netns add $copy; ip netns add $twin
        Remove-NetNamespace -LiteralName $copy -WhatIf
        Get-IpNetnsNames | Should -Contain $copy
        Remove-NetNamespace -LiteralName $copy -ErrorAction Stop
        Get-IpNetnsNames | Should -Not -Contain $copy
        Get-IpNetnsNames | Should -Contain $twin -Because '-LiteralName never matches other names'
        Test-Path -LiteralPath "/run/netns/$twin" | Should -BeTrue
        ip netns delete $twin
    }
}

Describe 'Completion: escaped and quoted, and run again it names exactly that namespace' {
    It '<Command> -<Parameter> completes <Key> to text that names it exactly' -ForEach @(
        foreach ($k in 'Bracket', 'Question', 'Star', 'Space', 'Quote', 'Smart', 'Dollar', 'Newline', 'Backtick') {
            @{ Command = 'Get-NetNamespace'; Parameter = 'Name'; Key = $k }
            @{ Command = 'Get-NetNamespace'; Parameter = 'LiteralName'; Key = $k }
            @{ Command = 'Get-NetNamespaceAdapter'; Parameter = 'Namespace'; Key = $k }
        }
    ) {
        $name = $Odd[$Key]
        $typed = $name.Substring(0, $P.Length + 2)    # "<prefix>ux"
        $m = Get-Completion "$Command -$Parameter $typed"
        $hit = @($m | Where-Object ListItemText -CEQ $name)
        $hit | Should -HaveCount 1 -Because "completions: $($m.CompletionText -join ' | ')"
        $text = $hit[0].CompletionText
        if ($Parameter -eq 'LiteralName') { $text | Should -Not -Match '`[\[\]\*\?]' -Because '-LiteralName takes no escapes' }
        # Parsed as an argument, the inserted text is one token that names exactly this namespace.
        $out = @(Invoke-Expression "$Command -$Parameter $text -ErrorAction Stop")
        if ($Command -eq 'Get-NetNamespace') {
            $out | Should -HaveCount 1
            $out[0].Name | Should -BeExactly $name
        }
        else { ($out.Name | Sort-Object) -join ',' | Should -BeExactly 'lo' }
    }

    It 'quotes only what needs it: a plain name is inserted as is' {
        $m = Get-Completion "Get-NetNamespace -Name ${P}uxa"
        ($m | Where-Object ListItemText -CEQ $Odd.Plain).CompletionText | Should -BeExactly $Odd.Plain
    }

    It 'a typed word that is no valid pattern (''ux['') still completes, as a literal prefix' {
        $m = Get-Completion "Get-NetNamespace -Name ${P}ux["
        $m.ListItemText | Should -Contain $Odd.Bracket
        $m.CompletionText | Should -Contain "'${P}ux``[1``]'"
    }

    It 'a quoted partial word completes (''<prefix>ux q'' typed with its opening quote)' {
        $m = Get-Completion "Get-NetNamespace -LiteralName '${P}ux "
        $m.CompletionText | Should -Contain "'$($Odd.Space)'"
    }
}

Describe 'Completion of sysctl names, addresses and routes' {
    It 'completes sysctl names from /proc/sys/net inside -Namespace (<Command>)' -ForEach @(
        @{ Command = 'Get-NetNamespaceSysctl' }
        @{ Command = 'Set-NetNamespaceSysctl' }
    ) {
        $m = Get-Completion "$Command -Namespace $A -Name net.ipv4.conf.sx0.f"
        $oracle = @(ip netns exec $A ls /proc/sys/net/ipv4/conf/sx0 | Where-Object { $_ -like 'f*' } | ForEach-Object { "net.ipv4.conf.sx0.$_" })
        $oracle.Count | Should -BeGreaterThan 0
        ($m.CompletionText | Sort-Object) -join ',' | Should -BeExactly (($oracle | Sort-Object) -join ',')
        # sx0 is in $A only: completing against the host or $B finds none of it
        Get-Completion "$Command -Namespace $B -Name net.ipv4.conf.sx0." | Should -BeNullOrEmpty
    }

    It 'completes sysctl names typed in the path form in the path form' {
        $m = Get-Completion "Get-NetNamespaceSysctl -Namespace $A -Name net/ipv4/ip_forw"
        $m.CompletionText | Should -Contain 'net/ipv4/ip_forward'
    }

    It 'completes the addresses of -Namespace, only those on -InterfaceAlias when given' {
        $all = @(Get-IpAddr $A | ForEach-Object { $i = $_; $i.addr_info | ForEach-Object { "$($_.local)/$($_.prefixlen)" } } | Where-Object { $_ -like '10.61.*' })
        $m = Get-Completion "Remove-NetNamespaceAddress -Namespace $A -IPAddress 10.61."
        ($m.CompletionText | Sort-Object) -join ',' | Should -BeExactly (($all | Sort-Object) -join ',')
        $m = Get-Completion "Remove-NetNamespaceAddress -Namespace $A -InterfaceAlias e2 -IPAddress 10.61."
        $m.CompletionText | Should -BeExactly '10.61.1.1/24'
    }

    It 'completes the routes of -Namespace, only those through -InterfaceAlias when given' {
        $ip = @(Get-IpRoute $A | ForEach-Object dst | Where-Object { $_ -like '10.6*' })
        $m = Get-Completion "Remove-NetNamespaceRoute -Namespace $A -DestinationPrefix 10.6"
        ($m.CompletionText | Sort-Object) -join ',' | Should -BeExactly (($ip | Sort-Object) -join ',')
        $m = Get-Completion "Remove-NetNamespaceRoute -Namespace $A -InterfaceAlias e2 -DestinationPrefix 10.6"
        ($m.CompletionText | Sort-Object) -join ',' | Should -BeExactly '10.61.1.0/24,10.63.0.0/16'
    }

    It 'never throws: <Line>' -ForEach @(
        @{ Line = "Get-NetNamespaceSysctl -Namespace nosuch-ns-zz -Name net." }
        @{ Line = "Remove-NetNamespaceAddress -Namespace 'a/b' -IPAddress 1" }
        @{ Line = "Remove-NetNamespaceRoute -Namespace nosuch-ns-zz -Table 7 -DestinationPrefix 1" }
        @{ Line = "Get-NetNamespaceAdapter -Namespace 'x[' -Name e" }
    ) {
        { $script:r = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length } | Should -Not -Throw
        $r.CompletionMatches | Where-Object ResultType -EQ 'ProviderItem' | Should -BeNullOrEmpty -Because 'no fallback to file names'
    }
}

Describe 'Errors for unknown names come in input order, after the output of the names before them' {
    It '<Command>: with -ErrorAction Stop the first name''s output comes out, then it throws' -ForEach @(
        @{ Command = 'Get-NetNamespace'; Call = { param($a, $m, $b) Get-NetNamespace $a, $m, $b -ErrorAction Stop }; Key = 'Name' }
        @{ Command = 'Get-NetNamespaceAdapter'; Call = { param($a, $m, $b) Get-NetNamespaceAdapter -Namespace $a, $m, $b -Name lo -ErrorAction Stop }; Key = 'Namespace' }
        @{ Command = 'Get-NetNamespaceSysctl'; Call = { param($a, $m, $b) Get-NetNamespaceSysctl -Namespace $a, $m, $b -Name net.ipv4.ip_forward -ErrorAction Stop }; Key = 'Namespace' }
        @{ Command = 'Invoke-InNetNamespace'; Call = { param($a, $m, $b) Invoke-InNetNamespace $a, $m, $b { [pscustomobject]@{ Ino = (Get-Item /proc/thread-self/ns/net).LinkTarget } } -ErrorAction Stop }; Key = 'NetNamespace' }
        @{ Command = 'New-NetNamespaceSocket'; Call = { param($a, $m, $b) New-NetNamespaceSocket -Namespace $a, $m, $b -ErrorAction Stop }; Key = 'NetNamespace' }
    ) {
        $out = [System.Collections.Generic.List[object]]::new()
        $err = $null
        try { & $Call $A "${P}missing" $B | ForEach-Object { $out.Add($_) } } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'NamespaceNotFound,*'
        $err.TargetObject | Should -BeExactly "${P}missing"
        $out.Count | Should -Be 1
        $out[0].$Key | Should -BeExactly $A
        # the one output really came from inside $A (ls -i of its /run/netns entry as the oracle)
        if ($Command -eq 'Invoke-InNetNamespace') { $out[0].Ino | Should -Be "net:[$(stat -L -c %i /run/netns/$A)]" }
        foreach ($o in $out) { if ($o -is [System.IDisposable]) { $o.Dispose() } }
    }

    It 'without -ErrorAction Stop everything comes, the error between the two (one stream, in order)' {
        $all = @(Get-NetNamespace $A, "${P}missing", $B -ErrorAction Continue 2>&1)
        $all | Should -HaveCount 3
        $all[0].Name | Should -BeExactly $A
        $all[1] | Should -BeOfType ([System.Management.Automation.ErrorRecord])
        $all[2].Name | Should -BeExactly $B
    }

    It 'Remove-NetNamespace a, missing, b -ErrorAction Stop removes a, then stops before b' {
        $ra, $rb = "${P}ra", "${P}rb"
        ip netns add $ra; ip netns add $rb
        $err = $null
        try { Remove-NetNamespace $ra, "${P}missing", $rb -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeExactly 'NamespaceNotFound,NetnsPS.Commands.RemoveNetNamespaceCommand'
        Get-IpNetnsNames | Should -Not -Contain $ra
        Get-IpNetnsNames | Should -Contain $rb
        ip netns delete $rb
    }
}

Describe 'Adapter, sysctl, lab and watch names with wildcard characters: -LiteralName, piped objects, escaped -Name' {
    BeforeAll {
        # In namespaces of the test's own ($LitNs, not $L: the first BeforeAll's $l would shadow it): 'ab?2' as a pattern also matches abx2, 'ab[1]' as a pattern matches ab1 only.
        $script:LitNs, $script:LitTo = "${P}lit", "${P}litm"
        ip netns add $LitNs; ip netns add $LitTo
        function script:Reset-Adapters {
            foreach ($n in 'ab[1]', 'ab1') { ip -n $LitNs link delete $n 2>$null }
            ip -n $LitNs link add 'ab[1]' type veth peer name 'ab?2'
            ip -n $LitNs link add 'ab1' type veth peer name 'abx2'
        }
        function script:Get-Mtu([string] $Namespace) {
            $h = @{}; foreach ($l in Get-IpLink $Namespace) { $h[$l.ifname] = $l.mtu }; $h
        }
        Reset-Adapters
    }
    AfterAll {
        foreach ($lab in Get-ChildItem /run/netnsps/labs -Filter "$([uri]::EscapeDataString($P))*" -ErrorAction SilentlyContinue) {
            Remove-Item -LiteralPath $lab.FullName -Force
        }
    }

    It 'Get-NetNamespaceAdapter: -LiteralName ''ab?2'' is one adapter, -Name ''ab?2'' two; a missing literal is AdapterNotFound' {
        $ip = Get-IpLink $LitNs | Where-Object ifname -CEQ 'ab?2'
        $o = @(Get-NetNamespaceAdapter -Namespace $LitNs -LiteralName 'ab?2' -ErrorAction Stop)
        $o | Should -HaveCount 1
        $o[0].Name | Should -BeExactly 'ab?2'
        $o[0].InterfaceIndex | Should -Be $ip.ifindex
        @(Get-NetNamespaceAdapter -Namespace $LitNs -Name 'ab?2').Name | Sort-Object | Should -Be @('ab?2', 'abx2')
        (Get-NetNamespaceAdapter -Namespace $LitNs -Name 'ab`?2' -ErrorAction Stop).Name | Should -BeExactly 'ab?2' -Because 'an escaped -Name names the adapter it spells'
        Get-ErrorIdOf { Get-NetNamespaceAdapter -Namespace $LitNs -LiteralName 'ab?9' -ErrorAction Stop } |
            Should -BeExactly 'AdapterNotFound,NetnsPS.Commands.GetNetNamespaceAdapterCommand'
    }

    It 'Set-NetNamespaceAdapter -LiteralName ''ab?2'' changes that adapter only (ip -j)' {
        Set-NetNamespaceAdapter -Namespace $LitNs -LiteralName 'ab?2' -Mtu 1400 -ErrorAction Stop
        $mtu = Get-Mtu $LitNs
        $mtu['ab?2'] | Should -Be 1400
        $mtu['abx2'] | Should -Be 1500
        Set-NetNamespaceAdapter -Namespace $LitNs -Name 'ab`?2' -Mtu 1410 -ErrorAction Stop
        (Get-Mtu $LitNs)['abx2'] | Should -Be 1500
        (Get-Mtu $LitNs)['ab?2'] | Should -Be 1410
        Get-ErrorIdOf { Set-NetNamespaceAdapter -Namespace $LitNs -LiteralName 'ab?9' -Mtu 1400 -ErrorAction Stop } |
            Should -BeExactly 'AdapterNotFound,NetnsPS.Commands.SetNetNamespaceAdapterCommand'
    }

    It 'a piped adapter named ab[1] is set exactly, not ab1 (the pattern ab[1] matches)' {
        Get-NetNamespaceAdapter -Namespace $LitNs | Where-Object Name -CEQ 'ab[1]' | Set-NetNamespaceAdapter -Mtu 1300 -ErrorAction Stop
        $mtu = Get-Mtu $LitNs
        $mtu['ab[1]'] | Should -Be 1300
        $mtu['ab1'] | Should -Be 1500
        # an address object carries InterfaceAlias: it binds -LiteralName as well
        ip -n $LitNs addr add 10.71.0.1/24 dev 'ab[1]'
        Get-NetNamespaceAddress -Namespace $LitNs -IPAddress 10.71.0.1 | Set-NetNamespaceAdapter -Mtu 1310 -ErrorAction Stop
        (Get-Mtu $LitNs)['ab[1]'] | Should -Be 1310
        (Get-Mtu $LitNs)['ab1'] | Should -Be 1500
    }

    It 'Remove-NetNamespaceAdapter: -LiteralName and a piped adapter remove that veth only, never abx2' {
        Remove-NetNamespaceAdapter -Namespace $LitNs -LiteralName 'ab?2' -WhatIf
        (Get-IpLink $LitNs).ifname | Should -Contain 'ab?2'
        Remove-NetNamespaceAdapter -Namespace $LitNs -LiteralName 'ab?2' -ErrorAction Stop
        $names = (Get-IpLink $LitNs).ifname
        $names | Should -Not -Contain 'ab?2'
        $names | Should -Not -Contain 'ab[1]' -Because 'its peer goes with it'
        $names | Should -Contain 'abx2'
        $names | Should -Contain 'ab1'
        Reset-Adapters
        Get-NetNamespaceAdapter -Namespace $LitNs | Where-Object Name -CEQ 'ab?2' | Remove-NetNamespaceAdapter -ErrorAction Stop
        $names = (Get-IpLink $LitNs).ifname
        $names | Should -Not -Contain 'ab?2'
        $names | Should -Contain 'abx2'
        Reset-Adapters
        Get-ErrorIdOf { Remove-NetNamespaceAdapter -Namespace $LitNs -LiteralName 'ab?9' -ErrorAction Stop } |
            Should -BeExactly 'AdapterNotFound,NetnsPS.Commands.RemoveNetNamespaceAdapterCommand'
    }

    It 'Move-NetAdapterToNamespace -LiteralName ''ab?2'' moves that adapter only' {
        Move-NetAdapterToNamespace -LiteralName 'ab?2' -SourceNamespace $LitNs -Namespace $LitTo -ErrorAction Stop
        (Get-IpLink $LitTo).ifname | Should -Contain 'ab?2'
        (Get-IpLink $LitTo).ifname | Should -Not -Contain 'abx2'
        (Get-IpLink $LitNs).ifname | Should -Contain 'abx2'
        Get-ErrorIdOf { Move-NetAdapterToNamespace -LiteralName 'ab?2' -SourceNamespace $LitNs -Namespace $LitTo -ErrorAction Stop } |
            Should -BeExactly 'AdapterNotFound,NetnsPS.Commands.MoveNetAdapterToNamespaceCommand'
        ip -n $LitTo link delete 'ab?2'
        Reset-Adapters
    }

    It 'Get-NetNamespaceSysctl -LiteralName reads the sysctl of ab?2 only' {
        ip netns exec $LitNs sh -c 'echo 1 > "/proc/sys/net/ipv4/conf/ab?2/forwarding"; echo 0 > /proc/sys/net/ipv4/conf/abx2/forwarding'
        $want = (ip netns exec $LitNs cat '/proc/sys/net/ipv4/conf/ab?2/forwarding')
        $o = @(Get-NetNamespaceSysctl -Namespace $LitNs -LiteralName 'net.ipv4.conf.ab?2.forwarding' -ErrorAction Stop)
        $o | Should -HaveCount 1
        $o[0].Name | Should -BeExactly 'net.ipv4.conf.ab?2.forwarding'
        $o[0].Value | Should -BeExactly $want
        @(Get-NetNamespaceSysctl -Namespace $LitNs -Name 'net.ipv4.conf.ab?2.forwarding') | Should -HaveCount 2
        (Get-NetNamespaceSysctl -Namespace $LitNs -Name 'net.ipv4.conf.ab`?2.forwarding' -ErrorAction Stop).Value | Should -BeExactly $want
        Get-ErrorIdOf { Get-NetNamespaceSysctl -Namespace $LitNs -LiteralName 'net.ipv4.conf.ab?9.forwarding' -ErrorAction Stop } |
            Should -BeLike '*NotFound,NetnsPS.Commands.GetNetNamespaceSysctlCommand'
    }

    It 'Get-NetLab / Remove-NetLab -LiteralName ''lab?1'' act on that lab only, never labx1' {
        $q, $x = "${P}lab?1", "${P}labx1"
        New-NetLab @{ Name = $q; Namespaces = 'a' } -Prefix "${P}lq-" -ErrorAction Stop | Out-Null
        New-NetLab @{ Name = $x; Namespaces = 'a' } -Prefix "${P}lx-" -ErrorAction Stop | Out-Null
        @(Get-NetLab -Name $q).Name | Sort-Object | Should -Be @($q, $x)
        @(Get-NetLab -LiteralName $q -ErrorAction Stop).Name | Should -BeExactly $q
        Get-ErrorIdOf { Get-NetLab -LiteralName "${P}lab?9" -ErrorAction Stop } | Should -BeExactly 'NetLabNotFound,NetnsPS.Commands.GetNetLabCommand'
        Remove-NetLab -LiteralName $q -ErrorAction Stop
        $ns = Get-IpNetnsNames
        $ns | Should -Not -Contain "${P}lq-a"
        $ns | Should -Contain "${P}lx-a"
        Remove-NetLab -LiteralName $x -ErrorAction Stop
        Get-IpNetnsNames | Should -Not -Contain "${P}lx-a"
    }

    It 'Watch-NetNamespace -LiteralName ''w?1'' reports w?1, not wx1 added before it' {
        $q, $x = "${P}w?1", "${P}wx1"
        $script = "/tmp/${P}watch.sh"
        Set-Content -LiteralPath $script -Value "sleep 1; ip netns add '$x'; sleep 0.3; ip netns add '$q'"
        $p = Start-Process -FilePath sh -ArgumentList $script -PassThru
        $script:StartedProcesses.Add($p)
        $e = @(Watch-NetNamespace -LiteralName $q -Count 1 -Timeout 20)
        $e | Should -HaveCount 1
        $e[0].Name | Should -BeExactly $q
        Get-IpNetnsNames | Should -Contain $x
        ip netns delete $q; ip netns delete $x
    }

    It 'completion: -LiteralName inserts ''ab[1]'' quoted, unescaped; -Name the escaped pattern; both name exactly ab[1]' {
        $lit = @(Get-Completion "Set-NetNamespaceAdapter -Namespace $LitNs -LiteralName ab" | Where-Object ListItemText -CEQ 'ab[1]')
        $lit | Should -HaveCount 1
        $lit[0].CompletionText | Should -BeExactly "'ab[1]'"
        $pat = @(Get-Completion "Remove-NetNamespaceAdapter -Namespace $LitNs -Name ab" | Where-Object ListItemText -CEQ 'ab[1]')
        $pat[0].CompletionText | Should -BeExactly "'ab``[1``]'"
        (Invoke-Expression "Get-NetNamespaceAdapter -Namespace $LitNs -LiteralName $($lit[0].CompletionText) -ErrorAction Stop").Name | Should -BeExactly 'ab[1]'
        (Invoke-Expression "Get-NetNamespaceAdapter -Namespace $LitNs -Name $($pat[0].CompletionText) -ErrorAction Stop").Name | Should -BeExactly 'ab[1]'
        Invoke-Expression "Set-NetNamespaceAdapter -Namespace $LitNs -Name $($pat[0].CompletionText) -Mtu 1320 -ErrorAction Stop"
        (Get-Mtu $LitNs)['ab[1]'] | Should -Be 1320
        (Get-Mtu $LitNs)['ab1'] | Should -Be 1500
    }
}
