using System.Management.Automation;

namespace NetnsPS.Commands;

/// <summary>
/// Base of the cmdlets that take named namespaces in three parameter sets: -Name (wildcards; a piped NetNamespace
/// names exactly its namespace), -LiteralName (no character is a wildcard) and -InputObject (NetNamespace objects).
/// </summary>
public abstract class NamespaceNamesCmdlet : NetnsCmdlet
{
    protected const string NameSet = "Name";
    protected const string LiteralNameSet = "LiteralName";
    protected const string InputObjectSet = "InputObject";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [NamespaceTransformation] // a piped NetNamespace names exactly its namespace, wildcard characters and all
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Names taken exactly as typed: no character is a wildcard ('ux?q' is ux?q only, never uxaq).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralNameSet)]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] LiteralName { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ValidateNotNull]
    public NetNamespace[] InputObject { get; set; } = Array.Empty<NetNamespace>();

    /// <summary>The names of this record by parameter set, in input order (another set, e.g. -All: every namespace).</summary>
    protected IEnumerable<ResolvedName> ResolveNames() => ParameterSetName switch
    {
        NameSet => ResolveEach(Name),
        LiteralNameSet => ResolveEach(LiteralName, literal: true),
        InputObjectSet => ResolveEach(InputObject.Select(n => n.Name).ToArray(), literal: true),
        _ => ResolveEach(null),
    };
}
