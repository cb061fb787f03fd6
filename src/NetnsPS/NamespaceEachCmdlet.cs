using System.Management.Automation;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>
/// Base of the cmdlets that make one thing inside each namespace named (New-NetNamespaceSession, -Socket): -Namespace
/// takes names, patterns and NetNamespace objects, from the pipeline too; each namespace, in input order, is asked
/// for with ShouldProcess and then handed to <see cref="ProcessNamespace"/>; a failure is a non-terminating error for
/// that namespace.
/// </summary>
public abstract class NamespaceEachCmdlet : NetnsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("NetNs", "ns")]
    [NamespaceTransformation]
    [ArgumentCompleter(typeof(NamespaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Namespace { get; set; } = Array.Empty<string>();

    /// <summary>The ShouldProcess action, e.g. "Create a socket inside the namespace".</summary>
    protected abstract string Action { get; }

    /// <summary>Makes the thing inside <paramref name="ns"/> and writes it.</summary>
    protected abstract void ProcessNamespace(NamespaceEntry ns);

    protected override void ProcessRecordLocal()
    {
        foreach (var ns in InInputOrder(Namespace))
        {
            if (!ShouldProcess(ns.Name, Action)) continue;
            try { ProcessNamespace(ns); }
            catch (NetnsException ex) { WriteNetnsError(ex, ns.Name); }
        }
    }
}
