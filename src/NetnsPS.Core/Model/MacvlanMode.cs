namespace NetnsPS;

/// <summary>How a macvlan adapter reaches its siblings and the parent (-MacvlanMode; ip link ... mode).</summary>
public enum MacvlanMode
{
    /// <summary>No traffic between macvlan adapters of one parent.</summary>
    Private,

    /// <summary>Traffic between siblings goes out and must come back through the switch (802.1Qbg).</summary>
    Vepa,

    /// <summary>Siblings reach each other directly (the default).</summary>
    Bridge,

    /// <summary>One adapter takes over the parent.</summary>
    Passthru,

    /// <summary>Only frames from listed source MAC addresses.</summary>
    Source,
}
