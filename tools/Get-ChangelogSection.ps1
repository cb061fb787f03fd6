<#
.SYNOPSIS
    One version's section of CHANGELOG.md (Keep a Changelog: "## [1.2.3] - YYYY-MM-DD" headings).
.DESCRIPTION
    Returns { Version; Date; Text } for -Version, or for the newest released version (the first heading after
    [Unreleased]) without it; $null when there is no such section. Text is the heading line and the body up to the
    next "## [" heading, trimmed. build.ps1 writes it into the built manifest's ReleaseNotes, and -Task Package
    refuses a version without a section.
#>
param(
    [Parameter(Mandatory)] [string] $Path,
    [string] $Version
)
$ErrorActionPreference = 'Stop'
$text = (Get-Content -LiteralPath $Path -Raw) -replace "`r`n", "`n"
$heads = [regex]::Matches($text, '(?m)^## \[(?<v>[^\]]+)\](?:\s+-\s+(?<d>\d{4}-\d{2}-\d{2}))?[^\n]*$')
for ($i = 0; $i -lt $heads.Count; $i++) {
    $h = $heads[$i]
    $v = $h.Groups['v'].Value
    if ($v -eq 'Unreleased') { continue }
    if ($Version -and $v -ne $Version) { continue }
    $end = if ($i + 1 -lt $heads.Count) { $heads[$i + 1].Index } else { $text.Length }
    return [pscustomobject]@{
        Version = $v
        Date    = $h.Groups['d'].Value
        Text    = $text.Substring($h.Index, $end - $h.Index).Trim()
    }
}
$null
