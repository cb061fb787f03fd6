# tools/ConvertTo-Maml.ps1 on its own: a minimal valid command file and malformed variants of it (each must stop,
# naming the file and line, and write nothing), inline markup rendered as plain text, and the real docs/en-US
# turned into well-formed MAML with every exported cmdlet and parameter (the module, imported, is the oracle).
BeforeAll {
    $script:Tool = Join-Path $PSScriptRoot '../tools/ConvertTo-Maml.ps1'
    $script:Docs = Join-Path $PSScriptRoot '../docs/en-US'

    # A command file as PlatyPS 2.0.0 writes it: two parameter sets, a positional parameter, a switch.
    $script:Valid = @'
---
external help file: Demo.dll-Help.xml
Module Name: Demo
online version:
schema: 2.0.0
---

# Get-Demo

## SYNOPSIS
Gets a demo.

## SYNTAX

### ByName (Default)
```
Get-Demo [-Name] <String> [-Force] [<CommonParameters>]
```

### ById
```
Get-Demo -Id <Int32> [<CommonParameters>]
```

## DESCRIPTION
DESCRIPTION_TEXT

## EXAMPLES

### Example 1: By name
```powershell
Get-Demo a
```

Gets a.

### Example 2: By id
```powershell
Get-Demo -Id 1
```

Gets 1.

## PARAMETERS

### -Name
The name.

```yaml
Type: String
Parameter Sets: ByName
Aliases:

Required: True
Position: 0
Default value: None
Accept pipeline input: False
Accept wildcard characters: False
```

### -Id
The id.

```yaml
Type: Int32
Parameter Sets: ById
Aliases:

Required: True
Position: Named
Default value: None
Accept pipeline input: False
Accept wildcard characters: False
```

### -Force
Forces it.

```yaml
Type: SwitchParameter
Parameter Sets: ByName
Aliases:

Required: False
Position: Named
Default value: None
Accept pipeline input: False
Accept wildcard characters: False
```

### CommonParameters
This cmdlet supports the common parameters.

## OUTPUTS

### System.String
A string.

## RELATED LINKS

[Get-Help](https://learn.microsoft.com/powershell/module/microsoft.powershell.core/get-help)
'@

    function Invoke-Convert([string] $Markdown, [string] $Name = 'Get-Demo') {
        # Writes one file into a fresh folder and converts it; returns { Xml; Error; Written }.
        $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $in = New-Item -ItemType Directory -Path (Join-Path $dir 'in')
        $out = Join-Path $dir 'out'
        [System.IO.File]::WriteAllText((Join-Path $in "$Name.md"), $Markdown)
        $err = $null
        try { $null = & $Tool -DocsPath $in -OutputPath $out } catch { $err = $_.Exception.Message }
        $file = Join-Path $out 'Demo.dll-Help.xml'
        [pscustomobject]@{
            Xml = if (Test-Path $file) { [xml](Get-Content -Raw $file) } else { $null }
            Error = $err
            Written = @(Get-ChildItem $out -ErrorAction SilentlyContinue).Count
        }
    }

    function Get-Paragraph($Xml) {
        # Every maml:para of the MAML (description, parameters, remarks, outputs...), as text.
        $ns = [System.Xml.XmlNamespaceManager]::new($Xml.NameTable)
        $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
        @($Xml.SelectNodes('//maml:para', $ns) | ForEach-Object InnerText)
    }
}

Describe 'ConvertTo-Maml: a valid file' {
    It 'writes MAML with the command, its sets, parameters, examples and links' {
        $r = Invoke-Convert ($Valid -replace 'DESCRIPTION_TEXT', 'Describes it.')
        $r.Error | Should -BeNullOrEmpty
        $cmd = $r.Xml.helpItems.command
        $cmd.details.name | Should -BeExactly 'Get-Demo'
        $cmd.details.verb | Should -BeExactly 'Get'
        @($cmd.syntax.syntaxItem).Count | Should -Be 2
        @($cmd.parameters.parameter.name) | Should -Be 'Name', 'Id', 'Force'
        ($cmd.parameters.parameter | Where-Object name -eq 'Name').position | Should -Be '0'
        @($cmd.examples.example).Count | Should -Be 2
        $cmd.examples.example[0].code | Should -BeExactly 'Get-Demo a'
        $cmd.relatedLinks.navigationLink.uri | Should -Match '^https://learn'
    }
}

Describe 'ConvertTo-Maml: malformed files stop it, naming file and line, and nothing is written' {
    It 'refuses <Case>' -ForEach @(
        @{ Case = 'a missing required section'; Edit = { param($m) $m -replace '(?s)## DESCRIPTION\n.*?\n\n', '' }; Message = "missing section '## DESCRIPTION'" }
        @{ Case = 'an empty SYNOPSIS'; Edit = { param($m) $m -replace 'Gets a demo\.', '' }; Message = 'SYNOPSIS is empty' }
        @{ Case = 'an unknown section'; Edit = { param($m) $m -replace '## OUTPUTS', '## RESULTS' }; Message = "unknown section '## RESULTS'" }
        @{ Case = 'a section twice'; Edit = { param($m) $m -replace '## OUTPUTS', "## NOTES`nOne.`n`n## NOTES`nTwo.`n`n## OUTPUTS" }; Message = "section '## NOTES' appears twice" }
        @{ Case = 'examples numbered 1, 3'; Edit = { param($m) $m -replace 'Example 2: By id', 'Example 3: By id' }; Message = 'expected Example 2' }
        @{ Case = 'an example heading without its number'; Edit = { param($m) $m -replace 'Example 2: By id', 'By id' }; Message = "example heading must be '### Example N: title'" }
        @{ Case = 'an example without a powershell block'; Edit = { param($m) $m -replace '(?s)```powershell\nGet-Demo -Id 1\n```\n', '' }; Message = 'has no ```powershell code block' }
        @{ Case = 'an unknown parameter in the syntax'; Edit = { param($m) $m -replace 'Get-Demo -Id <Int32>', 'Get-Demo -Id <Int32> [-Nope <String>]' }; Message = "shows -Nope, which has no '### -Nope'" }
        @{ Case = 'a parameter of its set missing from the syntax'; Edit = { param($m) $m -replace ' \[-Force\]', '' }; Message = 'does not show -Force' }
        @{ Case = 'a required parameter shown as optional'; Edit = { param($m) $m -replace 'Get-Demo -Id <Int32>', 'Get-Demo [-Id <Int32>]' }; Message = 'its yaml says Required: True' }
        @{ Case = 'a type the yaml disagrees with'; Edit = { param($m) $m -replace 'Get-Demo -Id <Int32>', 'Get-Demo -Id <String>' }; Message = 'its yaml says Type: Int32' }
        @{ Case = 'a parameter set the syntax does not have'; Edit = { param($m) $m -replace 'Parameter Sets: ById', 'Parameter Sets: ByColour' }; Message = "parameter set 'ByColour' is not one of ## SYNTAX" }
        @{ Case = 'a parameter without description'; Edit = { param($m) $m -replace 'The id\.', '' }; Message = 'parameter -Id has no description' }
        @{ Case = 'a parameter without yaml block'; Edit = { param($m) $m -replace '(?s)(Forces it\.\n\n)```yaml.*?```\n', '$1' }; Message = 'parameter -Force has no yaml block' }
        @{ Case = 'an unknown yaml key'; Edit = { param($m) $m -replace 'Accept wildcard characters: False\n```\n\n### -Id', ("Accept wildcard characters: False`nColour: red`n" + '```' + "`n`n### -Id") }; Message = "unknown yaml key 'Colour'" }
        @{ Case = 'an invalid Required value'; Edit = { param($m) $m -replace '(?s)(### -Id.*?)Required: True', '$1Required: Yes' }; Message = "Required must be True or False, not 'Yes'" }
        @{ Case = 'a PlatyPS placeholder left in'; Edit = { param($m) $m -replace 'Describes it\.', '{{ Fill in the Description }}' }; Message = 'placeholder left in' }
        @{ Case = 'an unclosed code fence'; Edit = { param($m) $m -replace '(?s)Get-Demo a\n```', 'Get-Demo a' }; Message = 'not closed' }
        @{ Case = 'a heading that is not the file name'; Edit = { param($m) $m -replace '# Get-Demo\n', "# Get-Other`n" }; Message = "does not match the file name Get-Demo.md" }
        @{ Case = 'schema 1.0.0'; Edit = { param($m) $m -replace 'schema: 2\.0\.0', 'schema: 1.0.0' }; Message = 'schema must be 2.0.0' }
        @{ Case = 'inline code not closed'; Edit = { param($m) $m -replace 'Describes it\.', 'Runs `ip link without end.' }; Message = 'unmatched ` (inline code is not closed)' }
        @{ Case = 'bold not closed'; Edit = { param($m) $m -replace 'Describes it\.', 'This is **very important.' }; Message = 'unmatched ** (bold is not closed)' }
    ) {
        $md = & $Edit ($Valid -replace 'DESCRIPTION_TEXT', 'Describes it.')
        $md | Should -Not -BeExactly ($Valid -replace 'DESCRIPTION_TEXT', 'Describes it.') -Because 'the edit must change the file'
        $r = Invoke-Convert $md
        $r.Error | Should -Not -BeNullOrEmpty
        $r.Error | Should -BeLikeExactly "*Get-Demo.md*$([WildcardPattern]::Escape($Message))*"
        $r.Written | Should -Be 0
    }

    It 'names the line of the problem' {
        $md = ($Valid -replace 'DESCRIPTION_TEXT', 'Describes it.') -replace 'Example 2: By id', 'Example 3: By id'
        $line = [array]::IndexOf(($md -split "`n"), '### Example 3: By id') + 1
        (Invoke-Convert $md).Error | Should -BeLikeExactly "*Get-Demo.md:${line}: examples must be numbered*"
    }
}

Describe 'ConvertTo-Maml: inline markup becomes plain text' {
    It 'renders <Case> as <Expected>' -ForEach @(
        @{ Case = 'inline code'; Markdown = 'Run `ip -j link` first.'; Expected = 'Run ip -j link first.' }
        @{ Case = 'code with a backtick inside'; Markdown = 'Escape it: ``''ab`[1`]''``.'; Expected = 'Escape it: ''ab`[1`]''.' }
        @{ Case = 'padded code'; Markdown = 'A `` `tick` `` here.'; Expected = 'A `tick` here.' }
        @{ Case = 'bold'; Markdown = 'This is **important** and __so is this__.'; Expected = 'This is important and so is this.' }
        @{ Case = 'a link'; Markdown = 'See [the docs](https://example.org/x) now.'; Expected = 'See the docs (https://example.org/x) now.' }
        @{ Case = 'a link named by its uri'; Markdown = 'See [https://example.org](https://example.org).'; Expected = 'See https://example.org.' }
        @{ Case = 'markup inside code kept literally'; Markdown = 'Type `**not bold** [x](y)`.'; Expected = 'Type **not bold** [x](y).' }
        @{ Case = 'escaped characters'; Markdown = 'A \*star\*, a \`tick and \[brackets\].'; Expected = 'A *star*, a `tick and [brackets].' }
        @{ Case = 'wildcards and snake_case untouched'; Markdown = 'Matches v* and NETNSPS_FUZZ_SEED.'; Expected = 'Matches v* and NETNSPS_FUZZ_SEED.' }
        @{ Case = 'a list item'; Markdown = "- item with ``code``"; Expected = '- item with code' }
    ) {
        $r = Invoke-Convert ($Valid -replace 'DESCRIPTION_TEXT', $Markdown.Replace('$', '$$'))
        $r.Error | Should -BeNullOrEmpty
        $r.Xml.helpItems.command.description.para | Should -BeExactly $Expected
    }

    It 'leaves example code as it is' {
        $md = ($Valid -replace 'DESCRIPTION_TEXT', 'Text.') -replace 'Get-Demo a\n', "Get-Demo ``'a``' # **x**`n"
        $r = Invoke-Convert $md
        $r.Xml.helpItems.command.examples.example[0].code | Should -BeExactly "Get-Demo ``'a``' # **x**"
    }
}

Describe 'ConvertTo-Maml: the module''s own help (docs/en-US)' {
    BeforeAll {
        $script:Out = Join-Path $TestDrive 'real'
        $script:Written = @(& $Tool -DocsPath $Docs -OutputPath $Out)
        $script:MamlText = Get-Content -Raw (Join-Path $Out 'NetnsPS.dll-Help.xml')
        $script:Maml = [xml]$MamlText
        Import-Module $env:NETNSPS_MODULE_PATH -Force
    }

    It 'is well-formed XML and validates against its own namespaces' {
        $settings = [System.Xml.XmlReaderSettings]::new()
        $settings.DtdProcessing = 'Prohibit'
        $reader = [System.Xml.XmlReader]::Create((Join-Path $Out 'NetnsPS.dll-Help.xml'), $settings)
        try { while ($reader.Read()) { } } finally { $reader.Dispose() }
        $Maml.helpItems.schema | Should -BeExactly 'maml'
        $Written.Name | Should -Contain 'about_NetnsPS.help.txt'
    }

    It 'has every exported cmdlet, and for each every parameter it declares (common parameters aside)' {
        # -WhatIf and -Confirm are documented like any parameter (PlatyPS does so); the common ones are not.
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters
        $byName = @{}
        foreach ($c in $Maml.helpItems.command) { $byName[$c.details.name] = @($c.parameters.parameter.name) }
        $cmdlets = Get-Command -Module NetnsPS   # the cmdlets and the Enter-NetNamespace function
        $cmdlets.Count | Should -BeGreaterThan 20
        foreach ($c in $cmdlets) {
            $byName.ContainsKey($c.Name) | Should -BeTrue -Because "$($c.Name) needs help"
            $declared = @($c.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object)
            @($byName[$c.Name] | Sort-Object) | Should -Be $declared -Because "the help of $($c.Name) lists its parameters"
        }
        @($byName.Keys | Where-Object { $_ -notin $cmdlets.Name }) | Should -BeNullOrEmpty -Because 'no help for a cmdlet that does not exist'
    }

    It 'has no markdown left in its text: no code spans, bold or links (a backtick only as a PowerShell escape)' {
        foreach ($p in Get-Paragraph $Maml) {
            $p | Should -Not -Match '`[^`\[\]]+`' -Because 'inline code is rendered'
            $p | Should -Not -Match '`(?![\[\]])' -Because "a backtick left is a wildcard escape such as 'ab``[1``]': $p"
            $p | Should -Not -Match '\*\*\S' -Because 'bold is rendered'
            $p | Should -Not -Match '\]\(https?:' -Because 'links are rendered'
        }
    }
}
