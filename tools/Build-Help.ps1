<#
.SYNOPSIS
    Turns PlatyPS-style markdown (docs/en-US/*.md) into MAML (NetnsPS.dll-Help.xml) and about_*.help.txt.
.DESCRIPTION
    PlatyPS is not available here, so this script reads the subset of the PlatyPS 2.0.0 schema our docs use:
    front matter, # Name, ## SYNOPSIS, ## SYNTAX (### SetName), ## DESCRIPTION, ## EXAMPLES (### Example N: title,
    a ```powershell block, remarks), ## PARAMETERS (### -Name, description, a ```yaml block), ## INPUTS,
    ## OUTPUTS (### TypeName, text), ## NOTES, ## RELATED LINKS. A malformed file stops the build with a message
    naming the file and what is missing. Output is deterministic (files and parameters in name order).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $OutputPath,
    [string] $HelpFileName = 'NetnsPS.dll-Help.xml'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Split-Sections([string[]] $Lines, [string] $Marker) {
    # Ordered map: heading text -> lines under it (up to the next heading of the same level, outside code fences).
    $map = [ordered]@{}
    $current = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith("$Marker ")) {
            $current = $line.Substring($Marker.Length + 1).Trim()
            $map[$current] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if ($null -ne $current) { $map[$current].Add($line) }
    }
    $map
}

function Get-Paragraphs([string[]] $Lines) {
    $paras = @(); $buf = @()
    foreach ($l in $Lines) {
        if ($l.Trim() -eq '') { if ($buf) { $paras += ($buf -join ' '); $buf = @() } }
        else { $buf += $l.Trim() }
    }
    if ($buf) { $paras += ($buf -join ' ') }
    , $paras
}

function Get-Fence([string[]] $Lines, [string] $Lang) {
    # Returns @{ Before = lines before the fence; Body = fence content; After = lines after }
    $start = -1
    for ($i = 0; $i -lt $Lines.Count; $i++) { if ($Lines[$i] -match "^``````$Lang\s*$") { $start = $i; break } }
    if ($start -lt 0) { return $null }
    for ($j = $start + 1; $j -lt $Lines.Count; $j++) { if ($Lines[$j] -match '^```\s*$') { break } }
    if ($j -ge $Lines.Count) { throw "unterminated code fence" }
    @{ Before = @($Lines[0..($start - 1)] | Where-Object { $start -gt 0 }); Body = @($Lines[($start + 1)..($j - 1)] | Where-Object { $j -gt $start + 1 }); After = @(if ($j + 1 -lt $Lines.Count) { $Lines[($j + 1)..($Lines.Count - 1)] }) }
}

function Read-CommandDoc([string] $Path) {
    $text = [IO.File]::ReadAllText($Path) -replace "`r`n", "`n"
    $lines = $text -split "`n"
    $file = Split-Path $Path -Leaf
    if ($lines[0] -ne '---') { throw "${file}: no front matter" }
    $end = [Array]::IndexOf($lines, '---', 1)
    if ($end -lt 0) { throw "${file}: front matter not closed" }
    $body = $lines[($end + 1)..($lines.Count - 1)]
    $title = $body | Where-Object { $_ -match '^# ' } | Select-Object -First 1
    if (-not $title) { throw "${file}: no '# Name' heading" }
    $name = $title.Substring(2).Trim()
    $sections = Split-Sections $body '##'
    foreach ($required in 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS') {
        if (-not $sections.Contains($required)) { throw "${file}: missing ## $required" }
    }
    $synopsis = (Get-Paragraphs $sections['SYNOPSIS']) -join ' '
    if (-not $synopsis) { throw "${file}: empty SYNOPSIS" }

    $sets = @((Split-Sections $sections['SYNTAX'] '###').Keys | ForEach-Object { ($_ -replace '\s*\(Default\)\s*$', '').Trim() })
    if (-not $sets) { throw "${file}: SYNTAX has no ### parameter set" }

    $examples = foreach ($e in (Split-Sections $sections['EXAMPLES'] '###').GetEnumerator()) {
        $f = Get-Fence $e.Value 'powershell'
        if (-not $f) { throw "${file}: example '$($e.Key)' has no powershell code block" }
        [pscustomobject]@{ Title = $e.Key; Code = ($f.Body -join "`n"); Remarks = Get-Paragraphs $f.After }
    }
    if (-not $examples) { throw "${file}: no examples" }

    $params = foreach ($p in (Split-Sections $sections['PARAMETERS'] '###').GetEnumerator()) {
        if ($p.Key -eq 'CommonParameters') { continue }
        if (-not $p.Key.StartsWith('-')) { throw "${file}: parameter heading '$($p.Key)' does not start with '-'" }
        $f = Get-Fence $p.Value 'yaml'
        if (-not $f) { throw "${file}: parameter $($p.Key) has no yaml block" }
        $y = @{}
        foreach ($l in $f.Body) { if ($l -match '^([A-Za-z ]+):\s*(.*)$') { $y[$Matches[1].Trim()] = $Matches[2].Trim() } }
        foreach ($k in 'Type', 'Parameter Sets', 'Required', 'Position', 'Accept pipeline input', 'Accept wildcard characters') {
            if (-not $y.ContainsKey($k)) { throw "${file}: parameter $($p.Key) yaml lacks '$k'" }
        }
        $desc = Get-Paragraphs $f.Before
        if (-not $desc) { throw "${file}: parameter $($p.Key) has no description" }
        [pscustomobject]@{
            Name = $p.Key.Substring(1); Description = $desc; Type = $y['Type']
            Sets = if ($y['Parameter Sets'] -eq '(All)') { $sets } else { @($y['Parameter Sets'] -split ',\s*') }
            Aliases = if ($y['Aliases']) { $y['Aliases'] } else { 'none' }
            Required = $y['Required'] -eq 'True'; Position = if ($y['Position'] -eq 'Named') { 'named' } else { $y['Position'] }
            Default = if ($y.ContainsKey('Default value')) { $y['Default value'] } else { 'None' }
            Pipeline = $y['Accept pipeline input']; Globbing = $y['Accept wildcard characters'] -eq 'True'
        }
    }
    function Get-Typed($key) {
        if (-not $sections.Contains($key)) { return @() }
        foreach ($t in (Split-Sections $sections[$key] '###').GetEnumerator()) { [pscustomobject]@{ Type = $t.Key; Text = Get-Paragraphs $t.Value } }
    }
    $links = if ($sections.Contains('RELATED LINKS')) {
        foreach ($l in $sections['RELATED LINKS']) { if ($l -match '^\[([^\]]+)\]\(([^)]*)\)') { [pscustomobject]@{ Text = $Matches[1]; Uri = $(if ($Matches[2] -match '^https?:') { $Matches[2] } else { '' }) } } }
    } else { @() }
    [pscustomobject]@{
        Name = $name; Synopsis = $synopsis; Description = Get-Paragraphs $sections['DESCRIPTION']; Sets = $sets
        Examples = @($examples); Parameters = @($params | Sort-Object Name); Inputs = @(Get-Typed 'INPUTS'); Outputs = @(Get-Typed 'OUTPUTS')
        Notes = if ($sections.Contains('NOTES')) { Get-Paragraphs $sections['NOTES'] } else { @() }; Links = @($links)
    }
}

function Write-Paras($w, [string[]] $Paras) {
    foreach ($p in $Paras) { $w.WriteElementString('maml', 'para', $ns.maml, $p) }
}

function Write-Parameter($w, $p, [bool] $InSyntax) {
    $w.WriteStartElement('command', 'parameter', $ns.command)
    $w.WriteAttributeString('required', $p.Required.ToString().ToLowerInvariant())
    $w.WriteAttributeString('variableLength', ($p.Type -like '*[[]]').ToString().ToLowerInvariant())
    $w.WriteAttributeString('globbing', $p.Globbing.ToString().ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', $p.Pipeline)
    $w.WriteAttributeString('position', $p.Position)
    $w.WriteAttributeString('aliases', $p.Aliases)
    $w.WriteElementString('maml', 'name', $ns.maml, $p.Name)
    $w.WriteStartElement('maml', 'description', $ns.maml); Write-Paras $w $p.Description; $w.WriteEndElement()
    if (-not ($InSyntax -and $p.Type -eq 'SwitchParameter')) {
        $w.WriteStartElement('command', 'parameterValue', $ns.command)
        $w.WriteAttributeString('required', ($p.Type -ne 'SwitchParameter').ToString().ToLowerInvariant())
        $w.WriteAttributeString('variableLength', 'false')
        $w.WriteString($p.Type)
        $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $ns.dev)
    $w.WriteElementString('maml', 'name', $ns.maml, $p.Type)
    $w.WriteElementString('maml', 'uri', $ns.maml, '')
    $w.WriteEndElement()
    $w.WriteElementString('dev', 'defaultValue', $ns.dev, $p.Default)
    $w.WriteEndElement()
}

function Write-TypedList($w, [string] $Outer, [string] $Inner, $Items) {
    $w.WriteStartElement('command', $Outer, $ns.command)
    foreach ($i in $Items) {
        $w.WriteStartElement('command', $Inner, $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev); $w.WriteElementString('maml', 'name', $ns.maml, $i.Type); $w.WriteEndElement()
        $w.WriteStartElement('maml', 'description', $ns.maml); Write-Paras $w $i.Text; $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
}

New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
$files = Get-ChildItem $DocsPath -Filter '*.md' | Sort-Object Name
$commandDocs = @($files | Where-Object { $_.Name -notlike 'about_*' } | ForEach-Object { Read-CommandDoc $_.FullName })

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$target = Join-Path $OutputPath $HelpFileName
$w = [System.Xml.XmlWriter]::Create($target, $settings)
try {
    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', 'http://msh')
    $w.WriteAttributeString('schema', 'maml')
    foreach ($d in $commandDocs) {
        $w.WriteStartElement('command', 'command', $ns.command)
        $w.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
        $w.WriteAttributeString('xmlns', 'command', $null, $ns.command)
        $w.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)
        $verb, $noun = $d.Name -split '-', 2
        $w.WriteStartElement('command', 'details', $ns.command)
        $w.WriteElementString('command', 'name', $ns.command, $d.Name)
        $w.WriteElementString('command', 'verb', $ns.command, $verb)
        $w.WriteElementString('command', 'noun', $ns.command, $noun)
        $w.WriteStartElement('maml', 'description', $ns.maml); Write-Paras $w @($d.Synopsis); $w.WriteEndElement()
        $w.WriteEndElement()
        $w.WriteStartElement('maml', 'description', $ns.maml); Write-Paras $w $d.Description; $w.WriteEndElement()

        $w.WriteStartElement('command', 'syntax', $ns.command)
        foreach ($set in $d.Sets) {
            $w.WriteStartElement('command', 'syntaxItem', $ns.command)
            $w.WriteElementString('maml', 'name', $ns.maml, $d.Name)
            $inSet = $d.Parameters | Where-Object { $set -in $_.Sets } |
                Sort-Object @{ Expression = { if ($_.Position -eq 'named') { 1000 } else { [int]$_.Position } } }, @{ Expression = { -not $_.Required } }, Name
            foreach ($p in $inSet) { Write-Parameter $w $p $true }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'parameters', $ns.command)
        foreach ($p in $d.Parameters) { Write-Parameter $w $p $false }
        $w.WriteEndElement()

        Write-TypedList $w 'inputTypes' 'inputType' $d.Inputs
        Write-TypedList $w 'returnValues' 'returnValue' $d.Outputs

        $w.WriteStartElement('maml', 'alertSet', $ns.maml)
        $w.WriteStartElement('maml', 'alert', $ns.maml); Write-Paras $w $d.Notes; $w.WriteEndElement()
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'examples', $ns.command)
        foreach ($e in $d.Examples) {
            $w.WriteStartElement('command', 'example', $ns.command)
            $w.WriteElementString('maml', 'title', $ns.maml, "-------------------------- $($e.Title) --------------------------")
            $w.WriteElementString('dev', 'code', $ns.dev, $e.Code)
            $w.WriteStartElement('dev', 'remarks', $ns.dev); Write-Paras $w $e.Remarks; $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'relatedLinks', $ns.command)
        foreach ($l in $d.Links) {
            $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
            $w.WriteElementString('maml', 'linkText', $ns.maml, $l.Text)
            $w.WriteElementString('maml', 'uri', $ns.maml, $l.Uri)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndDocument()
}
finally { $w.Dispose() }

foreach ($about in $files | Where-Object { $_.Name -like 'about_*' }) {
    $lines = ([IO.File]::ReadAllText($about.FullName) -replace "`r`n", "`n") -split "`n"
    if ($lines[0] -eq '---') { $lines = $lines[([Array]::IndexOf($lines, '---', 1) + 1)..($lines.Count - 1)] }
    $out = Join-Path $OutputPath ($about.BaseName + '.help.txt')
    [IO.File]::WriteAllText($out, (($lines -join "`n").Trim() + "`n"))
}
Write-Host "Help: $($commandDocs.Count) commands -> $target"
