using System.Buffers.Binary;

namespace NetnsPS.Core.Capture;

/// <summary>
/// Writes the classic pcap format (what tcpdump -w writes and Wireshark reads): a 24-byte global header with the
/// nanosecond magic a1b23c4d (written little-endian; readers accept either order), version 2.4, the snap length and the link type, then per packet
/// a 16-byte record header (seconds, nanoseconds, captured length, original length) and the captured bytes.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    public const uint MagicNanoseconds = 0xa1b23c4d;
    public const uint MagicMicroseconds = 0xa1b2c3d4;
    public const uint LinkTypeEthernet = 1;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly byte[] _header = new byte[16];

    public PcapWriter(Stream stream, int snapLength, uint linkType = LinkTypeEthernet, bool ownsStream = true)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        SnapLength = snapLength;
        Span<byte> h = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, MagicNanoseconds);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], 0);   // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0); // sigfigs
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], linkType);
        _stream.Write(h);
    }

    public int SnapLength { get; }
    public long PacketsWritten { get; private set; }

    /// <summary>Appends one packet: <paramref name="unixNanoseconds"/> since 1970 UTC, the captured bytes, and the length on the wire.</summary>
    public void Write(long unixNanoseconds, ReadOnlySpan<byte> data, int originalLength)
    {
        if (data.Length > SnapLength) data = data[..SnapLength];
        long sec = Math.DivRem(unixNanoseconds, 1_000_000_000L, out long ns);
        if (ns < 0) { sec--; ns += 1_000_000_000L; }
        BinaryPrimitives.WriteUInt32LittleEndian(_header, (uint)sec);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(4), (uint)ns);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(8), (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(12), (uint)Math.Max(originalLength, data.Length));
        _stream.Write(_header);
        _stream.Write(data);
        PacketsWritten++;
    }

    public void Flush() => _stream.Flush();

    public void Dispose()
    {
        _stream.Flush();
        if (_ownsStream) _stream.Dispose();
    }
}
