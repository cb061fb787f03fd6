BeforeAll {
    . $PSScriptRoot/common.ps1
    Assert-NoLeftovers
}
AfterAll { Remove-TestLeftovers }

Describe 'ConvertTo-NetNamespaceGraph' {
    BeforeAll {
        # a known lab: A - B - C in a line, veths made by ip
        $script:A = "${Prefix}A"; $script:B = "${Prefix}B"; $script:C = "${Prefix}C"
        foreach ($n in $A, $B, $C) { ip netns add $n }
        ip -n $A link add "${Prefix}ab" type veth peer name "${Prefix}ba" netns $B
        ip -n $B link add "${Prefix}bc" type veth peer name "${Prefix}cb" netns $C
        $script:adapters = Get-NetNamespaceAdapter -Namespace $C, $A, $B
    }
    AfterAll { Remove-TestLeftovers }

    It 'writes the expected Mermaid text' {
        $expected = @(
            'flowchart LR'
            "  subgraph ns0[`"$A`"]"
            '    n0_0["lo"]'
            "    n0_1[`"${Prefix}ab`"]"
            '  end'
            "  subgraph ns1[`"$B`"]"
            '    n1_0["lo"]'
            "    n1_1[`"${Prefix}ba`"]"
            "    n1_2[`"${Prefix}bc`"]"
            '  end'
            "  subgraph ns2[`"$C`"]"
            '    n2_0["lo"]'
            "    n2_1[`"${Prefix}cb`"]"
            '  end'
            '  n0_1 --- n1_1'
            '  n1_2 --- n2_1'
        ) -join "`n"
        $text = $adapters | ConvertTo-NetNamespaceGraph -Format Mermaid
        $text | Should -BeExactly "$expected`n"
        # deterministic: input order does not matter
        ($adapters | Sort-Object { Get-Random } | ConvertTo-NetNamespaceGraph) | Should -BeExactly $text
    }

    It 'writes the expected Graphviz text, one edge per veth pair' {
        $text = $adapters | ConvertTo-NetNamespaceGraph -Format Dot
        $text | Should -Match ([regex]::Escape("subgraph cluster_1 {`n    label=`"$B`";`n    n1_0 [label=`"lo`"];"))
        @([regex]::Matches($text, ' -- ')).Count | Should -Be 2
        $text | Should -Match 'n0_1 -- n1_1;'
        $text | Should -Match 'n1_2 -- n2_1;'
        $text.TrimEnd().EndsWith('}') | Should -BeTrue
    }
}
