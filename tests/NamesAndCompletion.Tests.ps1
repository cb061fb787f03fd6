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
    ) {
        $out = [System.Collections.Generic.List[object]]::new()
        $err = $null
        try { & $Call $A "${P}missing" $B | ForEach-Object { $out.Add($_) } } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'NamespaceNotFound,*'
        $err.TargetObject | Should -BeExactly "${P}missing"
        $out.Count | Should -Be 1
        $out[0].$Key | Should -BeExactly $A
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
