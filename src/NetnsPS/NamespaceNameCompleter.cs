using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Language;
using NetnsPS.Core.Adapters;
using NetnsPS.Core.Addressing;
using NetnsPS.Core.Namespaces;
using NetnsPS.Core.Routing;
using NetnsPS.Core.Sysctl;

namespace NetnsPS;

/// <summary>
/// What every completer shares: the typed word unquoted, a matcher that never throws, and the text to insert: for a
/// parameter that takes wildcards the name escaped (`[ `] `* `? ``) so that it names exactly that object, then single-quoted
/// when the parser would otherwise split, expand or unescape it (spaces, quotes, `, $, newlines ...); for other parameters
/// (-LiteralName, -InterfaceAlias of New-...) only the quoting.
/// </summary>
internal static class Completion
{
    private static readonly char[] s_special =
    {
        ' ', '\t', '\n', '\r', '\'', '"', '$', '`', ';', ',', '(', ')', '{', '}', '@', '#', '&', '|', '<', '>', '[', ']', '*', '?',
        '\u2018', '\u2019', '\u201A', '\u201B', '\u201C', '\u201D', '\u201E',
    };
    private static readonly ConcurrentDictionary<(string, string), bool> s_wildcard = new();

    /// <summary>The text to insert for <paramref name="value"/>: single-quoted when the parser would split or expand it.</summary>
    internal static string Quote(string value)
        => value.Length == 0 || value.IndexOfAny(s_special) >= 0 || value[0] == '-'
            ? "'" + CodeGeneration.EscapeSingleQuotedStringContent(value) + "'"
            : value;

    /// <summary>The text to insert for <paramref name="name"/> into <paramref name="parameterName"/> of <paramref name="commandName"/>.</summary>
    internal static string Insert(string name, string commandName, string parameterName)
        => Quote(IsWildcardParameter(commandName, parameterName) ? WildcardPattern.Escape(name) : name);

    private static bool IsSingleQuote(char c) => c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B';

    private static bool IsDoubleQuote(char c) => c is '"' or '\u201C' or '\u201D' or '\u201E';

    /// <summary>The typed word without its quotes ('' inside single quotes is one quote).</summary>
    internal static string Unquote(string? word)
    {
        word ??= string.Empty;
        if (word.Length > 0 && IsSingleQuote(word[0]))
        {
            var inner = word.Length > 1 && IsSingleQuote(word[^1]) ? word[1..^1] : word[1..];
            return inner.Replace("''", "'");
        }
        if (word.Length > 0 && IsDoubleQuote(word[0]))
            return word.Length > 1 && IsDoubleQuote(word[^1]) ? word[1..^1] : word[1..];
        return word;
    }

    /// <summary>
    /// Names the typed word completes: for a wildcard parameter the word is a pattern (+ '*'), or, when it is not a valid
    /// one ('ux['), a literal prefix; otherwise always a literal prefix. Case-insensitive; never throws.
    /// </summary>
    internal static Func<string, bool> Matcher(string? wordToComplete, string commandName, string parameterName)
    {
        var word = Unquote(wordToComplete);
        if (IsWildcardParameter(commandName, parameterName))
        {
            try
            {
                var p = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                p.IsMatch(string.Empty);
                return p.IsMatch;
            }
            catch (WildcardPatternException) { }
        }
        return s => s.StartsWith(word, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when the cmdlet's parameter (or alias) carries [SupportsWildcards]; false for anything unknown.</summary>
    internal static bool IsWildcardParameter(string commandName, string parameterName)
    {
        var cmd = commandName ?? string.Empty;
        int slash = cmd.LastIndexOf('\\');
        if (slash >= 0) cmd = cmd[(slash + 1)..];
        return s_wildcard.GetOrAdd((cmd.ToLowerInvariant(), (parameterName ?? string.Empty).ToLowerInvariant()), static key =>
        {
            foreach (var t in typeof(Completion).Assembly.GetTypes())
            {
                var ca = t.GetCustomAttributes(typeof(CmdletAttribute), false).OfType<CmdletAttribute>().FirstOrDefault();
                if (ca is null || !$"{ca.VerbName}-{ca.NounName}".Equals(key.Item1, StringComparison.OrdinalIgnoreCase)) continue;
                foreach (var prop in t.GetProperties())
                {
                    bool named = prop.Name.Equals(key.Item2, StringComparison.OrdinalIgnoreCase) ||
                                 prop.GetCustomAttributes(typeof(AliasAttribute), true).OfType<AliasAttribute>()
                                     .Any(a => a.AliasNames.Any(n => n.Equals(key.Item2, StringComparison.OrdinalIgnoreCase)));
                    if (named) return prop.IsDefined(typeof(SupportsWildcardsAttribute), true);
                }
            }
            return false;
        });
    }

    /// <summary>The first value bound to <paramref name="key"/> on the command line (a name, or a NetNamespace's name), else null.</summary>
    internal static string? Bound(IDictionary bound, string key)
    {
        if (bound is null || !bound.Contains(key)) return null;
        var v = bound[key] is PSObject p ? p.BaseObject : bound[key];
        if (v is object[] arr) v = arr.Length > 0 ? (arr[0] is PSObject pp ? pp.BaseObject : arr[0]) : null;
        if (v is string[] sa) v = sa.Length > 0 ? sa[0] : null;
        return v switch { NetNamespace n => n.IsNamed ? n.Name : n.Path, string s => s, SwitchParameter sw => sw.IsPresent ? "" : null, bool b => b ? "" : null, _ => null };
    }

    /// <summary>What <paramref name="read"/> lists in the namespace the command line names (see <see cref="NamespaceOf"/>),
    /// read through a session of its own that is closed before the list is returned.</summary>
    internal static List<T> ReadIn<T>(IDictionary bound, Func<NamespaceContext, IEnumerable<T>> read, params string[] keys)
    {
        using var sessions = new NamespaceSessions();
        return read(sessions.Get(NamespaceOf(bound, keys))).ToList();
    }

    /// <summary>The namespace the command line names: -SourceNamespace (Move), -Namespace, -HostNamespace, else the host.
    /// Escaped wildcard characters stand for themselves, as they do when the command runs.</summary>
    internal static string NamespaceOf(IDictionary bound, params string[] keys)
    {
        foreach (var k in keys)
            if (Bound(bound, k) is string s) return s.Length == 0 ? s : WildcardPattern.Unescape(s);
        return string.Empty;
    }
}

/// <summary>
/// Base of the completers: what <see cref="Complete"/> yields is collected as it comes, and a failure on the way (a
/// namespace gone, no permission, an unreadable lab file) ends the list there; completion never shows an error.
/// </summary>
public abstract class SafeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var results = new List<CompletionResult>();
        try
        {
            foreach (var r in Complete(commandName, parameterName, wordToComplete, fakeBoundParameters)) results.Add(r);
        }
        catch (Exception) { }
        return results;
    }

    /// <summary>The completions, lazily; exceptions are the base's to swallow.</summary>
    protected abstract IEnumerable<CompletionResult> Complete(string commandName, string parameterName, string wordToComplete,
        IDictionary fakeBoundParameters);
}

/// <summary>Completes names of /run/netns entries, escaped for wildcard parameters and quoted when needed.</summary>
public sealed class NamespaceNameCompleter : SafeCompleter
{
    internal static string Quote(string value) => Completion.Quote(value);

    protected override IEnumerable<CompletionResult> Complete(string commandName, string parameterName, string wordToComplete,
        IDictionary fakeBoundParameters)
    {
        var match = Completion.Matcher(wordToComplete, commandName, parameterName);
        foreach (var e in NamespaceStore.List())
            if (match(e.Name))
                yield return new CompletionResult(Completion.Insert(e.Name, commandName, parameterName), e.Name,
                    CompletionResultType.ParameterValue, e.IsStale ? e.Name + " (stale)" : e.Path);
    }
}

/// <summary>
/// Completes adapter names inside the namespace given on the same command line (-Namespace, or -SourceNamespace
/// for Move-NetAdapterToNamespace; the host when none is given).
/// </summary>
public sealed class AdapterNameCompleter : SafeCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string commandName, string parameterName, string wordToComplete,
        IDictionary fakeBoundParameters)
    {
        var match = Completion.Matcher(wordToComplete, commandName, parameterName);
        foreach (var l in Completion.ReadIn(fakeBoundParameters, AdapterService.AllLinks, "SourceNamespace", "Namespace").OrderBy(l => l.Index))
            if (match(l.Name))
                yield return new CompletionResult(Completion.Insert(l.Name, commandName, parameterName), l.Name, CompletionResultType.ParameterValue,
                    $"{l.Name} ({AdapterService.KindText(l)}, index {l.Index})");
    }
}

/// <summary>
/// Completes sysctl names (Get-/Set-NetNamespaceSysctl -Name) from /proc/sys/net of the namespace on the command line
/// (-Namespace, -HostNamespace, else the host), read by a thread inside it. A word typed in the path form
/// (net/ipv4/...) completes in the path form.
/// </summary>
public sealed class SysctlNameCompleter : SafeCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string commandName, string parameterName, string wordToComplete,
        IDictionary fakeBoundParameters)
    {
        var typed = Completion.Unquote(wordToComplete);
        bool pathForm = typed.IndexOfAny(new[] { '.', '/' }) is int i && i >= 0 && typed[i] == '/';
        var match = Completion.Matcher(pathForm ? SysctlService.Normalize(typed) : typed, commandName, parameterName);
        foreach (var name in Completion.ReadIn(fakeBoundParameters, SysctlService.ListNames, "Namespace", "HostNamespace"))
            if (match(name))
            {
                var shown = pathForm ? SysctlService.SwapSeparators(name) : name;
                yield return new CompletionResult(Completion.Insert(shown, commandName, parameterName), shown, CompletionResultType.ParameterValue, shown);
            }
    }
}

/// <summary>
/// Completes the addresses of the namespace on the command line (Remove-NetNamespaceAddress -IPAddress), only those on
/// -InterfaceAlias when it is given, inserted as ADDRESS/PREFIXLENGTH.
/// </summary>
public sealed class AddressCompleter : SafeCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string commandName, string parameterName, string wordToComplete,
        IDictionary fakeBoundParameters)
    {
        var word = Completion.Unquote(wordToComplete);
        var ifName = Completion.Bound(fakeBoundParameters, "InterfaceAlias");
        foreach (var a in Completion.ReadIn(fakeBoundParameters, ctx => AddressService.ListAddresses(ctx), "Namespace"))
        {
            if (!string.IsNullOrEmpty(ifName) && a.InterfaceAlias != ifName) continue;
            var text = $"{a.IPAddress}/{a.PrefixLength}";
            if (!text.StartsWith(word, StringComparison.OrdinalIgnoreCase)) continue;
            yield return new CompletionResult(Completion.Quote(text), text, CompletionResultType.ParameterValue, $"{text} on {a.InterfaceAlias}");
        }
    }
}

/// <summary>
/// Completes route destinations of the namespace on the command line (Remove-NetNamespaceRoute -DestinationPrefix):
/// the routes of -Table (main when not given), only those through -InterfaceAlias when it is given.
/// </summary>
public sealed class RouteCompleter : SafeCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string commandName, string parameterName, string wordToComplete,
        IDictionary fakeBoundParameters)
    {
        var word = Completion.Unquote(wordToComplete);
        var ifName = Completion.Bound(fakeBoundParameters, "InterfaceAlias");
        uint table = RouteService.MainTable;
        if (fakeBoundParameters is not null && fakeBoundParameters.Contains("Table") &&
            uint.TryParse(Convert.ToString(fakeBoundParameters["Table"] is PSObject p ? p.BaseObject : fakeBoundParameters["Table"],
                System.Globalization.CultureInfo.InvariantCulture), out var t) && t > 0)
            table = t;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in Completion.ReadIn(fakeBoundParameters, ctx => RouteService.ListRoutes(ctx, table), "Namespace"))
        {
            if (!string.IsNullOrEmpty(ifName) && r.InterfaceAlias != ifName) continue;
            if (!r.DestinationPrefix.StartsWith(word, StringComparison.OrdinalIgnoreCase) || !seen.Add(r.DestinationPrefix)) continue;
            var via = string.IsNullOrEmpty(r.NextHop) ? "" : $" via {r.NextHop}"; // a route without a gateway has none (NextHop null)
            yield return new CompletionResult(Completion.Quote(r.DestinationPrefix), r.DestinationPrefix, CompletionResultType.ParameterValue,
                $"{r.DestinationPrefix}{via}{(r.InterfaceAlias is null ? "" : $" dev {r.InterfaceAlias}")}");
        }
    }
}

/// <summary>Completes lab names (-Name) or prefixes (-Prefix) of the labs present.</summary>
public sealed class NetLabCompleter : SafeCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string commandName, string parameterName, string wordToComplete,
        IDictionary fakeBoundParameters)
    {
        var match = Completion.Matcher(wordToComplete, commandName, parameterName);
        bool byPrefix = parameterName.Equals("Prefix", StringComparison.OrdinalIgnoreCase);
        foreach (var value in Core.Labs.LabBuilder.List().Select(l => byPrefix ? l.Prefix : l.Name).Distinct(StringComparer.Ordinal))
            if (match(value))
                yield return new CompletionResult(Completion.Insert(value, commandName, parameterName), value, CompletionResultType.ParameterValue, value);
    }
}
