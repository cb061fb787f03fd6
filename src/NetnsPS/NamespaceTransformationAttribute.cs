using System.Collections;
using System.Management.Automation;

namespace NetnsPS;

/// <summary>
/// Lets -Namespace parameters take a name or a NetNamespace object (or a mix, in arrays): objects become their names;
/// unnamed ones (Get-NetNamespace -All) their path, or '' when it is the caller's own namespace.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class NamespaceTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var v = inputData is PSObject p ? p.BaseObject : inputData;
        switch (v)
        {
            case null: return null;
            // An object names exactly its namespace: escape wildcard characters (valid in namespace names).
            case NetNamespace ns when ns.IsNamed: return WildcardPattern.Escape(ns.Name);
            // An unnamed one (Get-NetNamespace -All): the caller's own is the host (''), others their nsfs path.
            case NetNamespace ns: return ns.Inode == NetnsPS.Core.Discovery.NamespaceScan.CurrentNamespaceInode() ? string.Empty : ns.Path;
            case string: return v;
            // One from a remote host (Get-NetNamespace -Session ...): its name, exactly; an unnamed one its path.
            case PSObject d when d.TypeNames.Contains("Deserialized.NetnsPS.NetNamespace"):
                var name = d.Properties["Name"]?.Value as string;
                return string.IsNullOrEmpty(name) ? d.Properties["Path"]?.Value as string ?? string.Empty : WildcardPattern.Escape(name);
            case IEnumerable e:
                var list = new List<object?>();
                foreach (var item in e) list.Add(Transform(engineIntrinsics, item));
                return list.ToArray();
            default: return inputData;
        }
    }
}
