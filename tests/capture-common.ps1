# Helpers for the capture tests: an independent pcap reader (python3's struct module, not the module's code), the
# packet sockets of a namespace as the kernel lists them (/proc/net/packet), and a capture in a second runspace.

$script:PcapReader = @'
import json, struct, sys, socket
data = open(sys.argv[1], 'rb').read()
magic = struct.unpack('<I', data[:4])[0]
if magic in (0xa1b2c3d4, 0xa1b23c4d): e = '<'
else:
    e = '>'
    magic = struct.unpack('>I', data[:4])[0]
    assert magic in (0xa1b2c3d4, 0xa1b23c4d), hex(magic)
nano = magic == 0xa1b23c4d
vmaj, vmin, zone, sig, snap, link = struct.unpack(e + 'HHiIII', data[4:24])
out = {'nano': nano, 'version': '%d.%d' % (vmaj, vmin), 'snaplen': snap, 'linktype': link, 'packets': []}
pos = 24
while pos < len(data):
    sec, frac, incl, orig = struct.unpack(e + 'IIII', data[pos:pos + 16])
    frame = data[pos + 16:pos + 16 + incl]
    assert len(frame) == incl, 'truncated record'
    pos += 16 + incl
    p = {'ns': sec * 10**9 + (frac if nano else frac * 1000), 'incl': incl, 'orig': orig, 'hex': frame.hex()}
    etype = struct.unpack('!H', frame[12:14])[0]
    p['ethertype'] = etype
    if etype == 0x0800:
        ihl = (frame[14] & 15) * 4
        proto = frame[23]
        p['src'] = socket.inet_ntoa(frame[26:30]); p['dst'] = socket.inet_ntoa(frame[30:34])
        l4 = frame[14 + ihl:]
        p['proto'] = {1: 'ICMP', 6: 'TCP', 17: 'UDP'}.get(proto, str(proto))
        if proto == 1: p['icmptype'] = l4[0]
        if proto in (6, 17): p['sport'], p['dport'] = struct.unpack('!HH', l4[:4])
        if proto == 6: p['flags'] = l4[13]
    elif etype == 0x0806: p['proto'] = 'ARP'
    elif etype == 0x86dd: p['proto'] = {58: 'ICMPv6', 6: 'TCP', 17: 'UDP'}.get(frame[20], str(frame[20]))
    out['packets'].append(p)
print(json.dumps(out))
'@

function Read-PcapIndependently([string] $Path) {
    $json = python3 -c $script:PcapReader $Path
    if ($LASTEXITCODE -ne 0) { throw "python3 could not read $Path" }
    $json | ConvertFrom-Json
}

# Inodes of the AF_PACKET sockets open in a namespace (the kernel's list, read by cat inside the namespace).
function Get-PacketSocketInodes([string] $Namespace) {
    @(ip netns exec $Namespace cat /proc/net/packet | Select-Object -Skip 1 | ForEach-Object { ($_ -split '\s+')[-1] } | Where-Object { $_ })
}

# Descriptors of this process that point at socket inode $Inode.
function Get-OwnSocketFds([string] $Inode) {
    @(Get-ChildItem /proc/self/fd -ErrorAction SilentlyContinue | Where-Object { $_.LinkTarget -eq "socket:[$Inode]" })
}

# Runs $Script in a new runspace of this process with the module loaded (so Stop() is Ctrl+C, and the sockets are ours).
function Start-CaptureRunspace([string] $Script, [hashtable] $Arguments = @{}) {
    $iss = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
    $iss.ImportPSModule((Get-Module NetnsPS).Path)
    $rs = [runspacefactory]::CreateRunspace($iss)
    $rs.Open()
    $ps = [powershell]::Create()
    $ps.Runspace = $rs
    $null = $ps.AddScript($Script)
    foreach ($k in $Arguments.Keys) { $null = $ps.AddParameter($k, $Arguments[$k]) }
    [pscustomobject]@{ PowerShell = $ps; Runspace = $rs; Handle = $ps.BeginInvoke() }
}

function Stop-CaptureRunspace($Job) {
    if ($Job.PowerShell.InvocationStateInfo.State -eq 'Running') { $Job.PowerShell.Stop() }
    $Job.PowerShell.Dispose()
    $Job.Runspace.Dispose()
}
