# Script functions of NetnsPS: the parts that must run your PowerShell code as PowerShell itself runs it.
# The binary cmdlets live in NetnsPS.dll (RootModule); the types used here come from it and NetnsPS.Core.dll.

function Invoke-InNetNamespace {
    # .ExternalHelp NetnsPS.dll-Help.xml
    [CmdletBinding(DefaultParameterSetName = 'ScriptBlock')]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName, ParameterSetName = 'ScriptBlock')]
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName, ParameterSetName = 'FilePath')]
        [Alias('NetNs', 'ns')]
        [NetnsPS.NamespaceTransformation()]
        [SupportsWildcards()]
        [ArgumentCompleter([NetnsPS.NamespaceNameCompleter])]
        [ValidateNotNullOrEmpty()]
        [string[]] $Namespace,

        [Parameter(Mandatory, ParameterSetName = 'ScriptBlockAll')]
        [Parameter(Mandatory, ParameterSetName = 'FilePathAll')]
        [switch] $All,

        [Parameter(Mandatory, Position = 1, ParameterSetName = 'ScriptBlock')]
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'ScriptBlockAll')]
        [scriptblock] $ScriptBlock,

        [Parameter(Mandatory, ParameterSetName = 'FilePath')]
        [Parameter(Mandatory, ParameterSetName = 'FilePathAll')]
        [ValidateNotNullOrEmpty()]
        [string] $FilePath,

        [Alias('Args')]
        [object[]] $ArgumentList = @(),

        # Run the scriptblock in a separate PowerShell process started inside the namespace, so that nothing in it
        # (thread pool, async, jobs) can escape. Your variables are not there: pass values with -ArgumentList.
        [Parameter(ParameterSetName = 'ScriptBlock')]
        [Parameter(ParameterSetName = 'ScriptBlockAll')]
        [switch] $Isolated
    )

    begin {
        if (-not [NetnsPS.Core.Namespaces.Privileges]::Has([NetnsPS.Core.Namespaces.Privileges]::CAP_SYS_ADMIN)) {
            $ex = [NetnsPS.Core.Interop.NetnsException]::new('InsufficientPrivilege', 'EPERM',
                'Entering a network namespace needs CAP_SYS_ADMIN: run PowerShell as root (for example with sudo).', 'CAP_SYS_ADMIN')
            $PSCmdlet.ThrowTerminatingError([NetnsPS.Commands.NetnsCmdlet]::ToErrorRecord($ex, 'CAP_SYS_ADMIN'))
        }
        $store = [NetnsPS.Core.Namespaces.NamespaceStore]
        $hygiene = [NetnsPS.Core.Namespaces.ThreadHygiene]
        $hygiene::WarmUp()
    }

    process {
        # Which namespaces: every named one, or names with wildcards (a literal that is missing is an error).
        $targets = [System.Collections.Generic.List[object]]::new()
        $seen = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::Ordinal)
        if ($All) {
            foreach ($e in $store::List()) { if (-not $e.IsStale) { $targets.Add($e) } }
        }
        else {
            $listed = $null
            foreach ($n in $Namespace) {
                if ([WildcardPattern]::ContainsWildcardCharacters($n)) {
                    if ($null -eq $listed) { $listed = $store::List() }
                    $p = [WildcardPattern]::new($n, 'IgnoreCase, CultureInvariant')
                    foreach ($e in $listed) { if ($p.IsMatch($e.Name) -and $seen.Add($e.Name)) { $targets.Add($e) } }
                    continue
                }
                try { $found = $store::Find($n) }
                catch [NetnsPS.Core.Interop.NetnsException] { $PSCmdlet.WriteError([NetnsPS.Commands.NetnsCmdlet]::ToErrorRecord($_.Exception, $n)); continue }
                if ($null -eq $found) {
                    $ex = [NetnsPS.Core.Interop.NetnsException]::new('NamespaceNotFound', 'ENOENT',
                        "No network namespace named '$n' ($($store::PathOf($n)) does not exist).", $n)
                    $PSCmdlet.WriteError([NetnsPS.Commands.NetnsCmdlet]::ToErrorRecord($ex, $n))
                    continue
                }
                if ($seen.Add($found.Name)) { $targets.Add($found) }
            }
        }
        $tag = $All -or $targets.Count -gt 1

        foreach ($t in $targets) {
            if ($t.IsStale) {
                $ex = [NetnsPS.Core.Interop.NetnsException]::new('NamespaceStale', 'EINVAL', "'$($t.Path)' is a stale entry, not a namespace.", $t.Name)
                $PSCmdlet.WriteError([NetnsPS.Commands.NetnsCmdlet]::ToErrorRecord($ex, $t.Name))
                continue
            }
            if ($Isolated) {
                $session = $null
                try {
                    $session = New-NetNamespaceSession -Namespace $t.Name -ErrorAction Stop
                    $output = Invoke-Command -Session $session -ScriptBlock $ScriptBlock -ArgumentList $ArgumentList
                }
                finally { if ($null -ne $session) { Remove-PSSession -Session $session } }
                foreach ($o in $output) {
                    if ($tag) { Add-Member -InputObject ($o = [psobject]::new($o)) -NotePropertyName NetNamespace -NotePropertyValue $t.Name -Force }
                    $o
                }
            }
            elseif ($PSCmdlet.ParameterSetName -like 'ScriptBlock*') {
                # Enter on this (the pipeline) thread, run the scriptblock as & would, restore on every path.
                # Output is collected and written only after the thread is back: what runs further down the
                # pipeline runs on this same thread and must not run inside the namespace.
                $call = $null
                try {
                    try { $call = [NetnsPS.Core.Namespaces.InProcessCall]::Begin($t.Path, $t.Name, $t.Identity.Inode) }
                    catch [NetnsPS.Core.Interop.NetnsException] {
                        $PSCmdlet.WriteError([NetnsPS.Commands.NetnsCmdlet]::ToErrorRecord($_.Exception, $t.Name))
                        continue
                    }
                    $output = & $ScriptBlock @ArgumentList
                }
                finally {
                    if ($null -ne $call) {
                        try { $stuck = $call.End() }
                        catch {
                            # The pipeline thread cannot be discarded like our own threads; running later commands
                            # in the wrong namespace would be worse than stopping.
                            [Environment]::FailFast("NetnsPS: the PowerShell pipeline thread could not be returned to its network namespace ($_); stopping the process.")
                        }
                    }
                }
                if ($stuck.Count) {
                    # Threads started while we were inside inherited the namespace; say so.
                    $names = ($stuck | ForEach-Object { "$($_.Item1) ($($_.Item2))" }) -join ', '
                    $msg = "$($stuck.Count) thread(s) started while inside '$($t.Name)' inherited it: $names. Work they run happens inside '$($t.Name)' until they exit; use -Isolated for code that must not leak."
                    if ($stuck.Item2 | Where-Object { $_ -notlike '.NET Tiered*' }) { Write-Warning $msg } else { Write-Verbose $msg }
                }
                foreach ($o in $output) {
                    if ($tag) { Add-Member -InputObject ($o = [psobject]::new($o)) -NotePropertyName NetNamespace -NotePropertyValue $t.Name -Force }
                    $o
                }
            }
            else {
                # A native program with ip netns exec semantics, forked from a prepared, then discarded, thread.
                $psi = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
                $psi.UseShellExecute = $false
                $psi.RedirectStandardOutput = $true
                $cwd = $PSCmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath
                if ($cwd -and [System.IO.Directory]::Exists($cwd)) { $psi.WorkingDirectory = $cwd }
                foreach ($a in $ArgumentList) { $psi.ArgumentList.Add([string]$a) }
                try { $proc = [NetnsPS.Core.Namespaces.NetnsExec]::Start($t.Name, $psi) }
                catch [NetnsPS.Core.Interop.NetnsException] {
                    $PSCmdlet.WriteError([NetnsPS.Commands.NetnsCmdlet]::ToErrorRecord($_.Exception, $FilePath))
                    continue
                }
                try {
                    while ($null -ne ($line = $proc.StandardOutput.ReadLine())) {
                        if ($tag) { $line = [psobject]::new($line); Add-Member -InputObject $line -NotePropertyName NetNamespace -NotePropertyValue $t.Name }
                        $line
                    }
                    $proc.WaitForExit()
                    $global:LASTEXITCODE = $proc.ExitCode
                }
                finally {
                    if (-not $proc.HasExited) { $proc.Kill($true) }   # Ctrl+C or a stopped pipeline
                    $proc.Dispose()
                }
            }
        }
    }
}


function Enter-NetNamespace {
    # .ExternalHelp NetnsPS.dll-Help.xml
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('NetNs', 'ns')]
        [NetnsPS.NamespaceTransformation()]
        [ArgumentCompleter([NetnsPS.NamespaceNameCompleter])]
        [ValidateNotNullOrEmpty()]
        [string] $Namespace
    )
    # An interactive PowerShell inside the namespace (the PowerShell form of `ip netns exec NAME bash`): a session
    # process started inside it, whose prompt names the namespace. Exit with Exit-PSSession (or exit); the session is
    # removed then.
    $session = New-NetNamespaceSession -Namespace $Namespace -ErrorAction Stop
    Invoke-Command -Session $session -ArgumentList $Namespace -ScriptBlock {
        param($name)
        $global:__netnsName = $name
        function global:prompt { "[netns:$global:__netnsName] PS $($executionContext.SessionState.Path.CurrentLocation)> " }
        # Remove the session when the user leaves it.
    }
    Enter-PSSession -Session $session
}
