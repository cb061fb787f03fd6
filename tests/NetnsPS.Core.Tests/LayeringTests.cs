using System.Reflection;
using System.Reflection.Emit;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Netlink;
using NetnsPS.Core.Threading;
using Xunit;

namespace NetnsPS.Core.Tests;

/// <summary>
/// NetnsPS.Core is layered (docs/ARCHITECTURE.md): a folder may use the folders below it, never one beside or above
/// it. Checked on the compiled assembly, not the source text: every type's base type, interfaces, fields,
/// properties, events and method signatures, and every type, method, field or token that a method body's IL names
/// (lambdas and iterators included: the compiler puts them in nested types, which are scanned too).
/// Limits: attributes, local variable types that no instruction names, and references made only through
/// reflection or dynamic are not seen; typeof/nameof in attributes is not seen.
/// </summary>
public class LayeringTests
{
    /// <summary>C# namespace (= folder) → layer. Higher may use lower; one layer's folders do not use each other.</summary>
    private static readonly Dictionary<string, int> Layers = new()
    {
        ["NetnsPS.Core.Errors"] = 0,
        ["NetnsPS.Core.Interop"] = 1,
        ["NetnsPS.Core.Threading"] = 2,
        ["NetnsPS.Core.Netlink"] = 3,
        ["NetnsPS.Core.Netlink.Rtnl"] = 4,
        ["NetnsPS.Core.Netlink.Nft"] = 4,
        ["NetnsPS.Core.Discovery"] = 5,
        ["NetnsPS"] = 6, // Model/: the records the cmdlets write
        ["NetnsPS.Core.Namespaces"] = 7,
        ["NetnsPS.Core.Adapters"] = 8,
        ["NetnsPS.Core.Addressing"] = 8,
        ["NetnsPS.Core.Routing"] = 8,
        ["NetnsPS.Core.NeighborTable"] = 8,
        ["NetnsPS.Core.Sysctl"] = 8,
        ["NetnsPS.Core.Exec"] = 8,
        ["NetnsPS.Core.Watch"] = 8,
        ["NetnsPS.Core.Diagnostics"] = 8,
        ["NetnsPS.Core.Capture"] = 8,
        ["NetnsPS.Core.Nat"] = 9,
        ["NetnsPS.Core.Labs"] = 10,
    };

    private static readonly Assembly Core = typeof(NetnsException).Assembly;

    [Fact]
    public void EveryNamespaceHasALayer()
    {
        var missing = Core.GetTypes().Select(t => t.Namespace).Where(n => n is not null && !Layers.ContainsKey(n!))
            .Distinct().ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void NoTypeUsesAFolderBesideOrAboveIt()
    {
        var bad = new SortedSet<string>();
        foreach (var (from, to) in Edges())
        {
            if (from.Namespace == to.Namespace) continue;
            int a = Layers[from.Namespace!], b = Layers[to.Namespace!];
            if (b >= a) bad.Add($"{from.FullName} ({from.Namespace}, layer {a}) uses {to.FullName} (layer {b})");
        }
        Assert.True(bad.Count == 0, string.Join(Environment.NewLine, bad));
    }

    [Fact]
    public void TheScanSeesMethodBodiesAndSignatures()
    {
        var edges = Edges().Select(e => (e.From.FullName, e.To.FullName)).ToHashSet();
        // A call made only inside a lambda in a method body: NetlinkSocket.Open runs OpenHere on the shared thread.
        Assert.Contains((typeof(NetlinkSocket).FullName, typeof(SharedNamespaceThread).FullName), edges);
        // A parameter type.
        Assert.Contains((typeof(NetnsPS.Core.Netlink.Rtnl.NsIds).FullName, typeof(NamespaceHandle).FullName), edges);
        // A base type.
        Assert.Contains((typeof(NetlinkException).FullName, typeof(NetnsException).FullName), edges);
    }

    /// <summary>(declaring top-level-or-nested type, Core type it names), for every Core type with a namespace.</summary>
    private static IEnumerable<(Type From, Type To)> Edges()
    {
        var flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var t in Core.GetTypes().Where(t => t.Namespace is not null))
        {
            var used = new HashSet<Type>();
            Add(used, t.BaseType);
            foreach (var i in t.GetInterfaces()) Add(used, i);
            foreach (var f in t.GetFields(flags)) Add(used, f.FieldType);
            foreach (var p in t.GetProperties(flags)) Add(used, p.PropertyType);
            foreach (var e in t.GetEvents(flags)) Add(used, e.EventHandlerType);
            foreach (var m in t.GetMethods(flags).Cast<MethodBase>().Concat(t.GetConstructors(flags)))
            {
                if (m is MethodInfo mi) Add(used, mi.ReturnType);
                foreach (var p in m.GetParameters()) Add(used, p.ParameterType);
                foreach (var r in BodyReferences(m)) Add(used, r);
            }
            foreach (var u in used.Where(u => u.Assembly == Core && u.Namespace is not null)) yield return (t, u);
        }
    }

    private static void Add(HashSet<Type> set, Type? t)
    {
        if (t is null) return;
        if (t.HasElementType) { Add(set, t.GetElementType()); return; }
        if (t.IsGenericParameter) return;
        if (t.IsGenericType && !t.IsGenericTypeDefinition)
        {
            foreach (var a in t.GetGenericArguments()) Add(set, a);
            t = t.GetGenericTypeDefinition();
        }
        if (set.Add(t) && t.DeclaringType is { } outer) Add(set, outer);
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Types named by the tokens of a method body: declaring types of called methods and fields, types, generic arguments.</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase m)
    {
        byte[]? il;
        try { il = m.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception) { il = null; }
        if (il is null) yield break;
        var typeArgs = m.DeclaringType!.IsGenericType ? m.DeclaringType.GetGenericArguments() : null;
        var methodArgs = m.IsGenericMethod ? m.GetGenericArguments() : null;
        int i = 0;
        while (i < il.Length)
        {
            short v = il[i++];
            if (v == 0xFE) v = (short)(0xFE00 | il[i++]);
            var op = OpCodesByValue[v];
            switch (op.OperandType)
            {
                case OperandType.InlineMethod:
                case OperandType.InlineField:
                case OperandType.InlineType:
                case OperandType.InlineTok:
                    int token = BitConverter.ToInt32(il, i);
                    i += 4;
                    MemberInfo? member = null;
                    try { member = m.Module.ResolveMember(token, typeArgs, methodArgs); }
                    catch (ArgumentException) { }
                    switch (member)
                    {
                        case Type t: yield return t; break;
                        case MethodInfo mi:
                            if (mi.DeclaringType is { } d) yield return d;
                            if (mi.IsGenericMethod) foreach (var a in mi.GetGenericArguments()) yield return a;
                            yield return mi.ReturnType;
                            break;
                        case MemberInfo other when other.DeclaringType is { } d2: yield return d2; break;
                    }
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineNone:
                    break;
                default: // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                    i += 4;
                    break;
            }
        }
    }
}
