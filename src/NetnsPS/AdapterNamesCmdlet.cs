using System.Management.Automation;

namespace NetnsPS.Commands;

/// <summary>
/// Base of the cmdlets that change adapters of one namespace by name (Set-, Remove-NetNamespaceAdapter): -Name
/// (wildcards) or -LiteralName. Their default set is LiteralName, so that a piped adapter (or address, route) binds its
/// InterfaceAlias to -LiteralName and names exactly that adapter; an object with only a Name property, and a typed or
/// positional name, bind -Name.
/// </summary>
public abstract class AdapterNamesCmdlet : NamespaceTargetCmdlet
{
    protected const string NameSet = "Name";
    protected const string LiteralNameSet = "LiteralName";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Adapter names taken exactly as typed: no character is a wildcard. Piped adapters, addresses and routes bind here.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralNameSet)]
    [Alias("InterfaceAlias", "ifAlias")]
    [ArgumentCompleter(typeof(AdapterNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] LiteralName { get; set; } = Array.Empty<string>();

    /// <summary>True for -LiteralName: no character of <see cref="Names"/> is a wildcard.</summary>
    protected bool Literal => ParameterSetName == LiteralNameSet;

    /// <summary>-Name or -LiteralName, whichever was given.</summary>
    protected string[] Names => Literal ? LiteralName : Name;
}
