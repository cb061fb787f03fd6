using System.Reflection;
using System.Text.RegularExpressions;
using NetnsPS.Core.Errors;
using Xunit;

namespace NetnsPS.Core.Tests;

/// <summary>
/// Every ErrorId is a constant of <see cref="ErrorIds"/>, every constant is documented in
/// docs/en-US/about_NetnsPS_Errors.md (the bad-input catalogue or the OTHER ERRORIDS table) and every id documented
/// there is a constant or one of PowerShell's own binding ids; and no ErrorId is written as a string literal in the
/// source. Limits: the source checks read the text with regular expressions, not a C# parser: an id put together at
/// run time (concatenation, interpolation) or passed through a variable is not seen, and the literal check knows
/// only the ids that are constants; the call check below covers the literal first argument of NetnsException and
/// NetlinkException constructors and Sys.Error, and the literal ErrorId argument of new ErrorRecord(...).
/// </summary>
public class ErrorIdTests
{
    /// <summary>Ids PowerShell raises itself while binding: listed in the catalogue, not emitted by the module.</summary>
    private static readonly HashSet<string> PowerShellIds = new(StringComparer.Ordinal)
    {
        "ParameterArgumentValidationError", "ParameterArgumentValidationErrorEmptyStringNotAllowed",
        "InputObjectNotBound", "InputObjectMissingMandatory", "CannotConvertArgumentNoMessage",
    };

    internal static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "src", "NetnsPS.Core", "NetnsPS.Core.csproj"))) return d.FullName;
        throw new InvalidOperationException($"No repository above {AppContext.BaseDirectory}.");
    }

    /// <summary>The C# files of a source folder, without build output.</summary>
    internal static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(RepoRoot(), folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .Order(StringComparer.Ordinal);

    private static HashSet<string> Constants() =>
        typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The ErrorIds of the markdown's tables: the catalogue's third column, OTHER ERRORIDS' first.</summary>
    private static (HashSet<string> Catalogue, List<string> Other) DocumentedIds()
    {
        var catalogue = new HashSet<string>(StringComparer.Ordinal);
        var other = new List<string>();
        string? section = null;
        foreach (var line in File.ReadLines(Path.Combine(RepoRoot(), "docs", "en-US", "about_NetnsPS_Errors.md")))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) { section = line[3..].Trim(); continue; }
            if (!line.StartsWith('|') || line.StartsWith("|---", StringComparison.Ordinal)) continue;
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (section == "THE CATALOGUE" && cells.Length == 4 && cells[2] != "ErrorId") catalogue.Add(cells[2]);
            else if (section == "OTHER ERRORIDS" && cells.Length == 3 && cells[0] != "ErrorId") other.Add(cells[0]);
        }
        return (catalogue, other);
    }

    [Fact]
    public void EveryConstantIsItsOwnName()
    {
        var bad = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => !f.IsLiteral || (string?)f.GetRawConstantValue() != f.Name).Select(f => f.Name).ToList();
        Assert.True(bad.Count == 0,
            "ErrorIds fields that are not const string = nameof(field): " + string.Join(", ", bad));
    }

    [Fact]
    public void TheErrorsHelpListsEveryConstantAndNothingElse()
    {
        var constants = Constants();
        var (catalogue, other) = DocumentedIds();
        Assert.True(catalogue.Count > 50 && other.Count > 20,
            $"parsed {catalogue.Count} catalogue ids and {other.Count} other ids: the markdown's shape changed");
        var documented = catalogue.Concat(other).ToHashSet(StringComparer.Ordinal);
        var undocumented = constants.Except(documented).Order(StringComparer.Ordinal).ToList();
        var unknown = documented.Except(constants).Except(PowerShellIds).Order(StringComparer.Ordinal).ToList();
        var twice = other.GroupBy(i => i).Where(g => g.Count() > 1 || catalogue.Contains(g.Key)).Select(g => g.Key)
            .ToList();
        Assert.True(undocumented.Count == 0, "ErrorIds constants missing from about_NetnsPS_Errors.md "
            + "(add a catalogue row or an OTHER ERRORIDS row): " + string.Join(", ", undocumented));
        Assert.True(unknown.Count == 0,
            "ids in about_NetnsPS_Errors.md that are not ErrorIds constants: " + string.Join(", ", unknown));
        Assert.True(twice.Count == 0,
            "OTHER ERRORIDS rows that repeat an id (or a catalogue id): " + string.Join(", ", twice));
    }

    /// <summary>
    /// A literal first argument of an exception constructor or Sys.Error, or a literal ErrorId in
    /// new ErrorRecord(x, id, ...).
    /// </summary>
    private static readonly Regex LiteralIdArgument = new(
        @"new\s+(?:NetnsException|NetlinkException)\(\s*""|Sys\.Error\(\s*"""
        + @"|new\s+ErrorRecord\((?:[^(),]|\([^()]*\))+,\s*""",
        RegexOptions.Compiled);

    /// <summary>A plain string literal (not interpolated or verbatim) of letters only.</summary>
    private static readonly Regex WordLiteral = new(@"(?<![\w$@""])""([A-Za-z]+)""", RegexOptions.Compiled);

    [Fact]
    public void NoErrorIdIsAStringLiteral()
    {
        var constants = Constants();
        var bad = new List<string>();
        foreach (var file in SourceFiles("src"))
        {
            if (Path.GetFileName(file) == "ErrorIds.cs") continue;
            var rel = Path.GetRelativePath(RepoRoot(), file);
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                if (LiteralIdArgument.IsMatch(lines[i]))
                    bad.Add($"{rel}:{i + 1}: literal ErrorId argument: {lines[i].Trim()}");
                foreach (Match m in WordLiteral.Matches(lines[i]))
                    if (constants.Contains(m.Groups[1].Value))
                        bad.Add($"{rel}:{i + 1}: \"{m.Groups[1].Value}\" is ErrorIds.{m.Groups[1].Value}");
            }
        }
        Assert.True(bad.Count == 0, "ErrorIds written as string literals:\n" + string.Join("\n", bad));
    }

    [Fact]
    public void TheSourceScanSeesALiteral()
    {
        // The scanner itself: a line of each form it must catch, and the constant form it must let pass.
        Assert.Matches(LiteralIdArgument, "throw new NetnsException(\"NamespaceStale\", Errno.EINVAL, \"x\");");
        Assert.Matches(LiteralIdArgument, "throw Sys.Error(\"WatchFailed\", \"poll\");");
        Assert.Matches(LiteralIdArgument, "WriteError(new ErrorRecord(new RemoteException(s), \"NativeCommandError\", c));");
        Assert.DoesNotMatch(LiteralIdArgument, "throw new NetnsException(ErrorIds.NamespaceStale, Errno.EINVAL, \"x\");");
        Assert.Equal("NamespaceStale", WordLiteral.Match("ex.ErrorCode == \"NamespaceStale\"").Groups[1].Value);
        Assert.False(WordLiteral.IsMatch("$\"NamespaceStale\""));
    }

    [Fact]
    public void AnErrnoTableNamesTheIdOfEachErrno()
    {
        var map = new ErrnoMap(ErrorIds.NeighborAddFailed)
        {
            { ErrorIds.NeighborAlreadyExists, Errno.EEXIST },
            { ErrorIds.InsufficientPrivilege, Errno.EPERM, Errno.EACCES },
        };
        Assert.Equal(ErrorIds.NeighborAlreadyExists, map[Errno.EEXIST]);
        Assert.Equal(ErrorIds.InsufficientPrivilege, map[Errno.EACCES]);
        Assert.Equal(ErrorIds.NeighborAddFailed, map[Errno.EINVAL]);
        ErrnoMap plain = ErrorIds.RouteQueryFailed;
        Assert.Equal(ErrorIds.RouteQueryFailed, plain[Errno.EEXIST]);
    }
}
