<#
.SYNOPSIS
    Converts PlatyPS-style help markdown (docs/en-US) into MAML (<module>.dll-Help.xml) and about_*.help.txt.

.DESCRIPTION
    A self-contained stand-in for PlatyPS' New-ExternalHelp (PlatyPS is not needed).

    Every <Verb-Noun>.md in -DocsPath must follow the PlatyPS 2.0.0 schema:

        ---                                  front matter: external help file, Module Name,
        external help file: X.dll-Help.xml   online version (may be empty), schema: 2.0.0
        ...
        ---
        # Verb-Noun                          must match the file name
        ## SYNOPSIS                          required, text
        ## SYNTAX                            required: ### SetName [(Default)] + one ``` block each
        ## DESCRIPTION                       required, text
        ## EXAMPLES                          required: ### Example N: title, optional text,
                                             ```powershell block(s), remarks text
        ## PARAMETERS                        required: ### -Name, description, ```yaml block(s);
                                             ### CommonParameters
        ## INPUTS / ## OUTPUTS               optional: ### TypeName + text
        ## NOTES                             optional, text
        ## RELATED LINKS                     optional: [text](uri) lines

    A parameter's yaml block lists its parameter sets ("(All)" = every set of ## SYNTAX). A parameter
    whose attributes differ between sets has one yaml block per group of sets, as PlatyPS writes it:
    the first block is used in the parameters section, each set's own block in its syntax item.

    The markdown is checked, not trusted: a missing or empty required section, an unknown section,
    a parameter without description or yaml block, an unknown or missing yaml key, an invalid value,
    a parameter set that ## SYNTAX does not have, a syntax block that does not list exactly the
    parameters of its set (or shows one as required/positional/typed differently from its yaml), a
    placeholder "{{ ... }}" left in, an unterminated code fence: each throws, naming the file and line.
    Nothing is written when any file is malformed.

    Text becomes one maml:para per markdown paragraph (lines joined), one per list item, and one per
    code block (lines kept). Example code is the content of the example's code blocks.

    about_<Topic>.md files become about_<Topic>.help.txt (front matter stripped, rendered as plain
    text in the classic about-topic layout: TOPIC, upper-case section names, text indented 4 and
    wrapped at 80 columns, code indented 8) next to the MAML files.

    Output is deterministic: files and commands in ordinal name order, parameters and examples in
    markdown order, UTF-8 without BOM, LF line ends, no timestamps.

.PARAMETER DocsPath
    Folder with the markdown files (for example docs/en-US).

.PARAMETER OutputPath
    Folder to write into (for example module/en-US); created when missing. The MAML file name comes
    from the "external help file" front matter key (one MAML file per distinct value).

.EXAMPLE
    ./tools/ConvertTo-Maml.ps1 -DocsPath docs/en-US -OutputPath module/en-US

.OUTPUTS
    System.IO.FileInfo for every file written.
#>
[CmdletBinding()]
[OutputType([System.IO.FileInfo])]
param(
    [Parameter(Mandatory, Position = 0)] [string] $DocsPath,
    [Parameter(Mandatory, Position = 1)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$script:NsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$script:NsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:NsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$script:NsMsHelp = 'http://msdn.microsoft.com/mshelp'
$script:KnownSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
$script:RequiredSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS'
$script:YamlKeys = 'Type', 'Parameter Sets', 'Aliases', 'Accepted values', 'Required', 'Position', 'Default value',
    'Accept pipeline input', 'Accept wildcard characters'
$script:RequiredYamlKeys = 'Type', 'Parameter Sets', 'Aliases', 'Required', 'Position', 'Default value',
    'Accept pipeline input', 'Accept wildcard characters'
$script:Ordinal = [System.StringComparer]::Ordinal
$script:NoCase = [System.StringComparer]::OrdinalIgnoreCase
$script:CurrentFile = ''

#region Markdown reading

function Stop-Doc([object] $Line, [string] $Message) {
    # Throws "file:line: message" (Line may be a line object, a number or $null).
    $n = if ($null -eq $Line) { $null } elseif ($Line -is [int]) { $Line } else { $Line.N }
    $where = if ($n) { "$($script:CurrentFile):$n" } else { $script:CurrentFile }
    throw "${where}: $Message"
}

function Read-MarkdownLines([string] $Path) {
    # The file as line objects { N = line number; T = text }, with the front matter split off.
    $text = [System.IO.File]::ReadAllText($Path) -replace "`r`n?", "`n"
    if ($text.Length -gt 0 -and $text[0] -eq [char]0xFEFF) { $text = $text.Substring(1) }
    $raw = $text -split "`n"
    $all = for ($i = 0; $i -lt $raw.Count; $i++) { [pscustomobject]@{ N = $i + 1; T = $raw[$i].TrimEnd() } }
    $all = @($all)
    $front = [ordered]@{}
    $start = 0
    if ($all.Count -gt 0 -and $all[0].T -eq '---') {
        $end = -1
        for ($i = 1; $i -lt $all.Count; $i++) { if ($all[$i].T -eq '---') { $end = $i; break } }
        if ($end -lt 0) { Stop-Doc 1 'front matter (---) is not closed' }
        for ($i = 1; $i -lt $end; $i++) {
            $l = $all[$i]
            if ($l.T -eq '') { continue }
            if ($l.T -notmatch '^([A-Za-z][A-Za-z0-9 _.-]*):(.*)$') { Stop-Doc $l "front matter line is not 'key: value': $($l.T)" }
            $key = $Matches[1].Trim()
            if ($front.Contains($key)) { Stop-Doc $l "front matter key '$key' appears twice" }
            $front[$key] = $Matches[2].Trim()
        }
        $start = $end + 1
    }
    $body = if ($start -lt $all.Count) { @($all[$start..($all.Count - 1)]) } else { @() }
    [pscustomobject]@{ Front = $front; Body = $body }
}

function Split-Headings([object[]] $Lines, [int] $Level) {
    # Splits lines at headings of exactly $Level (outside code fences).
    # Returns { Head = lines before the first such heading; Parts = @({ Name; Line; Lines }) }.
    $marker = '#' * $Level
    $head = [System.Collections.Generic.List[object]]::new()
    $parts = [System.Collections.Generic.List[object]]::new()
    $current = $null
    $fence = $null
    $fenceLine = $null
    foreach ($l in $Lines) {
        if ($null -eq $fence -and $l.T -match '^(```+|~~~+)') { $fence = $Matches[1]; $fenceLine = $l }
        elseif ($null -ne $fence -and $l.T -match '^(```+|~~~+)\s*$' -and $Matches[1] -eq $fence) { $fence = $null }
        elseif ($null -ne $fence -and $l.T -match '^(```+|~~~+)\S') {
            # A closing fence has no info string: this is a new block opening inside the last one.
            Stop-Doc $l "the code fence opened at line $($fenceLine.N) is not closed before this one"
        }
        elseif ($null -eq $fence -and $l.T -match "^$marker\s+(.*?)\s*#*\s*$" -and $l.T -notmatch "^$marker#") {
            $current = [pscustomobject]@{ Name = $Matches[1].Trim(); Line = $l; Lines = [System.Collections.Generic.List[object]]::new() }
            $parts.Add($current)
            continue
        }
        if ($null -eq $current) { $head.Add($l) } else { $current.Lines.Add($l) }
    }
    if ($null -ne $fence) { Stop-Doc $fenceLine 'code fence is not closed' }
    [pscustomobject]@{ Head = @($head); Parts = @($parts) }
}

function Get-Blocks([object[]] $Lines) {
    # Markdown block structure of a section body, in order: @({ Kind; Lang; Text; Line }) where Kind is
    # 'Text' (a paragraph, lines joined), 'Item' (a list item), 'Code' (fenced, Lang = its info string)
    # or 'Pre' (indented by 4). Headings are not allowed here.
    $blocks = [System.Collections.Generic.List[object]]::new()
    $buf = [System.Collections.Generic.List[string]]::new()
    $bufKind = $null
    $bufLine = $null
    $flush = {
        if ($buf.Count -gt 0) {
            $text = if ($bufKind -eq 'Pre') {
                $min = ($buf | Where-Object { $_.Trim() } | ForEach-Object { $_.Length - $_.TrimStart().Length } | Measure-Object -Minimum).Minimum
                ($buf | ForEach-Object { if ($_.Length -ge $min) { $_.Substring($min) } else { $_.Trim() } }) -join "`n"
            }
            else { ($buf | ForEach-Object { $_.Trim() }) -join ' ' }
            $blocks.Add([pscustomobject]@{ Kind = $bufKind; Lang = ''; Text = $text.TrimEnd(); Line = $bufLine })
            $buf.Clear()
        }
        $bufKind = $null
    }
    for ($i = 0; $i -lt $Lines.Count; $i++) {
        $l = $Lines[$i]
        $t = $l.T
        if ($t -match '^(```+|~~~+)\s*([A-Za-z0-9_+-]*)\s*$') {
            . $flush
            $fence = $Matches[1]; $lang = $Matches[2]
            $code = [System.Collections.Generic.List[string]]::new()
            $j = $i + 1
            while ($j -lt $Lines.Count -and -not ($Lines[$j].T -match '^(```+|~~~+)\s*$' -and $Matches[1] -eq $fence)) { $code.Add($Lines[$j].T); $j++ }
            if ($j -ge $Lines.Count) { Stop-Doc $l 'code fence is not closed' }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Lang = $lang; Text = ($code -join "`n"); Line = $l })
            $i = $j
            continue
        }
        if ($t -match '^\s*(```|~~~)') { Stop-Doc $l "unexpected code fence: $t" }
        if ($t -match '^#{1,6}\s') { Stop-Doc $l "unexpected heading here: $t" }
        if ($t.Trim() -eq '') {
            if ($bufKind -eq 'Pre') { $buf.Add('') } else { . $flush }
            continue
        }
        if ($bufKind -eq 'Pre' -and $t -notmatch '^(    |\t)') {
            while ($buf.Count -gt 0 -and $buf[$buf.Count - 1] -eq '') { $buf.RemoveAt($buf.Count - 1) }
            . $flush
        }
        if ($bufKind -ne 'Pre' -and $t -match '^\s{0,3}([-*+]|\d+[.)])\s+\S') {
            # A list item is a paragraph of its own.
            . $flush
            $bufKind = 'Item'; $bufLine = $l; $buf.Add($t)
            continue
        }
        if ($null -eq $bufKind) {
            $bufKind = if ($t -match '^(    |\t)') { 'Pre' } else { 'Text' }
            $bufLine = $l
        }
        $buf.Add($t)
    }
    while ($bufKind -eq 'Pre' -and $buf.Count -gt 0 -and $buf[$buf.Count - 1] -eq '') { $buf.RemoveAt($buf.Count - 1) }
    . $flush
    $blocks   # enumerated: callers wrap the call in @()
}

function Assert-NoPlaceholder([object] $Block) {
    if ($Block.Text -match '\{\{.*?\}\}') { Stop-Doc $Block.Line "PlatyPS placeholder left in: $($Matches[0])" }
}

function ConvertFrom-Inline([string] $Text, [object] $Line) {
    <#
        Plain text of a paragraph's inline markdown, as Get-Help shows it: `code` (any run of backticks, one space of
        padding dropped) becomes its content, taken literally; **bold** and __bold__ their content; [text](uri) becomes
        "text (uri)" (just the uri when both are the same); \` \* \_ \[ \] \\ their character. A backtick or ** left
        unmatched throws: nothing of the markup reaches the help.
    #>
    $out = [System.Text.StringBuilder]::new()
    $i = 0
    foreach ($m in [regex]::Matches($Text, '(?<!\\)(`+)(.+?)(?<!`)\1(?!`)')) {
        $null = $out.Append((ConvertFrom-InlineText $Text.Substring($i, $m.Index - $i) $Line))
        $code = $m.Groups[2].Value
        if ($code.Length -ge 2 -and $code.StartsWith(' ') -and $code.EndsWith(' ') -and $code.Trim()) { $code = $code.Substring(1, $code.Length - 2) }
        $null = $out.Append($code)
        $i = $m.Index + $m.Length
    }
    $null = $out.Append((ConvertFrom-InlineText $Text.Substring($i) $Line))
    $out.ToString()
}

function ConvertFrom-InlineText([string] $Text, [object] $Line) {
    # The part of a paragraph outside code spans: links, bold, escapes.
    if ($Text -match '(?<!\\)`') { Stop-Doc $Line "unmatched `` (inline code is not closed): $Text" }
    $t = [regex]::Replace($Text, '(?<!\\)\[([^\]]+)\]\(([^)\s]+)\)', {
            param($m) if ($m.Groups[1].Value -eq $m.Groups[2].Value) { $m.Groups[2].Value } else { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } })
    $t = [regex]::Replace($t, '(?<![\\*])\*\*(?=\S)(.+?)(?<=\S)\*\*', '$1')
    $t = [regex]::Replace($t, '(?<![\\\w])__(?=\S)(.+?)(?<=\S)__(?!\w)', '$1')
    if ($t -match '(?<!\\)\*\*') { Stop-Doc $Line "unmatched ** (bold is not closed): $Text" }
    [regex]::Replace($t, '\\([`*_\[\]\\])', '$1')
}

function Get-Paras([object[]] $Blocks) {
    # maml:para texts for blocks: paragraphs and list items as plain text (inline markup rendered), code blocks
    # with their lines as they are.
    foreach ($b in $Blocks) {
        Assert-NoPlaceholder $b
        if ($b.Kind -in 'Text', 'Item') { ConvertFrom-Inline $b.Text $b.Line } else { $b.Text }
    }
}

function Get-SectionText([object] $Section, [string] $What, [switch] $Required) {
    $blocks = @(Get-Blocks $Section.Lines)
    if ($Required -and -not @($blocks | Where-Object Kind -in 'Text', 'Item')) { Stop-Doc $Section.Line "$What is empty" }
    Get-Paras $blocks
}

function Assert-NoText([object[]] $Lines, [string] $Where, [string] $Expected = '### headings only') {
    foreach ($l in $Lines) { if ($l.T.Trim()) { Stop-Doc $l "unexpected text in $Where (expected $Expected): $($l.T)" } }
}

function ConvertFrom-YamlBlock([object] $Block, [string] $Param) {
    $y = [ordered]@{}
    $n = $Block.Line.N
    foreach ($line in $Block.Text -split "`n") {
        $n++
        if (-not $line.Trim()) { continue }
        if ($line -notmatch '^([A-Za-z ]+):(.*)$') { Stop-Doc $n "parameter -${Param}: yaml line is not 'Key: value': $line" }
        $key = $script:YamlKeys | Where-Object { $script:NoCase.Equals($_, $Matches[1].Trim()) }
        if (-not $key) { Stop-Doc $n "parameter -${Param}: unknown yaml key '$($Matches[1].Trim())'" }
        if ($y.Contains($key)) { Stop-Doc $n "parameter -${Param}: yaml key '$key' appears twice" }
        $y[$key] = $Matches[2].Trim()
    }
    foreach ($k in $script:RequiredYamlKeys) {
        if (-not $y.Contains($k)) { Stop-Doc $Block.Line "parameter -${Param}: yaml block lacks '${k}:'" }
    }
    $y
}

function Read-Parameter([object] $Part, [string[]] $SetNames) {
    # One ### -Name entry: description paragraphs, then one or more yaml blocks.
    if ($Part.Name -notmatch '^-([A-Za-z_][A-Za-z0-9_]*)$') { Stop-Doc $Part.Line "parameter heading must be '### -Name', not '### $($Part.Name)'" }
    $name = $Matches[1]
    $blocks = @(Get-Blocks $Part.Lines)
    $firstYaml = -1
    for ($i = 0; $i -lt $blocks.Count; $i++) { if ($blocks[$i].Kind -eq 'Code' -and $blocks[$i].Lang -eq 'yaml') { $firstYaml = $i; break } }
    if ($firstYaml -lt 0) { Stop-Doc $Part.Line "parameter -$name has no yaml block" }
    $descBlocks = if ($firstYaml -gt 0) { @($blocks[0..($firstYaml - 1)]) } else { @() }
    if (-not @($descBlocks | Where-Object Kind -in 'Text', 'Item')) { Stop-Doc $Part.Line "parameter -$name has no description" }
    $variants = [System.Collections.Generic.List[object]]::new()
    $taken = @{}
    for ($i = $firstYaml; $i -lt $blocks.Count; $i++) {
        $b = $blocks[$i]
        if ($b.Kind -ne 'Code' -or $b.Lang -ne 'yaml') { Stop-Doc $b.Line "parameter -${name}: only yaml blocks may follow the first yaml block" }
        $y = ConvertFrom-YamlBlock $b $name

        $type = $y['Type']
        if (-not $type) { Stop-Doc $b.Line "parameter -${name}: Type is empty" }
        if ($type -match '`\d+$') { Stop-Doc $b.Line "parameter -${name}: Type '$type' lacks its type arguments (write Int32, not Nullable``1)" }
        if ($script:NoCase.Equals($type, 'switch') -or $type -eq 'System.Management.Automation.SwitchParameter') { $type = 'SwitchParameter' }
        $isSwitch = $type -eq 'SwitchParameter'

        $sets = if ($y['Parameter Sets'] -eq '(All)') { $SetNames } else {
            foreach ($s in $y['Parameter Sets'] -split ',') {
                $s = $s.Trim()
                if (-not $s) { continue }
                $known = $SetNames | Where-Object { $script:NoCase.Equals($_, $s) }
                if (-not $known) { Stop-Doc $b.Line "parameter -${name}: parameter set '$s' is not one of ## SYNTAX ($($SetNames -join ', '))" }
                $known
            }
        }
        $sets = @($sets)
        if (-not $sets) { Stop-Doc $b.Line "parameter -${name}: Parameter Sets is empty" }
        foreach ($s in $sets) {
            if ($taken.ContainsKey($s)) { Stop-Doc $b.Line "parameter -${name}: parameter set '$s' is described by two yaml blocks" }
            $taken[$s] = $true
        }

        $required = switch ($y['Required']) { 'True' { $true } 'False' { $false } default { Stop-Doc $b.Line "parameter -${name}: Required must be True or False, not '$_'" } }
        $position = $y['Position']
        if ($script:NoCase.Equals($position, 'Named')) { $position = 'named' }
        elseif ($position -match '^\d+$') { $position = [string][int]$position }
        else { Stop-Doc $b.Line "parameter -${name}: Position must be Named or a number, not '$position'" }
        $pipeline = $y['Accept pipeline input']
        if ($pipeline -match '^false$') { $pipeline = 'False' }
        elseif ($pipeline -match '^true\s*\(\s*(ByValue|ByPropertyName)\s*(,\s*(ByValue|ByPropertyName)\s*)?\)$' -and $Matches[1] -ne $(if ($Matches[3]) { $Matches[3] } else { '' })) {
            $kinds = @($Matches[1]; if ($Matches[3]) { $Matches[3] })
            $pipeline = 'True (' + ($kinds -join ', ') + ')'
        }
        else { Stop-Doc $b.Line "parameter -${name}: Accept pipeline input must be False or True (ByValue, ByPropertyName), not '$pipeline'" }
        $globbing = switch ($y['Accept wildcard characters']) { 'True' { $true } 'False' { $false } default { Stop-Doc $b.Line "parameter -${name}: Accept wildcard characters must be True or False, not '$_'" } }
        $aliases = @($y['Aliases'] -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
        foreach ($a in $aliases) { if ($a -notmatch '^[A-Za-z_?][A-Za-z0-9_-]*$') { Stop-Doc $b.Line "parameter -${name}: invalid alias '$a'" } }
        $accepted = @(if ($y.Contains('Accepted values')) { $y['Accepted values'] -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ } })
        $default = $y['Default value']
        if (-not $default -or $default -eq 'None') { $default = if ($isSwitch) { 'False' } else { 'None' } }

        $variants.Add([pscustomobject]@{
            Sets = $sets; Type = $type; IsSwitch = $isSwitch; Required = $required; Position = $position
            Pipeline = $pipeline; Globbing = $globbing; Aliases = $aliases; Accepted = $accepted; Default = $default
        })
    }
    [pscustomobject]@{ Name = $name; Line = $Part.Line; Description = @(Get-Paras $descBlocks); Variants = @($variants) }
}

function Read-SyntaxUsage([string] $Code, [object] $Line, [string] $Command) {
    # Parameters a syntax block shows, in order, with what the brackets say about them.
    $text = ($Code -replace '\s+', ' ').Trim()
    if (-not $text.StartsWith("$Command ") -and $text -ne $Command) { Stop-Doc $Line "syntax block must start with '$Command'" }
    $rest = $text.Substring($Command.Length)
    foreach ($m in [regex]::Matches($rest, '(?<![\w-])-([A-Za-z_][A-Za-z0-9_]*)')) {
        $before = $rest.Substring(0, $m.Index)
        $after = $rest.Substring($m.Index + $m.Length)
        $open1 = $before.EndsWith('[')
        $open2 = $before.EndsWith('[[')
        $type = $null
        $positional = $false; $required = $true
        if ($after -match '^\]\s*<([^>]+)>') { $positional = $true; $required = -not $open2; $type = $Matches[1] }
        elseif ($after -match '^\s*<([^>]+)>') { $required = -not $open1; $type = $Matches[1] }
        elseif ($after -match '^\]') { $required = $false }            # [-Switch]
        elseif ($open1) { Stop-Doc $Line "cannot read '-$($m.Groups[1].Value)' in the syntax block" }
        [pscustomobject]@{ Name = $m.Groups[1].Value; Type = $type; Positional = $positional; Required = $required }
    }
}

$script:TypeAccelerators = @{
    int = 'int32'; long = 'int64'; short = 'int16'; uint = 'uint32'; ulong = 'uint64'; ushort = 'uint16'
    bool = 'boolean'; float = 'single'; switch = 'switchparameter'; psobject = 'psobject'; pscustomobject = 'psobject'
}

function Get-ShortTypeName([string] $Type) {
    # Comparable form of a type name: last name segment, lower case, accelerators resolved, [] kept.
    if ($Type -match '^(System\.)?Nullable`1\[(.+)\]$') { $Type = $Matches[2] }
    if ($Type -notmatch '^([^\[]+)((\[\])*)$') { return $Type.ToLowerInvariant() }
    $base = ($Matches[1] -split '\.')[-1].ToLowerInvariant()
    if ($script:TypeAccelerators.ContainsKey($base)) { $base = $script:TypeAccelerators[$base] }
    $base + $Matches[2]
}

function Read-CommandDoc([System.IO.FileInfo] $File) {
    $script:CurrentFile = $File.Name
    $doc = Read-MarkdownLines $File.FullName
    foreach ($k in 'external help file', 'Module Name', 'schema') {
        if (-not $doc.Front.Contains($k) -or -not $doc.Front[$k]) { Stop-Doc 1 "front matter lacks '${k}:'" }
    }
    if ($doc.Front['schema'] -ne '2.0.0') { Stop-Doc 1 "schema must be 2.0.0, not '$($doc.Front['schema'])'" }
    if ($doc.Front['external help file'] -notmatch '^[\w.-]+-[Hh]elp\.xml$') { Stop-Doc 1 "external help file must be a file name like Module.dll-Help.xml" }

    $h1 = Split-Headings $doc.Body 1
    Assert-NoText $h1.Head 'front of the document' "'# $($File.BaseName)' first"
    if ($h1.Parts.Count -ne 1) { Stop-Doc $null "expected exactly one '# Verb-Noun' heading, found $($h1.Parts.Count)" }
    $name = $h1.Parts[0].Name
    if ($name -notmatch '^[A-Za-z]+-[A-Za-z0-9]+$') { Stop-Doc $h1.Parts[0].Line "'# $name' is not a Verb-Noun command name" }
    if (-not $script:Ordinal.Equals($name, $File.BaseName)) { Stop-Doc $h1.Parts[0].Line "'# $name' does not match the file name $($File.Name)" }
    $verb, $noun = $name -split '-', 2

    $h2 = Split-Headings $h1.Parts[0].Lines 2
    Assert-NoText $h2.Head "'# $name'" '## sections only'
    $sections = @{}
    foreach ($s in $h2.Parts) {
        $key = $s.Name.ToUpperInvariant()
        if ($key -notin $script:KnownSections) { Stop-Doc $s.Line "unknown section '## $($s.Name)' (known: $($script:KnownSections -join ', '))" }
        if ($sections.ContainsKey($key)) { Stop-Doc $s.Line "section '## $key' appears twice" }
        $sections[$key] = $s
    }
    foreach ($r in $script:RequiredSections) { if (-not $sections.ContainsKey($r)) { Stop-Doc $null "missing section '## $r'" } }

    # SYNOPSIS, DESCRIPTION
    $synopsis = @(Get-SectionText $sections['SYNOPSIS'] 'SYNOPSIS' -Required)
    if (@(@(Get-Blocks $sections['SYNOPSIS'].Lines) | Where-Object Kind -in 'Code', 'Pre', 'Item')) { Stop-Doc $sections['SYNOPSIS'].Line 'SYNOPSIS must be plain text' }
    $description = @(Get-SectionText $sections['DESCRIPTION'] 'DESCRIPTION' -Required)

    # SYNTAX: ### SetName [(Default)] + one code block
    $syn = Split-Headings $sections['SYNTAX'].Lines 3
    Assert-NoText $syn.Head '## SYNTAX'
    if ($syn.Parts.Count -eq 0) { Stop-Doc $sections['SYNTAX'].Line "SYNTAX has no '### ParameterSetName' entry" }
    $sets = [System.Collections.Generic.List[object]]::new()
    foreach ($p in $syn.Parts) {
        if ($p.Name -notmatch '^([\w.-]+)(\s+\(Default\))?$') { Stop-Doc $p.Line "parameter set heading must be '### Name' or '### Name (Default)': '### $($p.Name)'" }
        $setName = $Matches[1]
        if (@($sets | Where-Object { $script:NoCase.Equals($_.Name, $setName) })) { Stop-Doc $p.Line "parameter set '$setName' appears twice" }
        $blocks = @(Get-Blocks $p.Lines)
        if ($blocks.Count -ne 1 -or $blocks[0].Kind -ne 'Code' -or $blocks[0].Lang -ne '') {
            Stop-Doc $p.Line "parameter set '$setName' must contain exactly one ``````-fenced syntax block"
        }
        $sets.Add([pscustomobject]@{ Name = $setName; Line = $p.Line; Code = $blocks[0].Text; CodeLine = $blocks[0].Line })
    }
    if (@($sets | Where-Object { $_.Line.T -match '\(Default\)' }).Count -gt 1) { Stop-Doc $sections['SYNTAX'].Line 'more than one parameter set is marked (Default)' }
    $setNames = [string[]]@($sets | ForEach-Object Name)

    # PARAMETERS
    $par = Split-Headings $sections['PARAMETERS'].Lines 3
    Assert-NoText $par.Head '## PARAMETERS'
    $parameters = [System.Collections.Generic.List[object]]::new()
    $hasCommon = $false
    foreach ($p in $par.Parts) {
        if ($p.Name -eq 'CommonParameters') {
            if ($hasCommon) { Stop-Doc $p.Line "'### CommonParameters' appears twice" }
            $hasCommon = $true
            continue
        }
        $param = Read-Parameter $p $setNames
        if (@($parameters | Where-Object { $script:NoCase.Equals($_.Name, $param.Name) })) { Stop-Doc $p.Line "parameter -$($param.Name) is described twice" }
        $parameters.Add($param)
    }

    # Each set's syntax block must show exactly that set's parameters, as their yaml says.
    foreach ($set in $sets) {
        $usage = @(Read-SyntaxUsage $set.Code $set.CodeLine $name)
        $shows = @($usage | ForEach-Object Name)
        if (($set.Code -match '<CommonParameters>') -ne $hasCommon) {
            Stop-Doc $set.CodeLine "'[<CommonParameters>]' in the syntax and '### CommonParameters' under PARAMETERS must go together"
        }
        foreach ($param in $parameters) {
            $v = $param.Variants | Where-Object { $set.Name -in $_.Sets }
            $shown = $usage | Where-Object { $script:NoCase.Equals($_.Name, $param.Name) }
            if ($v -and -not $shown) { Stop-Doc $set.CodeLine "syntax of set '$($set.Name)' does not show -$($param.Name), which its yaml puts in that set" }
            if (-not $v -and $shown) { Stop-Doc $set.CodeLine "syntax of set '$($set.Name)' shows -$($param.Name), but its yaml does not put it in that set" }
            if (-not $v) { continue }
            if (@($shown).Count -gt 1) { Stop-Doc $set.CodeLine "syntax of set '$($set.Name)' shows -$($param.Name) twice" }
            if ($shown.Required -ne $v.Required) { Stop-Doc $set.CodeLine "set '$($set.Name)': the syntax shows -$($param.Name) as $(if ($shown.Required) { 'required' } else { 'optional' }), its yaml says Required: $($v.Required)" }
            if ($shown.Positional -ne ($v.Position -ne 'named')) { Stop-Doc $set.CodeLine "set '$($set.Name)': the syntax shows -$($param.Name) as $(if ($shown.Positional) { 'positional' } else { 'named' }), its yaml says Position: $($v.Position)" }
            if ($v.IsSwitch -ne ($null -eq $shown.Type)) { Stop-Doc $set.CodeLine "set '$($set.Name)': the syntax and the yaml disagree on whether -$($param.Name) is a switch" }
            if (-not $v.IsSwitch -and (Get-ShortTypeName $shown.Type) -ne (Get-ShortTypeName $v.Type)) { Stop-Doc $set.CodeLine "set '$($set.Name)': the syntax shows -$($param.Name) <$($shown.Type)>, its yaml says Type: $($v.Type)" }
        }
        foreach ($s in $shows) {
            if (-not @($parameters | Where-Object { $script:NoCase.Equals($_.Name, $s) })) { Stop-Doc $set.CodeLine "syntax of set '$($set.Name)' shows -$s, which has no '### -$s' under PARAMETERS" }
        }
        $positions = @($parameters | ForEach-Object { $_.Variants | Where-Object { $set.Name -in $_.Sets -and $_.Position -ne 'named' } | ForEach-Object Position })
        if (@($positions | Select-Object -Unique).Count -ne $positions.Count) { Stop-Doc $set.CodeLine "set '$($set.Name)' has two parameters at one position" }
        $set | Add-Member -NotePropertyName Order -NotePropertyValue $shows
    }

    # EXAMPLES
    $ex = Split-Headings $sections['EXAMPLES'].Lines 3
    Assert-NoText $ex.Head '## EXAMPLES'
    if ($ex.Parts.Count -eq 0) { Stop-Doc $sections['EXAMPLES'].Line "EXAMPLES has no '### Example 1: ...' entry" }
    $examples = [System.Collections.Generic.List[object]]::new()
    $number = 0
    foreach ($e in $ex.Parts) {
        $number++
        if ($e.Name -notmatch '^Example (\d+)(:\s*\S.*)?$') { Stop-Doc $e.Line "example heading must be '### Example N: title', not '### $($e.Name)'" }
        if ([int]$Matches[1] -ne $number) { Stop-Doc $e.Line "examples must be numbered 1, 2, 3...: expected Example $number" }
        $blocks = @(Get-Blocks $e.Lines)
        $code = @($blocks | Where-Object Kind -eq 'Code')
        if (-not @($code | Where-Object Lang -eq 'powershell')) { Stop-Doc $e.Line "example '$($e.Name)' has no ``````powershell code block" }
        foreach ($c in $code) {
            if (-not $c.Text.Trim()) { Stop-Doc $c.Line "example '$($e.Name)' has an empty code block" }
            Assert-NoPlaceholder $c
        }
        # Code: the example's fenced blocks (PlatyPS joins several with a blank line). Remarks: all its text.
        $codeText = @($code | ForEach-Object Text) -join "`n`n"
        $remarks = @(Get-Paras @($blocks | Where-Object Kind -ne 'Code'))
        $examples.Add([pscustomobject]@{ Title = $e.Name; Code = $codeText; Remarks = $remarks })
    }

    # INPUTS, OUTPUTS
    $typed = @{}
    foreach ($k in 'INPUTS', 'OUTPUTS') {
        $typed[$k] = @()
        if (-not $sections.ContainsKey($k)) { continue }
        $t = Split-Headings $sections[$k].Lines 3
        Assert-NoText $t.Head "## $k"
        $typed[$k] = @(foreach ($p in $t.Parts) {
                if ($p.Name -notmatch '^[\w.`\[\]<>, ]+$') { Stop-Doc $p.Line "'### $($p.Name)' is not a type name" }
                [pscustomobject]@{ Type = $p.Name; Description = @(Get-Paras @(Get-Blocks $p.Lines)) }
            })
    }

    $notes = @(if ($sections.ContainsKey('NOTES')) { Get-SectionText $sections['NOTES'] 'NOTES' })

    # RELATED LINKS
    $links = [System.Collections.Generic.List[object]]::new()
    $online = if ($doc.Front.Contains('online version')) { $doc.Front['online version'] } else { '' }
    if ($online) {
        if (-not [uri]::IsWellFormedUriString($online, [UriKind]::Absolute)) { Stop-Doc 1 "online version is not an absolute URI: $online" }
        $links.Add([pscustomobject]@{ Text = 'Online Version:'; Uri = $online })
    }
    if ($sections.ContainsKey('RELATED LINKS')) {
        foreach ($l in $sections['RELATED LINKS'].Lines) {
            if (-not $l.T.Trim()) { continue }
            if ($l.T.Trim() -notmatch '^\[([^\]]+)\]\(([^)\s]*)\)$') { Stop-Doc $l "related link must be '[text](uri)': $($l.T)" }
            $uri = if ([uri]::IsWellFormedUriString($Matches[2], [UriKind]::Absolute)) { $Matches[2] } else { '' }
            $links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $uri })
        }
    }

    [pscustomobject]@{
        Name = $name; Verb = $verb; Noun = $noun; HelpFile = $doc.Front['external help file']; File = $File.Name
        Synopsis = $synopsis; Description = $description; Sets = @($sets); Parameters = @($parameters)
        Examples = @($examples); Inputs = $typed['INPUTS']; Outputs = $typed['OUTPUTS']; Notes = @($notes); Links = @($links)
    }
}

#endregion

#region MAML writing

function Write-Paras([System.Xml.XmlWriter] $W, [string] $Prefix, [string] $Local, [string] $Ns, [string[]] $Paras) {
    $W.WriteStartElement($Prefix, $Local, $Ns)
    foreach ($p in $Paras) { $W.WriteElementString('maml', 'para', $script:NsMaml, $p) }
    $W.WriteEndElement()
}

function Write-Parameter([System.Xml.XmlWriter] $W, [object] $Param, [object] $V, [bool] $InSyntax) {
    $W.WriteStartElement('command', 'parameter', $script:NsCommand)
    $W.WriteAttributeString('required', $V.Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', ($V.Type.EndsWith('[]')).ToString().ToLowerInvariant())
    $W.WriteAttributeString('globbing', $V.Globbing.ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $V.Pipeline)
    $W.WriteAttributeString('position', $V.Position)
    $W.WriteAttributeString('aliases', $(if ($V.Aliases) { $V.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('maml', 'name', $script:NsMaml, $Param.Name)
    Write-Paras $W 'maml' 'description' $script:NsMaml $Param.Description
    if ($InSyntax -and $V.Accepted) {
        $W.WriteStartElement('command', 'parameterValueGroup', $script:NsCommand)
        foreach ($a in $V.Accepted) {
            $W.WriteStartElement('command', 'parameterValue', $script:NsCommand)
            $W.WriteAttributeString('required', 'false')
            $W.WriteAttributeString('command', 'variableLength', $script:NsCommand, 'false')
            $W.WriteString($a)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    if (-not ($InSyntax -and $V.IsSwitch)) {
        # Like PlatyPS: a switch shows no value in syntax.
        $W.WriteStartElement('command', 'parameterValue', $script:NsCommand)
        $W.WriteAttributeString('required', (-not $V.IsSwitch).ToString().ToLowerInvariant())
        $W.WriteAttributeString('variableLength', 'false')
        $W.WriteString($V.Type)
        $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $script:NsDev)
    $W.WriteElementString('maml', 'name', $script:NsMaml, $V.Type)
    $W.WriteElementString('maml', 'uri', $script:NsMaml, '')
    $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $script:NsDev, $V.Default)
    $W.WriteEndElement()
}

function Format-ExampleTitle([string] $Title) {
    # PlatyPS pads example titles with dashes to 64 characters.
    if ($Title.Length -ge 62) { return $Title }
    $pad = [int][math]::Floor((64 - $Title.Length - 2) / 2)
    ('-' * $pad) + " $Title " + ('-' * $pad)
}

function Write-Command([System.Xml.XmlWriter] $W, [object] $D) {
    $W.WriteStartElement('command', 'command', $script:NsCommand)
    $W.WriteAttributeString('xmlns', 'maml', $null, $script:NsMaml)
    $W.WriteAttributeString('xmlns', 'command', $null, $script:NsCommand)
    $W.WriteAttributeString('xmlns', 'dev', $null, $script:NsDev)
    $W.WriteAttributeString('xmlns', 'MSHelp', $null, $script:NsMsHelp)

    $W.WriteStartElement('command', 'details', $script:NsCommand)
    $W.WriteElementString('command', 'name', $script:NsCommand, $D.Name)
    $W.WriteElementString('command', 'verb', $script:NsCommand, $D.Verb)
    $W.WriteElementString('command', 'noun', $script:NsCommand, $D.Noun)
    Write-Paras $W 'maml' 'description' $script:NsMaml $D.Synopsis
    $W.WriteEndElement()

    Write-Paras $W 'maml' 'description' $script:NsMaml $D.Description

    $W.WriteStartElement('command', 'syntax', $script:NsCommand)
    foreach ($set in $D.Sets) {
        $W.WriteStartElement('command', 'syntaxItem', $script:NsCommand)
        $W.WriteElementString('maml', 'name', $script:NsMaml, $D.Name)
        foreach ($pn in $set.Order) {
            $param = $D.Parameters | Where-Object { $script:NoCase.Equals($_.Name, $pn) }
            $v = $param.Variants | Where-Object { $set.Name -in $_.Sets }
            Write-Parameter $W $param $v $true
        }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'parameters', $script:NsCommand)
    foreach ($param in $D.Parameters) { Write-Parameter $W $param $param.Variants[0] $false }
    $W.WriteEndElement()

    foreach ($k in @(@('inputTypes', 'inputType', $D.Inputs), @('returnValues', 'returnValue', $D.Outputs))) {
        $W.WriteStartElement('command', $k[0], $script:NsCommand)
        foreach ($t in $k[2]) {
            $W.WriteStartElement('command', $k[1], $script:NsCommand)
            $W.WriteStartElement('dev', 'type', $script:NsDev)
            $W.WriteElementString('maml', 'name', $script:NsMaml, $t.Type)
            $W.WriteEndElement()
            Write-Paras $W 'maml' 'description' $script:NsMaml $t.Description
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }

    $W.WriteStartElement('maml', 'alertSet', $script:NsMaml)
    Write-Paras $W 'maml' 'alert' $script:NsMaml $D.Notes
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'examples', $script:NsCommand)
    foreach ($e in $D.Examples) {
        $W.WriteStartElement('command', 'example', $script:NsCommand)
        $W.WriteElementString('maml', 'title', $script:NsMaml, (Format-ExampleTitle $e.Title))
        $W.WriteElementString('dev', 'code', $script:NsDev, $e.Code)
        Write-Paras $W 'dev' 'remarks' $script:NsDev $e.Remarks
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $script:NsCommand)
    foreach ($l in $D.Links) {
        $W.WriteStartElement('maml', 'navigationLink', $script:NsMaml)
        $W.WriteElementString('maml', 'linkText', $script:NsMaml, $l.Text)
        $W.WriteElementString('maml', 'uri', $script:NsMaml, $l.Uri)
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement()
}

function ConvertTo-MamlBytes([object[]] $Docs) {
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.IndentChars = '  '
    $settings.NewLineChars = "`n"
    $settings.NewLineHandling = [System.Xml.NewLineHandling]::Replace
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $settings.CheckCharacters = $true
    $stream = [System.IO.MemoryStream]::new()
    $settings.CloseOutput = $false
    $w = [System.Xml.XmlWriter]::Create($stream, $settings)
    try {
        $w.WriteStartDocument()
        $w.WriteStartElement('helpItems', 'http://msh')
        $w.WriteAttributeString('schema', 'maml')
        foreach ($d in $Docs) { Write-Command $w $d }
        $w.WriteEndElement()
        $w.WriteEndDocument()
    }
    finally { $w.Dispose() }
    $stream.WriteByte(10)   # end the file with a newline, like every other text file
    , $stream.ToArray()
}

#endregion

#region about topics

function Get-WrappedLines([string] $Text, [string] $First, [string] $Rest, [int] $Width = 80) {
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = $First
    $empty = $true
    foreach ($word in $Text -split ' ' | Where-Object { $_ }) {
        if (-not $empty -and $line.Length + 1 + $word.Length -gt $Width) {
            $lines.Add($line); $line = $Rest + $word
        }
        else { $line = if ($empty) { $line + $word } else { "$line $word" } }
        $empty = $false
    }
    if (-not $empty) { $lines.Add($line) }
    $lines
}

function ConvertTo-AboutText([System.IO.FileInfo] $File) {
    $script:CurrentFile = $File.Name
    $doc = Read-MarkdownLines $File.FullName
    $topic = $File.BaseName
    $out = [System.Collections.Generic.List[string]]::new()
    $h1 = Split-Headings $doc.Body 1
    Assert-NoText $h1.Head 'front of the document' "'# $topic' first"
    if ($h1.Parts.Count -ne 1 -or -not $script:NoCase.Equals($h1.Parts[0].Name, $topic)) {
        Stop-Doc $null "an about topic needs exactly one '# $topic' heading"
    }
    $out.Add('TOPIC'); $out.Add("    $topic"); $out.Add('')

    # Walk the lines below '# topic': headings by level, everything else by block.
    $segment = [System.Collections.Generic.List[object]]::new()
    $emit = {
        foreach ($b in @(Get-Blocks @($segment))) {
            Assert-NoPlaceholder $b
            if ($b.Kind -in 'Code', 'Pre') {
                foreach ($cl in $b.Text -split "`n") { $out.Add($(if ($cl) { '        ' + $cl } else { '' })) }
            }
            elseif ($b.Text -match '^\|') {
                # A table: keep its rows as they are.
                $i = 0
                while ($segment[$i].N -ne $b.Line.N) { $i++ }
                while ($i -lt $segment.Count -and $segment[$i].T -match '^\|') { $out.Add('    ' + $segment[$i].T); $i++ }
            }
            elseif ($b.Kind -eq 'Item' -and $b.Text -match '^([-*+]|\d+[.)])(\s+)(.*)$') {
                $bullet = $Matches[1] + ' '
                $item = ConvertFrom-Inline $Matches[3] $b.Line
                foreach ($wl in Get-WrappedLines $item ('    ' + $bullet) ('    ' + (' ' * $bullet.Length))) { $out.Add($wl) }
            }
            else { foreach ($wl in Get-WrappedLines (ConvertFrom-Inline $b.Text $b.Line) '    ' '    ') { $out.Add($wl) } }
            $out.Add('')
        }
        $segment.Clear()
    }
    $fence = $null
    foreach ($l in $h1.Parts[0].Lines) {
        if ($null -eq $fence -and $l.T -match '^(```+|~~~+)') { $fence = $Matches[1] }
        elseif ($null -ne $fence -and $l.T -match '^(```+|~~~+)\s*$' -and $Matches[1] -eq $fence) { $fence = $null }
        elseif ($null -eq $fence -and $l.T -match '^(#{2,6})\s+(.*?)\s*#*\s*$') {
            $level = $Matches[1].Length; $title = $Matches[2]
            . $emit
            switch ($level) {
                2 { $out.Add($title.ToUpperInvariant()) }
                3 { $out.Add("  $title") }
                default { $out.Add("    $title") }
            }
            continue
        }
        $segment.Add($l)
    }
    . $emit
    while ($out.Count -gt 0 -and $out[$out.Count - 1] -eq '') { $out.RemoveAt($out.Count - 1) }
    $text = ($out -join "`n") + "`n"
    , [System.Text.UTF8Encoding]::new($false).GetBytes($text)
}

#endregion

if (-not (Test-Path -LiteralPath $DocsPath -PathType Container)) { throw "DocsPath '$DocsPath' is not a folder" }
$files = [System.IO.FileInfo[]]@(Get-ChildItem -LiteralPath $DocsPath -File -Filter '*.md')
[Array]::Sort([string[]]@($files | ForEach-Object Name), $files, $script:Ordinal)   # ordinal: no culture in the order
$aboutFiles = @($files | Where-Object { $_.Name -like 'about_*.md' })
$commandFiles = @($files | Where-Object { $_.Name -notlike 'about_*.md' })
if (-not $commandFiles -and -not $aboutFiles) { throw "No markdown files in '$DocsPath'" }

# Read (and check) everything first: a malformed file stops before anything is written.
# Every malformed file is reported (its first problem), then the script throws.
$problems = [System.Collections.Generic.List[string]]::new()
$docs = @(foreach ($f in $commandFiles) { try { Read-CommandDoc $f } catch { $problems.Add($_.Exception.Message) } })
$outputs = [ordered]@{}
foreach ($f in $aboutFiles) { try { $outputs[$f.BaseName + '.help.txt'] = ConvertTo-AboutText $f } catch { $problems.Add($_.Exception.Message) } }
if ($problems.Count) { throw "Malformed help markdown in '$DocsPath' ($($problems.Count) file(s)):`n  " + ($problems -join "`n  ") }
foreach ($group in @($docs | Group-Object HelpFile | Sort-Object Name)) {
    $names = @($group.Group | ForEach-Object Name)
    $dupe = $names | Group-Object | Where-Object Count -gt 1 | Select-Object -First 1
    if ($dupe) { throw "Command $($dupe.Name) is described by more than one file" }
    $outputs[$group.Name] = ConvertTo-MamlBytes @($group.Group)
}
$script:CurrentFile = ''

# Check the MAML we made is well-formed XML before writing it.
foreach ($k in @($outputs.Keys | Where-Object { $_ -like '*.xml' })) {
    $x = [System.Xml.XmlDocument]::new()
    $x.Load([System.IO.MemoryStream]::new([byte[]]$outputs[$k]))
}

$null = New-Item -ItemType Directory -Path $OutputPath -Force
$outDir = (Resolve-Path -LiteralPath $OutputPath).ProviderPath
foreach ($k in $outputs.Keys) {
    $target = Join-Path $outDir $k
    [System.IO.File]::WriteAllBytes($target, [byte[]]$outputs[$k])
    Get-Item -LiteralPath $target
}
Write-Verbose "ConvertTo-Maml: $($docs.Count) command(s), $($aboutFiles.Count) about topic(s) -> $outDir"
