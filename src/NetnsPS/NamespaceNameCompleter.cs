using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using NetnsPS.Core.Namespaces;

namespace NetnsPS;

/// <summary>Completes names of /run/netns entries; quotes names that need it.</summary>
public sealed class NamespaceNameCompleter : IArgumentCompleter
{
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
            var text = e.Name.IndexOfAny(new[] { ' ', '\t', '\'', '"', '$', '`', ';', ',', '(', ')', '{', '}', '@', '#', '&', '|', '<', '>' }) >= 0
                ? "'" + e.Name.Replace("'", "''") + "'"
                : e.Name;
            yield return new CompletionResult(text, e.Name, CompletionResultType.ParameterValue, e.IsStale ? e.Name + " (stale)" : e.Path);
        }
    }
}
