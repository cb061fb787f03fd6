using System.Buffers.Binary;
using System.Text;

namespace NetnsPS.Core.Netlink;

/// <summary>
/// Builds one netlink request: header, a fixed family header, attributes with nested scopes whose lengths
/// are patched on close. Every pad byte is written as zero. Little-endian host order (x86_64, aarch64).
/// </summary>
public sealed class NetlinkMessageBuilder
{
    private byte[] _buf = new byte[256];
    private int _len;
    private readonly Stack<int> _nests = new();

    public NetlinkMessageBuilder(ushort type, ushort flags)
    {
        _len = Nl.HeaderSize;
        BinaryPrimitives.WriteUInt16LittleEndian(_buf.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(_buf.AsSpan(6), flags);
    }

    public ushort Type => BinaryPrimitives.ReadUInt16LittleEndian(_buf.AsSpan(4));

    public int Length => _len;

    private Span<byte> Grow(int n)
    {
        int need = _len + Nl.Align(n);
        if (need > _buf.Length) Array.Resize(ref _buf, Math.Max(need, _buf.Length * 2));
        var span = _buf.AsSpan(_len, Nl.Align(n));
        span.Clear();
        _len = need;
        return span[..n];
    }

    /// <summary>A fixed-size family header (ifinfomsg, ifaddrmsg, rtmsg, rtgenmsg...), zero-filled, to be written by the caller.</summary>
    public Span<byte> AddHeader(int size) => Grow(size);

    public NetlinkMessageBuilder AddAttribute(ushort type, ReadOnlySpan<byte> value)
    {
        if (Nl.AttrHeaderSize + value.Length > ushort.MaxValue)
            throw new ArgumentException($"Attribute {type} is too long ({value.Length} bytes).");
        var span = Grow(Nl.AttrHeaderSize + value.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(Nl.AttrHeaderSize + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
        value.CopyTo(span[Nl.AttrHeaderSize..]);
        return this;
    }

    public NetlinkMessageBuilder AddU8(ushort type, byte v) => AddAttribute(type, stackalloc byte[] { v });

    public NetlinkMessageBuilder AddU16(ushort type, ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        return AddAttribute(type, b);
    }

    public NetlinkMessageBuilder AddU32(ushort type, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return AddAttribute(type, b);
    }

    /// <summary>A big-endian (network order) u32, as nf_tables attributes are.</summary>
    public NetlinkMessageBuilder AddU32BigEndian(ushort type, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return AddAttribute(type, b);
    }

    /// <summary>A big-endian (network order) u64 (nf_tables handles, counters).</summary>
    public NetlinkMessageBuilder AddU64BigEndian(ushort type, ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, v);
        return AddAttribute(type, b);
    }

    public NetlinkMessageBuilder AddS32(ushort type, int v) => AddU32(type, unchecked((uint)v));

    /// <summary>NUL-terminated string attribute (NLA_STRING / NLA_NUL_STRING).</summary>
    public NetlinkMessageBuilder AddString(ushort type, string v)
    {
        int n = Encoding.UTF8.GetByteCount(v);
        Span<byte> b = n < 512 ? stackalloc byte[n + 1] : new byte[n + 1];
        Encoding.UTF8.GetBytes(v, b);
        b[n] = 0;
        return AddAttribute(type, b);
    }

    public NetlinkMessageBuilder BeginNested(ushort type)
    {
        _nests.Push(_len);
        var span = Grow(Nl.AttrHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], (ushort)(type | Nl.NLA_F_NESTED));
        return this;
    }

    public NetlinkMessageBuilder EndNested()
    {
        int start = _nests.Pop();
        int len = _len - start;
        if (len > ushort.MaxValue) throw new InvalidOperationException("Nested attribute longer than 65535 bytes.");
        BinaryPrimitives.WriteUInt16LittleEndian(_buf.AsSpan(start), (ushort)len);
        return this;
    }

    /// <summary>Finishes the message with the given sequence number and returns its bytes.</summary>
    public ReadOnlySpan<byte> Finish(uint seq)
    {
        if (_nests.Count != 0) throw new InvalidOperationException("Unclosed nested attribute.");
        BinaryPrimitives.WriteUInt32LittleEndian(_buf, (uint)_len);
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(8), seq);
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(12), 0);
        return _buf.AsSpan(0, _len);
    }
}
