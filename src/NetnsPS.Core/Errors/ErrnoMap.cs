using System.Collections;

namespace NetnsPS.Core.Errors;

/// <summary>
/// Which ErrorId a refused request gets for which errno, as a table handed to the one place that executes requests
/// (NetlinkSocket.Execute), instead of a switch in every service:
/// <code>new ErrnoMap(ErrorIds.NeighborAddFailed) { { ErrorIds.NeighborAlreadyExists, Errno.EEXIST }, ... }</code>
/// An errno not in the table gets <see cref="Otherwise"/>; a plain string converts to a table with no rows.
/// </summary>
public sealed class ErrnoMap : IEnumerable<KeyValuePair<Errno, string>>
{
    private readonly Dictionary<Errno, string> _ids = new();

    public ErrnoMap(string otherwise) => Otherwise = otherwise;

    /// <summary>The id of every errno the table does not name.</summary>
    public string Otherwise { get; }

    /// <summary>A row: <paramref name="id"/> for each of <paramref name="errnos"/> (a later row for an errno wins).</summary>
    public void Add(string id, params Errno[] errnos)
    {
        foreach (var e in errnos) _ids[e] = id;
    }

    /// <summary>Whether a row names <paramref name="errno"/> (else it gets <see cref="Otherwise"/>).</summary>
    public bool Names(Errno errno) => _ids.ContainsKey(errno);

    public string this[Errno errno] => _ids.TryGetValue(errno, out var id) ? id : Otherwise;

    public static implicit operator ErrnoMap(string otherwise) => new(otherwise);

    public IEnumerator<KeyValuePair<Errno, string>> GetEnumerator() => _ids.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
