using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetnsPS.Core.Threading;

namespace NetnsPS.Core.Diagnostics;

/// <summary>ICMP echo (raw socket) and TCP connect, with sockets created inside a namespace.</summary>
public static class ConnectionTester
{
    private static int s_id = Environment.ProcessId & 0xffff;

    public static NetConnectionResult Tcp(NamespaceHandle ns, string nsName, IPAddress target, int port, int sequence, TimeSpan timeout)
    {
        using var socket = SharedNamespaceThread.InvokeIn(ns, () => new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        var sw = Stopwatch.StartNew();
        string status; string? message = null;
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            socket.ConnectAsync(new IPEndPoint(target, port), cts.Token).AsTask().GetAwaiter().GetResult();
            status = "Success";
        }
        catch (OperationCanceledException) { status = "TimedOut"; message = $"no answer within {timeout.TotalSeconds:0.###} s"; }
        catch (SocketException ex)
        {
            status = ex.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "Refused",
                SocketError.HostUnreachable or SocketError.NetworkUnreachable => "Unreachable",
                SocketError.TimedOut => "TimedOut",
                _ => "Failed",
            };
            message = ex.Message;
        }
        var rtt = sw.Elapsed.TotalMilliseconds;
        return new NetConnectionResult
        {
            Namespace = nsName, Target = target.ToString(), Protocol = "Tcp", Port = port, Sequence = sequence, Status = status,
            RoundTripMs = status == "Success" ? Math.Round(rtt, 3) : null,
            ReplyFrom = status == "Success" ? target.ToString() : null,
            Source = status == "Success" ? (socket.LocalEndPoint as IPEndPoint)?.Address.ToString() : null,
            Message = message,
        };
    }

    /// <summary>Sends <paramref name="count"/> echo requests from one raw socket made inside the namespace.</summary>
    public static IEnumerable<NetConnectionResult> Ping(NamespaceHandle ns, string nsName, IPAddress target, int count, TimeSpan timeout, TimeSpan delay, int payloadSize = 32)
    {
        bool v6 = target.AddressFamily == AddressFamily.InterNetworkV6;
        using var socket = SharedNamespaceThread.InvokeIn(ns, () => v6
            ? new Socket(AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.IcmpV6)
            : new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp));
        ushort id = (ushort)Interlocked.Increment(ref s_id);
        var buffer = new byte[65536];
        for (int seq = 1; seq <= count; seq++)
        {
            if (seq > 1 && delay > TimeSpan.Zero) Thread.Sleep(delay);
            var packet = new byte[8 + payloadSize];
            packet[0] = v6 ? (byte)128 : (byte)8;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), (ushort)seq);
            for (int i = 8; i < packet.Length; i++) packet[i] = (byte)i;
            if (!v6) BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), Checksum(packet));
            var sw = Stopwatch.StartNew();
            string status = "TimedOut"; string? from = null; string? message = null;
            try
            {
                socket.SendTo(packet, new IPEndPoint(target, 0));
                while (true)
                {
                    var left = timeout - sw.Elapsed;
                    if (left <= TimeSpan.Zero || !socket.Poll((int)Math.Max(1, left.TotalMicroseconds), SelectMode.SelectRead))
                    {
                        message = $"no reply within {timeout.TotalSeconds:0.###} s";
                        break;
                    }
                    EndPoint ep = new IPEndPoint(v6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
                    int n = socket.ReceiveFrom(buffer, ref ep);
                    var icmp = buffer.AsSpan(0, n);
                    if (!v6)
                    {
                        int ihl = (icmp[0] & 0x0f) * 4;
                        if (n < ihl + 8) continue;
                        icmp = icmp[ihl..];
                    }
                    var kind = Classify(icmp, v6, id, (ushort)seq);
                    if (kind is null) continue;
                    from = ((IPEndPoint)ep).Address.ToString();
                    if (kind == "Success" && !((IPEndPoint)ep).Address.Equals(target)) continue;
                    status = kind;
                    if (kind != "Success") message = $"ICMP {(v6 ? "v6 " : "")}type {icmp[0]} code {icmp[1]} from {from}";
                    break;
                }
            }
            catch (SocketException ex)
            {
                status = ex.SocketErrorCode is SocketError.HostUnreachable or SocketError.NetworkUnreachable ? "Unreachable" : "Failed";
                message = ex.Message;
            }
            yield return new NetConnectionResult
            {
                Namespace = nsName, Target = target.ToString(), Protocol = v6 ? "IcmpV6" : "Icmp", Sequence = seq, Status = status,
                RoundTripMs = status == "Success" ? Math.Round(sw.Elapsed.TotalMilliseconds, 3) : null,
                ReplyFrom = from, Message = message,
            };
        }
    }

    /// <summary>"Success" for our echo reply, "Unreachable" for an error about our request, null for anything else.</summary>
    internal static string? Classify(ReadOnlySpan<byte> icmp, bool v6, ushort id, ushort seq)
    {
        if (icmp.Length < 8) return null;
        byte type = icmp[0];
        bool Ours(ReadOnlySpan<byte> echo) => echo.Length >= 8 &&
            BinaryPrimitives.ReadUInt16BigEndian(echo[4..]) == id && BinaryPrimitives.ReadUInt16BigEndian(echo[6..]) == seq;
        if (type == (v6 ? 129 : 0)) return Ours(icmp) ? "Success" : null;
        bool error = v6 ? type is 1 or 3 : type is 3 or 11;
        if (!error) return null;
        // The error quotes our packet: IP header + the first 8 bytes of our echo request.
        var quoted = icmp[8..];
        if (v6) return quoted.Length >= 48 && Ours(quoted[40..]) ? "Unreachable" : null;
        if (quoted.Length < 20) return null;
        int ihl = (quoted[0] & 0x0f) * 4;
        return quoted.Length >= ihl + 8 && Ours(quoted[ihl..]) ? "Unreachable" : null;
    }

    internal static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        int i = 0;
        for (; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) sum += (uint)data[i] << 8;
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }
}
