namespace NetnsPS.Core.Watch;

/// <summary>
/// What a watcher read: an event, or the notice that the kernel dropped events (a queue overflowed) and the watcher
/// read the whole state again (<see cref="Resync"/>: the text for the user). The events after a notice are the
/// difference between what the watcher knew and what it read, so nothing is lost silently.
/// </summary>
public readonly record struct WatchItem<T>(T? Event, string? Resync) where T : class
{
    public static WatchItem<T> Of(T e) => new(e, null);

    public static WatchItem<T> Resynchronized(string message) => new(null, message);
}
