using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using NetnsPS.Core.Interop;

namespace NetnsPS.Core.Namespaces;

/// <summary>
/// A program started by <see cref="NetnsExec.Spawn"/>: read <see cref="StandardOutput"/> to its end, then
/// <see cref="WaitForExit"/>. The launcher thread posix_spawns it (so it inherits the namespace, the private mount
/// namespace and the launcher's credentials) with stdout on a pipe; stdin and stderr are inherited, every signal
/// has its default disposition and none is blocked. The caller never waits for the start itself: the pipe reaches
/// end of file once the launcher has closed its end (after the spawn, or after failing it) and the program and its
/// children have closed theirs; the exit status is then taken with waitpid on the caller's thread (one wake-up,
/// instead of two hand-offs between threads and .NET's SIGCHLD thread).
/// </summary>
public sealed class NativeProgram : IDisposable
{
    private readonly SpawnWork _work;
    private readonly FileStream _output;
    private int _exitCode = int.MinValue;

    private NativeProgram(SpawnWork work, int readFd)
    {
        _work = work;
        _output = new FileStream(new SafeFileHandle(readFd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
    }

    /// <summary>The program's standard output (a pipe).</summary>
    public Stream StandardOutput => _output;

    /// <summary>The process id once started (0 before, or when the start failed).</summary>
    public int ProcessId => _work.Pid;

    internal NetnsExec.Work Work => _work;

    /// <summary>
    /// Waits for the start (throws its error: ProgramNotFound, ProcessStartFailed) and the exit; returns the exit
    /// code, or 128 + the signal number for a program killed by a signal (as shells and .NET report it).
    /// </summary>
    public unsafe int WaitForExit()
    {
        if (_exitCode != int.MinValue) return _exitCode;
        _work.Started.Wait();
        if (_work.Error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_work.Error);
        int status;
        while (Libc.WaitPid(_work.Pid, &status, 0) < 0)
        {
            var e = Sys.LastErrno();
            if (e == Errno.EINTR) continue;
            // ECHILD: someone else collected it (.NET reaps every child when pwsh started with SIGCHLD ignored).
            throw Sys.Error("ProcessWaitFailed", e, $"Cannot collect the exit status of '{_work.File}' (process {_work.Pid})", _work.File);
        }
        int sig = status & 0x7f;
        _exitCode = sig == 0 ? (status >> 8) & 0xff : 128 + sig;
        return _exitCode;
    }

    /// <summary>Kills the program and every process below it (SIGKILL); before the start, the start is cancelled.</summary>
    public void Kill()
    {
        _work.Cancelled = true;
        int pid = _work.Pid;
        if (pid > 0 && _exitCode == int.MinValue) KillTree(pid);
    }

    internal static void KillTree(int pid)
    {
        // Children first seen from /proc/PID/stat's ppid; a process that forks meanwhile is caught by its parent's death
        // only if it shares the pipe, which is the common case for a killed pipeline.
        var children = new Dictionary<int, List<int>>();
        foreach (var p in ProcScanner.EnumeratePids())
        {
            string stat;
            try { stat = File.ReadAllText($"/proc/{p}/stat"); } catch (IOException) { continue; } catch (UnauthorizedAccessException) { continue; }
            int close = stat.LastIndexOf(')');
            if (close < 0) continue;
            var f = stat.AsSpan(close + 2).ToString().Split(' ');
            if (f.Length > 1 && int.TryParse(f[1], out int ppid))
            {
                if (!children.TryGetValue(ppid, out var list)) children[ppid] = list = new List<int>();
                list.Add(p);
            }
        }
        var order = new List<int> { pid };
        for (int i = 0; i < order.Count; i++)
            if (children.TryGetValue(order[i], out var kids)) order.AddRange(kids);
        foreach (var p in order) ProcessKiller.Kill(p, 9);
    }

    /// <summary>Closes the pipe; a program that was started but not waited for is killed (with its children) and reaped.</summary>
    public unsafe void Dispose()
    {
        _output.Dispose();
        if (_exitCode != int.MinValue) return;
        _work.Started.Wait();
        int pid = _work.Pid;
        if (pid <= 0) return;
        KillTree(pid);
        int status;
        while (Libc.WaitPid(pid, &status, 0) < 0 && Sys.LastErrno() == Errno.EINTR) { }
        _exitCode = 128 + 9;
    }

    /// <summary>
    /// The file to run: a name with '/' relative to <paramref name="workingDirectory"/>, a bare name searched in PATH
    /// (the session's, which PowerShell keeps in .NET's environment), as a shell does. ProgramNotFound otherwise.
    /// </summary>
    internal static string Resolve(string file, string? workingDirectory, string ns)
    {
        if (string.IsNullOrEmpty(file))
            throw new NetnsException("ProgramNotFound", Errno.ENOENT, "No program was given.", file);
        if (file.Contains('/'))
            return Path.IsPathRooted(file) ? file : Path.GetFullPath(file, workingDirectory ?? Environment.CurrentDirectory);
        var search = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(search)) search = "/usr/local/bin:/usr/bin:/bin";
        foreach (var dir in search.Split(':'))
        {
            var candidate = Path.Combine(dir.Length == 0 ? workingDirectory ?? Environment.CurrentDirectory : dir, file);
            if (Libc.Access(candidate, Libc.X_OK) == 0 && !Directory.Exists(candidate)) return candidate;
        }
        throw new NetnsException("ProgramNotFound", Errno.ENOENT,
            $"Cannot run '{file}' in network namespace '{ns}': no executable '{file}' in PATH ({search}).", file);
    }

    internal static unsafe NativeProgram Create(string file, string path, IReadOnlyList<string> arguments, string? workingDirectory, string ns)
    {
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0)
            throw Sys.Error("ProcessStartFailed", $"Cannot run '{file}' in network namespace '{ns}': pipe2", file);
        var work = new SpawnWork(file, path, arguments, workingDirectory, ns, fds[1]);
        return new NativeProgram(work, fds[0]);
    }

    /// <summary>The launcher's part: posix_spawn, then close the pipe's write end (which ends the caller's read on failure).</summary>
    internal sealed class SpawnWork : NetnsExec.Work
    {
        private readonly string _path;
        private readonly IReadOnlyList<string> _arguments;
        private readonly string? _cwd;
        private readonly string _ns;
        private int _writeFd;

        public SpawnWork(string file, string path, IReadOnlyList<string> arguments, string? cwd, string ns, int writeFd)
        {
            File = file;
            _path = path;
            _arguments = arguments;
            _cwd = cwd;
            _ns = ns;
            _writeFd = writeFd;
        }

        public string File { get; }
        public volatile int Pid;
        public volatile bool Cancelled;
        public Exception? Error;
        public readonly ManualResetEventSlim Started = new();

        public override unsafe void Execute()
        {
            if (Cancelled) { Fail(new NetnsException("OperationStopped", Errno.EINTR, $"'{File}' was not started: stopped.", File)); return; }
            var strings = new List<nint>();
            byte* fa = stackalloc byte[Libc.SpawnStructSize];
            byte* attr = stackalloc byte[Libc.SpawnStructSize];
            byte* sigs = stackalloc byte[Libc.SpawnStructSize];
            Libc.SpawnFileActionsInit(fa);
            Libc.SpawnAttrInit(attr);
            try
            {
                nint Utf8(string s) { var p = Marshal.StringToCoTaskMemUTF8(s); strings.Add(p); return p; }
                var argv = new nint[_arguments.Count + 2];
                argv[0] = Utf8(File);
                for (int i = 0; i < _arguments.Count; i++) argv[i + 1] = Utf8(_arguments[i]);
                var env = Environment.GetEnvironmentVariables();
                var envp = new nint[env.Count + 1];
                int n = 0;
                foreach (System.Collections.DictionaryEntry e in env) envp[n++] = Utf8($"{e.Key}={e.Value}");
                Libc.SpawnFileActionsAddDup2(fa, _writeFd, 1);
                if (!string.IsNullOrEmpty(_cwd)) Libc.SpawnFileActionsAddChdir(fa, (byte*)Utf8(_cwd));
                Libc.SigEmptySet(sigs);
                Libc.SpawnAttrSetSigMask(attr, sigs);
                Libc.SigFillSet(sigs);
                Libc.SpawnAttrSetSigDefault(attr, sigs);
                Libc.SpawnAttrSetFlags(attr, (short)(Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF));
                int pid;
                int rc;
                fixed (nint* av = argv)
                fixed (nint* ev = envp)
                    rc = Libc.PosixSpawn(&pid, (byte*)Utf8(_path), fa, attr, (byte**)av, (byte**)ev);
                if (rc != 0)
                {
                    var e = (Errno)rc;
                    Error = e == Errno.ENOENT
                        ? new NetnsException("ProgramNotFound", e, $"Cannot run '{File}' in network namespace '{_ns}': {Sys.StrError(e)} ({_path}).", File)
                        : new NetnsException("ProcessStartFailed", e, $"Cannot run '{File}' in network namespace '{_ns}': {Sys.StrError(e)} ({_path}).", File);
                }
                else
                {
                    Pid = pid;
                    if (Cancelled) KillTree(pid);
                }
            }
            finally
            {
                Libc.SpawnAttrDestroy(attr);
                Libc.SpawnFileActionsDestroy(fa);
                foreach (var p in strings) Marshal.FreeCoTaskMem(p);
                CloseWriteEnd();
                Started.Set();
            }
        }

        public override void Fail(Exception ex)
        {
            Error ??= ex;
            CloseWriteEnd();
            Started.Set();
        }

        private void CloseWriteEnd()
        {
            int fd = Interlocked.Exchange(ref _writeFd, -1);
            if (fd >= 0) Libc.Close(fd);
        }
    }
}
