using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using NetnsPS.Core.Namespaces;

namespace NetnsPS;

/// <summary>Completes names of /run/netns entries; quotes names that need it.</summary>
public sealed class NamespaceNameCompleter : IArgumentCompleter
{
    private static readonly char[] s_special = { ' ', '\t', '\'', '"', '$', '`', ';', ',', '(', ')', '{', '}', '@', '#', '&', '|', '<', '>' };

    /// <summary>The text to insert for <paramref name="value"/>: single-quoted when the parser would split or expand it.</summary>
    internal static string Quote(string value) => value.IndexOfAny(s_special) >= 0 ? "'" + value.Replace("'", "''") + "'" : value;

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        List<NamespaceEntry> entries;
        try { entries = NamespaceStore.List(); }
        catch (Exception) { yield break; }
        foreach (var e in entries)
        {
            if (!pattern.IsMatch(e.Name)) continue;
            yield return new CompletionResult(Quote(e.Name), e.Name, CompletionResultType.ParameterValue, e.IsStale ? e.Name + " (stale)" : e.Path);
        }
    }
}

/// <summary>
/// Completes adapter names inside the namespace given on the same command line (-Namespace, or -SourceNamespace
/// for Move-NetAdapterToNamespace; the host when none is given).
/// </summary>
public sealed class AdapterNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        var ns = NamespaceOf(fakeBoundParameters, "SourceNamespace") ?? NamespaceOf(fakeBoundParameters, "Namespace") ?? string.Empty;
        List<Core.Netlink.Rtnl.LinkInfo> links;
        try
        {
            using var sessions = new NamespaceSessions();
            links = Core.Netlink.Rtnl.Links.Dump(sessions.Get(ns).Socket);
        }
        catch (Exception) { yield break; }
        foreach (var l in links.OrderBy(l => l.Index))
            if (pattern.IsMatch(l.Name))
                yield return new CompletionResult(l.Name, l.Name, CompletionResultType.ParameterValue,
                    $"{l.Name} ({Core.Netlink.Rtnl.Links.DescribeKind(l)}, index {l.Index})");
    }

    private static string? NamespaceOf(IDictionary bound, string key)
    {
        if (!bound.Contains(key)) return null;
        var v = bound[key] is PSObject p ? p.BaseObject : bound[key];
        if (v is object[] arr && arr.Length > 0) v = arr[0] is PSObject pp ? pp.BaseObject : arr[0];
        if (v is string[] sa && sa.Length > 0) v = sa[0];
        return v switch { NetNamespace n => n.Name, string s => s, _ => null };
    }
}

/// <summary>Completes lab names (-Name) or prefixes (-Prefix) of the labs present.</summary>
public sealed class NetLabCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        bool byPrefix = parameterName.Equals("Prefix", StringComparison.OrdinalIgnoreCase);
        List<NetLab> labs;
        try { labs = Core.Labs.LabBuilder.List(); }
        catch (Exception) { yield break; }
        foreach (var value in labs.Select(l => byPrefix ? l.Prefix : l.Name).Distinct(StringComparer.Ordinal))
        {
            if (!pattern.IsMatch(value)) continue;
            yield return new CompletionResult(NamespaceNameCompleter.Quote(value), value, CompletionResultType.ParameterValue, value);
        }
    }
}
