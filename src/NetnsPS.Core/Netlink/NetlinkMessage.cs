using System.Buffers.Binary;
using System.Text;

namespace NetnsPS.Core.Netlink;

/// <summary>One received netlink message (payload copied out of the receive buffer).</summary>
public sealed class NetlinkMessage
{
    public NetlinkMessage(ushort type, ushort flags, uint seq, uint portId, byte[] payload)
    {
        Type = type; Flags = flags; Seq = seq; PortId = portId; Payload = payload;
    }

    public ushort Type { get; }
    public ushort Flags { get; }
    public uint Seq { get; }
    public uint PortId { get; }
    public byte[] Payload { get; }

    /// <summary>Splits a datagram into messages; throws on a truncated or malformed header.</summary>
    public static List<NetlinkMessage> ParseAll(ReadOnlySpan<byte> data)
    {
        var list = new List<NetlinkMessage>();
        while (data.Length >= Nl.HeaderSize)
        {
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(data);
            if (len < Nl.HeaderSize || len > data.Length)
                throw new NetlinkProtocolException($"Malformed netlink message: length {len} with {data.Length} bytes left.");
            list.Add(new NetlinkMessage(
                BinaryPrimitives.ReadUInt16LittleEndian(data[4..]),
                BinaryPrimitives.ReadUInt16LittleEndian(data[6..]),
                BinaryPrimitives.ReadUInt32LittleEndian(data[8..]),
                BinaryPrimitives.ReadUInt32LittleEndian(data[12..]),
                data[Nl.HeaderSize..(int)len].ToArray()));
            int adv = Math.Min(Nl.Align((int)len), data.Length);
            data = data[adv..];
        }
        return list;
    }
}

/// <summary>One attribute: type with NLA_F_* flags masked off, and its value bytes.</summary>
public readonly ref struct NetlinkAttribute
{
    public NetlinkAttribute(ushort rawType, ReadOnlySpan<byte> value) { RawType = rawType; Value = value; }

    public ushort RawType { get; }
    public ushort Type => (ushort)(RawType & Nl.NLA_TYPE_MASK);
    public bool IsNested => (RawType & Nl.NLA_F_NESTED) != 0;
    public ReadOnlySpan<byte> Value { get; }

    public byte U8 => Exact(1)[0];
    public ushort U16 => BinaryPrimitives.ReadUInt16LittleEndian(Exact(2));
    public ushort U16BigEndian => BinaryPrimitives.ReadUInt16BigEndian(Exact(2));
    public uint U32 => BinaryPrimitives.ReadUInt32LittleEndian(Exact(4));
    public uint U32BigEndian => BinaryPrimitives.ReadUInt32BigEndian(Exact(4));
    public ulong U64BigEndian => BinaryPrimitives.ReadUInt64BigEndian(Exact(8));
    public int S32 => BinaryPrimitives.ReadInt32LittleEndian(Exact(4));
    public ulong U64 => BinaryPrimitives.ReadUInt64LittleEndian(Exact(8));

    /// <summary>String value up to the first NUL.</summary>
    public string String
    {
        get
        {
            int nul = Value.IndexOf((byte)0);
            return Encoding.UTF8.GetString(nul >= 0 ? Value[..nul] : Value);
        }
    }

    public NetlinkAttributeReader Nested => new(Value);

    private ReadOnlySpan<byte> Exact(int n)
    {
        if (Value.Length != n)
            throw new NetlinkProtocolException($"Attribute {Type} has {Value.Length} bytes, expected {n}.");
        return Value;
    }
}

/// <summary>Iterates attributes in a buffer; stops at a truncated attribute (bounds-checked, never over-reads).</summary>
public ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _rest;
    private NetlinkAttribute _current;

    public NetlinkAttributeReader(ReadOnlySpan<byte> data) { _rest = data; _current = default; }

    public readonly NetlinkAttribute Current => _current;

    public readonly NetlinkAttributeReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.Length < Nl.AttrHeaderSize) return false;
        ushort len = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]);
        if (len < Nl.AttrHeaderSize || len > _rest.Length) { _rest = default; return false; }
        _current = new NetlinkAttribute(type, _rest[Nl.AttrHeaderSize..len]);
        int adv = Math.Min(Nl.Align(len), _rest.Length);
        _rest = _rest[adv..];
        return true;
    }
}
