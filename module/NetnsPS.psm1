# Script functions of NetnsPS: the parts that must run your PowerShell code as PowerShell itself runs it.
# The binary cmdlets live in NetnsPS.dll (RootModule); the types used here come from it and NetnsPS.Core.dll.

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
