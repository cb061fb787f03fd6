# Simulated remote hosts for the -Session and multi-host lab tests (dot-source it after common.ps1; bench scripts may
# dot-source it alone: it defines its own tag when common.ps1 has not). Each host is real enough for PowerShell
# remoting over SSH and small enough to start in about a second:
#   - a network namespace of its own ("$Prefix<name>", so Remove-TestLeftovers and the leftovers tool see it), joined by
#     a veth (eth0 inside) to a bridge in an underlay namespace ("$Prefix" + 'ul'), with an IPv4 address from
#     192.0.2.0/24 and an IPv6 one from 2001:db8::/64 (documentation ranges; nothing routes outside the underlay);
#   - in it a private mount namespace and PID namespace (unshare -m -p --fork --mount-proc --propagation private) with
#     a tmpfs on /run (so its own /run/netns, lab state folder /run/netnsps and /run/sshd) and on a private module
#     folder that is first in the remote pwsh's PSModulePath; killing the namespace's init (the sshd) ends every
#     process of the host, and its mounts and the namespaces made there go with it;
#   - a real sshd (Debian openssh-server) run with its own config in a temp folder: ListenAddress on the underlay
#     addresses, its own host key, AuthorizedKeysFile with a key made for the test (ssh-keygen), PidFile, and
#     `Subsystem powershell <script> -sshs`, the script exec'ing `dotnet <pwsh.dll> -sshs -NoLogo -NoProfile` with
#     HOME and PSModulePath pointing into the host's folder (never root's ~/.ssh, never the machine's sshd).
# The controlling pwsh stays where it is; its ssh client runs in the underlay namespace (an `ssh` wrapper put first in
# PATH only while New-PSSession starts it), where the bridge carries 192.0.2.254 and 2001:db8::fe. So the machine's
# own namespace gets no adapter, address or route, and parallel test files never share an underlay.
#
#   $h1 = Start-SimulatedHost -Name h1 -Address 192.0.2.1         # or New-SimulatedHostPair -> h1, h2
#   $s = New-SimulatedSession $h1 [-IPv6]                           # a PSSession (root, the test's key)
#   Install-SimulatedHostModule $h1 [-Version 9.9.9]                # the built module (or a copy claiming a version)
#   Invoke-OnSimulatedHost $h1 ip -j netns list                     # an oracle run in the host's namespaces
#   Stop-SimulatedHost $h1 / Stop-SimulatedHosts                    # AfterAll: Stop-SimulatedHosts (also the underlay)

if (-not (Get-Variable -Name Prefix -Scope Script -ErrorAction SilentlyContinue)) {
    $script:Tag = [guid]::NewGuid().ToString('N').Substring(0, 6)
    $script:Prefix = "nnpt$script:Tag-"
}
$script:SimulatedHosts = [System.Collections.Generic.List[object]]::new()
$script:SimulatedUnderlay = $null

function Test-SimulatedHostSupport {
    # $null when simulated hosts can run here, else the reason (for Set-ItResult -Skipped -Because / -Skip).
    if ((id -u) -ne '0') { return 'simulated hosts need root' }
    foreach ($p in '/usr/sbin/sshd', (Get-Command ssh-keygen -CommandType Application -ErrorAction SilentlyContinue).Source,
        (Get-Command ssh -CommandType Application -ErrorAction SilentlyContinue).Source) {
        if (-not $p -or -not (Test-Path $p)) { return 'openssh-server/openssh-client are not installed (the test command installs them with apt-get when it can)' }
    }
    foreach ($p in 'unshare', 'nsenter', 'ip') {
        if (-not (Get-Command $p -CommandType Application -ErrorAction SilentlyContinue)) { return "$p is not installed" }
    }
    $null
}

function Invoke-SimIp([string] $Namespace, [Parameter(ValueFromRemainingArguments)] [string[]] $Arguments) {
    $nsArgs = if ($Namespace) { @('-n', $Namespace) } else { @() }
    $out = & ip @nsArgs @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ip $($nsArgs + $Arguments -join ' ') failed: $out" }
}

function New-SimulatedUnderlay {
    # The underlay namespace with its bridge, the client key and the ssh wrapper; made once per file run.
    if ($script:SimulatedUnderlay) { return $script:SimulatedUnderlay }
    $ns = "$($script:Prefix)ul"
    $dir = "/tmp/$($script:Prefix)ul"
    New-Item -ItemType Directory -Path $dir, "$dir/bin" -Force | Out-Null
    Invoke-SimIp '' netns add $ns
    Invoke-SimIp $ns link set lo up
    Invoke-SimIp $ns link add br0 type bridge
    Invoke-SimIp $ns link set br0 up
    Invoke-SimIp $ns addr add 192.0.2.254/24 dev br0
    Invoke-SimIp $ns addr add 2001:db8::fe/64 dev br0 nodad
    & ssh-keygen -q -t ed25519 -N '' -C "$($script:Prefix)client" -f "$dir/id_ed25519" | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'ssh-keygen failed for the client key' }
    $ssh = (Get-Command ssh -CommandType Application | Select-Object -First 1).Source
    # New-PSSession -SSHTransport starts the `ssh` it finds through PATH: this one runs in the underlay namespace.
    Set-Content -Path "$dir/bin/ssh" -Value "#!/bin/sh`nexec nsenter --net=/run/netns/$ns '$ssh' `"`$@`"`n"
    chmod 0755 "$dir/bin/ssh"
    $script:SimulatedUnderlay = [pscustomobject]@{ Namespace = $ns; Folder = $dir; KeyFilePath = "$dir/id_ed25519"; SshFolder = "$dir/bin" }
    $script:SimulatedUnderlay
}

function Start-SimulatedHost {
    <#
        Starts one simulated host: its network namespace on the underlay, its sshd, its folders. -Address: its IPv4
        underlay address (192.0.2.x); -Address6 defaults to 2001:db8::x. Returns the host object (Name, Address,
        Address6, Namespace, Pid = the sshd's pid as seen here, Folder, ModuleFolder = the private module folder as
        seen here through /proc/PID/root, RemoteModuleFolder = the same seen on the host).
    #>
    param([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [string] $Address, [string] $Address6,
        [double] $TimeoutSeconds = 30)
    $under = New-SimulatedUnderlay
    if (-not $Address6) { $Address6 = '2001:db8::' + ('{0:x}' -f [int]($Address -split '\.')[-1]) }
    $ns = "$($script:Prefix)$Name"
    $dir = "/tmp/$($script:Prefix)$Name"
    $port = "p$($script:SimulatedHosts.Count)$Name"   # the bridge port in the underlay
    if ($port.Length -gt 15) { $port = $port.Substring(0, 15) }
    # The private module folder is the remote user's module folder: the first, user-writable PSModulePath entry.
    $modules = "$dir/home/.local/share/powershell/Modules"
    New-Item -ItemType Directory -Path $dir, $modules -Force | Out-Null
    Invoke-SimIp '' netns add $ns
    $hostObject = [pscustomobject]@{
        Name = $Name; Address = $Address; Address6 = $Address6; Namespace = $ns; Folder = $dir; Pid = 0; Process = $null
        ModuleFolder = $null; RemoteModuleFolder = $modules; Port = $port
    }
    $script:SimulatedHosts.Add($hostObject)
    Invoke-SimIp $under.Namespace link add $port type veth peer name eth0 netns $ns
    Invoke-SimIp $under.Namespace link set $port master br0 up
    Invoke-SimIp $ns link set lo up
    Invoke-SimIp $ns link set eth0 up
    Invoke-SimIp $ns addr add "$Address/24" dev eth0
    Invoke-SimIp $ns addr add "$Address6/64" dev eth0 nodad

    & ssh-keygen -q -t ed25519 -N '' -C "$ns" -f "$dir/ssh_host_ed25519_key" | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "ssh-keygen failed for $Name's host key" }
    Copy-Item "$($under.KeyFilePath).pub" "$dir/authorized_keys"
    $dotnet = (Get-Process -Id $PID).Path
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    Set-Content -Path "$dir/pwsh-sshs.sh" -Value @"
#!/bin/sh
# The PowerShell remoting subsystem of simulated host ${Name}: its own HOME and module folder first in PSModulePath.
export HOME='$dir/home' XDG_DATA_HOME='$dir/home/.local/share' XDG_CONFIG_HOME='$dir/home/.config' XDG_CACHE_HOME='$dir/home/.cache'
export PSModulePath='$modules' DOTNET_CLI_TELEMETRY_OPTOUT=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
exec '$dotnet' '$pwshDll' -sshs -NoLogo -NoProfile
"@
    chmod 0755 "$dir/pwsh-sshs.sh"
    Set-Content -Path "$dir/sshd_config" -Value @"
# sshd of simulated host $Name (a test's own; never the machine's)
ListenAddress $Address
ListenAddress $Address6
Port 22
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
UseDNS no
PrintMotd no
MaxStartups 50
MaxSessions 50
Subsystem powershell $dir/pwsh-sshs.sh -sshs
"@
    # Inside: a private /run (own /run/netns, /run/netnsps, /run/sshd) and a private module folder, then sshd as the
    # PID namespace's init. `ip netns exec` would remount /sys; nsenter keeps it simple.
    $inner = "mount -t tmpfs nnpt-sim-run /run && mkdir -p /run/netns /run/netnsps /run/sshd && chmod 0755 /run/sshd && " +
        "mount -t tmpfs nnpt-sim-mod '$modules' && exec /usr/sbin/sshd -D -f '$dir/sshd_config' -E '$dir/sshd.log'"
    # unshare's own complaints (sigprocmask when its child is killed) go to the host's log, not the test's output.
    $psi = [System.Diagnostics.ProcessStartInfo]::new('sh')
    foreach ($a in '-c', "exec 2>>'$dir/host.log'; exec nsenter `"`$@`"", 'sh', "--net=/run/netns/$ns", '--', 'unshare', '--mount', '--pid', '--fork', '--mount-proc', '--propagation', 'private',
        '--', 'sh', '-c', $inner) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $p = [System.Diagnostics.Process]::Start($psi)
    $hostObject.Process = $p
    if (Get-Variable -Name StartedProcesses -Scope Script -ErrorAction SilentlyContinue) { $script:StartedProcesses.Add($p) }
    # The sshd is the unshare's child (init of the new PID namespace); ready once it logs that it listens on both.
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    while ($true) {
        if ($p.HasExited) { throw "simulated host $Name`: sshd exited ($($p.ExitCode)): $(Get-Content "$dir/sshd.log" -Raw -ErrorAction SilentlyContinue)" }
        $log = Get-Content "$dir/sshd.log" -Raw -ErrorAction SilentlyContinue
        if ($log -and ([regex]::Matches($log, 'Server listening on')).Count -ge 2) { break }
        if ($sw.Elapsed.TotalSeconds -gt $TimeoutSeconds) { throw "simulated host $Name`: sshd not listening after $TimeoutSeconds s: $log" }
        Start-Sleep -Milliseconds 20
    }
    $child = (Get-Content "/proc/$($p.Id)/task/$($p.Id)/children" -ErrorAction Stop).Trim()
    $hostObject.Pid = [int]($child -split ' ')[0]
    $hostObject.ModuleFolder = "/proc/$($hostObject.Pid)/root$modules"
    $hostObject
}

function New-SimulatedHostPair {
    # Two hosts, h1 (192.0.2.1, 2001:db8::1) and h2 (192.0.2.2, 2001:db8::2) by default, started together.
    param([string[]] $Name = @('h1', 'h2'))
    $i = 0
    foreach ($n in $Name) { $i++; Start-SimulatedHost -Name $n -Address "192.0.2.$i" }
}

function New-SimulatedSession {
    <#
        PSSessions to simulated hosts, as root with the test's key (ssh options only: no ~/.ssh, no known_hosts).
        -IPv6: over the host's IPv6 underlay address. -Name: the session names (default: the host names).
    #>
    param([Parameter(Mandatory, Position = 0)] [object[]] $SimulatedHost, [switch] $IPv6, [int] $ConnectingTimeout = 60000)
    $under = New-SimulatedUnderlay
    $saved = $env:PATH
    try {
        $env:PATH = "$($under.SshFolder):$saved"
        foreach ($h in $SimulatedHost) {
            $address = if ($IPv6) { "[$($h.Address6)]" } else { $h.Address }   # New-PSSession wants IPv6 in brackets
            New-PSSession -HostName $address -UserName root -KeyFilePath $under.KeyFilePath -Name $h.Name -ErrorAction Stop `
                -ConnectingTimeout $ConnectingTimeout -Options @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
        }
    }
    finally { $env:PATH = $saved }
}

function Install-SimulatedHostModule {
    <#
        Puts the built module (the folder of $env:NETNSPS_MODULE_PATH, or -ModulePath) into the host's private module
        folder directly (not over remoting). -Version: a copy whose manifest claims that version instead (for mismatch
        tests). -Remove: empties the folder (no NetnsPS on the host).
    #>
    param([Parameter(Mandatory, Position = 0)] [object] $SimulatedHost, [string] $ModulePath = $env:NETNSPS_MODULE_PATH,
        [string] $Version, [switch] $Remove)
    $target = Join-Path $SimulatedHost.ModuleFolder 'NetnsPS'
    if (Test-Path $target) { Remove-Item $target -Recurse -Force }
    if ($Remove) { return }
    $source = Split-Path -Parent $ModulePath
    $manifest = Import-PowerShellDataFile $ModulePath
    $v = if ($Version) { $Version } else { $manifest.ModuleVersion }
    $dest = Join-Path $target $v
    New-Item -ItemType Directory -Path $dest -Force | Out-Null
    Copy-Item -Path "$source/*" -Destination $dest -Recurse -Force
    if ($Version) {
        $psd1 = Join-Path $dest 'NetnsPS.psd1'
        (Get-Content $psd1 -Raw) -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$Version'" | Set-Content $psd1
    }
    $dest
}

function Invoke-OnSimulatedHost {
    # A native command run in the host's network and mount namespaces (an oracle: `ip -j netns list` lists ITS names):
    # Invoke-OnSimulatedHost $h ip -j netns list. No parameter binding: every argument after the host is the command's.
    $h = $args[0]
    $command = @($args | Select-Object -Skip 1 | ForEach-Object { "$_" })
    & nsenter -t $h.Pid -m -n -- @command
}

function Get-SimulatedHostNetns {
    # The named namespaces of the host (its own /run/netns), from ip -j netns list run there.
    param([Parameter(Mandatory, Position = 0)] [object] $SimulatedHost)
    $json = Invoke-OnSimulatedHost $SimulatedHost ip -j netns list
    if ($json) { @($json | ConvertFrom-Json | ForEach-Object name) } else { @() }
}

function Stop-SimulatedHost {
    # Ends every process of the host (SIGKILL to its PID namespace's init) and removes its namespace and folder.
    param([Parameter(Mandatory, Position = 0)] [object] $SimulatedHost)
    $h = $SimulatedHost
    if ($h.Pid -gt 0 -and (Test-Path "/proc/$($h.Pid)")) { kill -KILL $h.Pid 2>$null }
    if ($h.Process -and -not $h.Process.HasExited) {
        if (-not $h.Process.WaitForExit(10000)) { try { $h.Process.Kill($true) } catch { } }
    }
    if (Test-Path "/run/netns/$($h.Namespace)") {
        ip netns pids $h.Namespace 2>$null | ForEach-Object { kill -KILL $_ 2>$null }
        ip netns delete $h.Namespace 2>$null
    }
    if ($script:SimulatedUnderlay) { ip -n $script:SimulatedUnderlay.Namespace link delete $h.Port 2>$null }
    Remove-Item -LiteralPath $h.Folder -Recurse -Force -ErrorAction SilentlyContinue
    $null = $script:SimulatedHosts.Remove($h)
}

function Stop-SimulatedHosts {
    # AfterAll: closes this process's PSSessions to them, stops every host, removes the underlay and its folder.
    Get-PSSession | Where-Object { $_.ComputerName -like '192.0.2.*' -or $_.ComputerName -like '*2001:db8:*' } | Remove-PSSession -ErrorAction SilentlyContinue
    foreach ($h in @($script:SimulatedHosts)) { Stop-SimulatedHost $h }
    if ($script:SimulatedUnderlay) {
        ip netns delete $script:SimulatedUnderlay.Namespace 2>$null
        Remove-Item -LiteralPath $script:SimulatedUnderlay.Folder -Recurse -Force -ErrorAction SilentlyContinue
        $script:SimulatedUnderlay = $null
    }
}
