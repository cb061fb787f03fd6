# README.md's code blocks under "## Tour" and "## Labs", one statement line each (blank and comment lines left out).
function Get-ReadmeCodeLine([string] $Path) {
    $text = Get-Content $Path -Raw
    foreach ($block in 'Tour', 'Labs') {
        $m = [regex]::Match($text, "(?ms)^## $block\r?\n.*?^``````powershell\r?\n(.*?)^``````")
        if (-not $m.Success) { throw "README.md has no powershell block under ## $block" }
        $i = 0
        foreach ($l in $m.Groups[1].Value -split '\r?\n') {
            $i++
            if ($l.Trim() -and -not $l.TrimStart().StartsWith('#')) { @{ Block = $block; Line = $i; Code = $l.TrimEnd() } }
        }
    }
}
