namespace NetnsPS.Core.Netlink.Nft;

/// <summary>
/// One nf_tables expression of a rule: its name ("meta", "cmp"...) and its NFTA_EXPR_DATA attributes. Encode writes
/// the attributes in the order nft writes them (so batches compare byte for byte with nft's); Decode reads them back
/// from a dump. Expressions the module does not make are kept as <see cref="NftUnknown"/> with their raw bytes.
/// </summary>
public abstract record NftExpression
{
    public abstract string Name { get; }

    internal abstract void EncodeData(NetlinkMessageBuilder b);

    /// <summary>Writes NFTA_LIST_ELEM { NFTA_EXPR_NAME, NFTA_EXPR_DATA { ... } }.</summary>
    public void Encode(NetlinkMessageBuilder b)
    {
        b.BeginNested(Nft.LIST_ELEM);
        b.AddString(Nft.EXPR_NAME, Name);
        b.BeginNested(Nft.EXPR_DATA);
        EncodeData(b);
        b.EndNested();
        b.EndNested();
    }

    /// <summary>Reads one NFTA_LIST_ELEM.</summary>
    public static NftExpression Decode(ReadOnlySpan<byte> elem)
    {
        string? name = null;
        ReadOnlySpan<byte> data = default;
        foreach (var a in new NetlinkAttributeReader(elem))
        {
            if (a.Type == Nft.EXPR_NAME) name = a.String;
            else if (a.Type == Nft.EXPR_DATA) data = a.Value;
        }
        if (name is null) throw new NetlinkProtocolException("nf_tables expression without a name.");
        return name switch
        {
            "meta" => NftMeta.DecodeData(data),
            "cmp" => NftCmp.DecodeData(data),
            "payload" => NftPayload.DecodeData(data),
            "immediate" => NftImmediate.DecodeData(data),
            "bitwise" => NftBitwise.DecodeData(data),
            "masq" => NftMasq.DecodeData(data),
            "nat" => NftNat.DecodeData(data),
            "counter" => NftCounter.DecodeData(data),
            "fib" => NftFib.DecodeData(data),
            _ => new NftUnknown(name, data.ToArray()),
        };
    }

    private protected static byte[] DataValue(ReadOnlySpan<byte> nestedData)
    {
        foreach (var a in new NetlinkAttributeReader(nestedData))
            if (a.Type == Nft.DATA_VALUE) return a.Value.ToArray();
        return Array.Empty<byte>();
    }

    private protected static void AddDataValue(NetlinkMessageBuilder b, ushort type, byte[] value)
    {
        b.BeginNested(type);
        b.AddAttribute(Nft.DATA_VALUE, value);
        b.EndNested();
    }

    public virtual bool Equals(NftExpression? other) => other is not null && other.GetType() == GetType() && other.Name == Name;

    public override int GetHashCode() => Name.GetHashCode();
}

/// <summary>meta load KEY => reg (NFTA_META_*).</summary>
public sealed record NftMeta(uint Key, uint Register = Nft.REG_1) : NftExpression
{
    public const ushort DREG = 1, KEY = 2, SREG = 3;
    public const uint KEY_PROTOCOL = 1, KEY_IIF = 4, KEY_OIF = 5, KEY_IIFNAME = 6, KEY_OIFNAME = 7, KEY_NFPROTO = 15, KEY_L4PROTO = 16;

    public override string Name => "meta";

    internal override void EncodeData(NetlinkMessageBuilder b) => b.AddU32BigEndian(KEY, Key).AddU32BigEndian(DREG, Register);

    internal static NftMeta DecodeData(ReadOnlySpan<byte> data)
    {
        uint key = 0, reg = 0;
        foreach (var a in new NetlinkAttributeReader(data))
            switch (a.Type)
            {
                case KEY: key = a.U32BigEndian; break;
                case DREG: reg = a.U32BigEndian; break;
            }
        return new NftMeta(key, reg);
    }
}

/// <summary>cmp OP reg DATA (NFTA_CMP_*).</summary>
public sealed record NftCmp(uint Op, byte[] Data, uint Register = Nft.REG_1) : NftExpression
{
    public const ushort SREG = 1, OP = 2, DATA = 3;
    public const uint OP_EQ = 0, OP_NEQ = 1, OP_LT = 2, OP_LTE = 3, OP_GT = 4, OP_GTE = 5;

    public override string Name => "cmp";

    internal override void EncodeData(NetlinkMessageBuilder b)
    {
        b.AddU32BigEndian(SREG, Register).AddU32BigEndian(OP, Op);
        AddDataValue(b, DATA, Data);
    }

    internal static NftCmp DecodeData(ReadOnlySpan<byte> data)
    {
        uint op = 0, reg = 0;
        byte[] value = Array.Empty<byte>();
        foreach (var a in new NetlinkAttributeReader(data))
            switch (a.Type)
            {
                case SREG: reg = a.U32BigEndian; break;
                case OP: op = a.U32BigEndian; break;
                case DATA: value = DataValue(a.Value); break;
            }
        return new NftCmp(op, value, reg);
    }

    public bool Equals(NftCmp? other) => other is not null && Op == other.Op && Register == other.Register && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(Op, Register, Data.Length);
}

/// <summary>payload load LEN bytes @ BASE header + OFFSET => reg (NFTA_PAYLOAD_*).</summary>
public sealed record NftPayload(uint Base, uint Offset, uint Length, uint Register = Nft.REG_1) : NftExpression
{
    public const ushort DREG = 1, BASE = 2, OFFSET = 3, LEN = 4;
    public const uint BASE_LL = 0, BASE_NETWORK = 1, BASE_TRANSPORT = 2;

    public override string Name => "payload";

    internal override void EncodeData(NetlinkMessageBuilder b) =>
        b.AddU32BigEndian(DREG, Register).AddU32BigEndian(BASE, Base).AddU32BigEndian(OFFSET, Offset).AddU32BigEndian(LEN, Length);

    internal static NftPayload DecodeData(ReadOnlySpan<byte> data)
    {
        uint reg = 0, bas = 0, off = 0, len = 0;
        foreach (var a in new NetlinkAttributeReader(data))
            switch (a.Type)
            {
                case DREG: reg = a.U32BigEndian; break;
                case BASE: bas = a.U32BigEndian; break;
                case OFFSET: off = a.U32BigEndian; break;
                case LEN: len = a.U32BigEndian; break;
            }
        return new NftPayload(bas, off, len, reg);
    }
}

/// <summary>bitwise reg = (reg &amp; MASK) ^ XOR (NFTA_BITWISE_*), as nft writes a prefix that is not byte-aligned.</summary>
public sealed record NftBitwise(byte[] Mask, byte[] Xor, uint Register = Nft.REG_1) : NftExpression
{
    public const ushort SREG = 1, DREG = 2, LEN = 3, MASK = 4, XOR = 5;

    public override string Name => "bitwise";

    internal override void EncodeData(NetlinkMessageBuilder b)
    {
        b.AddU32BigEndian(SREG, Register).AddU32BigEndian(DREG, Register).AddU32BigEndian(LEN, (uint)Mask.Length);
        AddDataValue(b, MASK, Mask);
        AddDataValue(b, XOR, Xor);
    }

    internal static NftBitwise DecodeData(ReadOnlySpan<byte> data)
    {
        uint reg = 0;
        byte[] mask = Array.Empty<byte>(), xor = Array.Empty<byte>();
        foreach (var a in new NetlinkAttributeReader(data))
            switch (a.Type)
            {
                case SREG: reg = a.U32BigEndian; break;
                case MASK: mask = DataValue(a.Value); break;
                case XOR: xor = DataValue(a.Value); break;
            }
        return new NftBitwise(mask, xor, reg);
    }

    public bool Equals(NftBitwise? other) => other is not null && Register == other.Register && Mask.AsSpan().SequenceEqual(other.Mask) && Xor.AsSpan().SequenceEqual(other.Xor);

    public override int GetHashCode() => HashCode.Combine(Register, Mask.Length);
}

/// <summary>immediate reg DATA (NFTA_IMMEDIATE_*; data values only, no verdicts).</summary>
public sealed record NftImmediate(byte[] Data, uint Register = Nft.REG_1) : NftExpression
{
    public const ushort DREG = 1, DATA = 2;

    public override string Name => "immediate";

    internal override void EncodeData(NetlinkMessageBuilder b)
    {
        b.AddU32BigEndian(DREG, Register);
        AddDataValue(b, DATA, Data);
    }

    internal static NftImmediate DecodeData(ReadOnlySpan<byte> data)
    {
        uint reg = 0;
        byte[] value = Array.Empty<byte>();
        foreach (var a in new NetlinkAttributeReader(data))
            switch (a.Type)
            {
                case DREG: reg = a.U32BigEndian; break;
                case DATA: value = DataValue(a.Value); break;
            }
        return new NftImmediate(value, reg);
    }

    public bool Equals(NftImmediate? other) => other is not null && Register == other.Register && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(Register, Data.Length);
}

/// <summary>masquerade (NFTA_MASQ_*): the source becomes the address of the outgoing adapter.</summary>
public sealed record NftMasq(uint Flags = 0) : NftExpression
{
    public const ushort FLAGS = 1, REG_PROTO_MIN = 2, REG_PROTO_MAX = 3;

    public override string Name => "masq";

    internal override void EncodeData(NetlinkMessageBuilder b)
    {
        if (Flags != 0) b.AddU32BigEndian(FLAGS, Flags);
    }

    internal static NftMasq DecodeData(ReadOnlySpan<byte> data)
    {
        uint flags = 0;
        foreach (var a in new NetlinkAttributeReader(data))
            if (a.Type == FLAGS) flags = a.U32BigEndian;
        return new NftMasq(flags);
    }
}

/// <summary>nat snat|dnat FAMILY addr reg [port reg] (NFTA_NAT_*); a register 0 is left out.</summary>
public sealed record NftNat(uint Type, uint Family, uint RegAddrMin, uint RegAddrMax = 0, uint RegProtoMin = 0, uint RegProtoMax = 0, uint Flags = 0) : NftExpression
{
    public const ushort TYPE = 1, FAMILY = 2, REG_ADDR_MIN = 3, REG_ADDR_MAX = 4, REG_PROTO_MIN = 5, REG_PROTO_MAX = 6, FLAGS = 7;
    public const uint SNAT = 0, DNAT = 1;

    public override string Name => "nat";

    internal override void EncodeData(NetlinkMessageBuilder b)
    {
        b.AddU32BigEndian(TYPE, Type).AddU32BigEndian(FAMILY, Family);
        if (RegAddrMin != 0) b.AddU32BigEndian(REG_ADDR_MIN, RegAddrMin);
        if (RegAddrMax != 0) b.AddU32BigEndian(REG_ADDR_MAX, RegAddrMax);
        if (RegProtoMin != 0) b.AddU32BigEndian(REG_PROTO_MIN, RegProtoMin);
        if (RegProtoMax != 0) b.AddU32BigEndian(REG_PROTO_MAX, RegProtoMax);
        if (Flags != 0) b.AddU32BigEndian(FLAGS, Flags);
    }

    internal static NftNat DecodeData(ReadOnlySpan<byte> data)
    {
        uint type = 0, family = 0, amin = 0, amax = 0, pmin = 0, pmax = 0, flags = 0;
        foreach (var a in new NetlinkAttributeReader(data))
            switch (a.Type)
            {
                case TYPE: type = a.U32BigEndian; break;
                case FAMILY: family = a.U32BigEndian; break;
                case REG_ADDR_MIN: amin = a.U32BigEndian; break;
                case REG_ADDR_MAX: amax = a.U32BigEndian; break;
                case REG_PROTO_MIN: pmin = a.U32BigEndian; break;
                case REG_PROTO_MAX: pmax = a.U32BigEndian; break;
                case FLAGS: flags = a.U32BigEndian; break;
            }
        return new NftNat(type, family, amin, amax, pmin, pmax, flags);
    }
}

/// <summary>counter (NFTA_COUNTER_*): packets and bytes that went through the rule (sent as zero, read from dumps).</summary>
public sealed record NftCounter(ulong Bytes = 0, ulong Packets = 0) : NftExpression
{
    public const ushort BYTES = 1, PACKETS = 2;

    public override string Name => "counter";

    internal override void EncodeData(NetlinkMessageBuilder b) => b.AddU64BigEndian(BYTES, Bytes).AddU64BigEndian(PACKETS, Packets);

    internal static NftCounter DecodeData(ReadOnlySpan<byte> data)
    {
        ulong bytes = 0, packets = 0;
        foreach (var a in new NetlinkAttributeReader(data))
            switch (a.Type)
            {
                case BYTES when a.Value.Length == 8: bytes = a.U64BigEndian; break;
                case PACKETS when a.Value.Length == 8: packets = a.U64BigEndian; break;
            }
        return new NftCounter(bytes, packets);
    }

    /// <summary>Counters are state, not shape: any two counters are the same expression.</summary>
    public bool Equals(NftCounter? other) => other is not null;

    public override int GetHashCode() => 17;
}

/// <summary>fib daddr type => reg (NFTA_FIB_*): the route type of the destination (RTN_LOCAL = an address of this namespace).</summary>
public sealed record NftFib(uint Result, uint Flags, uint Register = Nft.REG_1) : NftExpression
{
    public const ushort DREG = 1, RESULT = 2, FLAGS = 3;
    public const uint RESULT_ADDRTYPE = 3;
    public const uint F_SADDR = 1, F_DADDR = 2;
    public const uint RTN_LOCAL = 2;

    public override string Name => "fib";

    internal override void EncodeData(NetlinkMessageBuilder b) =>
        b.AddU32BigEndian(DREG, Register).AddU32BigEndian(RESULT, Result).AddU32BigEndian(FLAGS, Flags);

    internal static NftFib DecodeData(ReadOnlySpan<byte> data)
    {
        uint reg = 0, result = 0, flags = 0;
        foreach (var a in new NetlinkAttributeReader(data))
            switch (a.Type)
            {
                case DREG: reg = a.U32BigEndian; break;
                case RESULT: result = a.U32BigEndian; break;
                case FLAGS: flags = a.U32BigEndian; break;
            }
        return new NftFib(result, flags, reg);
    }
}

/// <summary>An expression the module does not make (from a dump): name and raw NFTA_EXPR_DATA.</summary>
public sealed record NftUnknown(string ExpressionName, byte[] Data) : NftExpression
{
    public override string Name => ExpressionName;

    internal override void EncodeData(NetlinkMessageBuilder b)
    {
        foreach (var a in new NetlinkAttributeReader(Data)) b.AddAttribute(a.RawType, a.Value);
    }

    public bool Equals(NftUnknown? other) => other is not null && ExpressionName == other.ExpressionName && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => ExpressionName.GetHashCode();
}
