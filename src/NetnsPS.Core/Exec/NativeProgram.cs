using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using NetnsPS.Core.Discovery;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Interop;

namespace NetnsPS.Core.Exec;

/// <summary>
/// A program started by <see cref="NetnsExec.Spawn"/>: enumerate <see cref="ReadLines"/> to its end, then
/// <see cref="WaitForExit"/>. The launcher thread posix_spawns it (so it inherits the namespace, the private mount
/// namespace and the launcher's credentials) with stdout and stderr on two pipes; stdin is inherited, every signal
/// has its default disposition and none is blocked. The caller never waits for the start itself: the pipes reach
/// end of file once the launcher has closed its ends (after the spawn, or after failing it) and the program and its
/// children have closed theirs; the exit status is then taken with waitpid on the caller's thread (one wake-up,
/// instead of two hand-offs between threads and .NET's SIGCHLD thread).
/// </summary>
public sealed class NativeProgram : IDisposable
{
    private readonly SpawnWork _work;
    private readonly SafeFileHandle _stdout;
    private readonly SafeFileHandle _stderr;
    private int _exitCode = int.MinValue;

    private NativeProgram(SpawnWork work, int stdoutFd, int stderrFd)
    {
        _work = work;
        _stdout = new SafeFileHandle(stdoutFd, ownsHandle: true);
        _stderr = new SafeFileHandle(stderrFd, ownsHandle: true);
    }

    /// <summary>One line the program wrote: to standard error when <see cref="IsError"/>, else to standard output.</summary>
    public readonly record struct Line(string Text, bool IsError);

    /// <summary>
    /// The lines of standard output and standard error (UTF-8; ended by \n, \r\n or \r, as StreamReader.ReadLine
    /// splits them) until both pipes are at end of file. Both are watched with one poll and each is read as soon as
    /// it has data, so lines come in the order the program wrote them whenever it flushed in between (what a pipe
    /// can tell; two writes that are both pending when poll returns are taken standard output first).
    /// </summary>
    public IEnumerable<Line> ReadLines()
    {
        var streams = new[] { new LineSplitter(_stdout, false), new LineSplitter(_stderr, true) };
        var ready = new List<Line>();
        while (!streams[0].Ended || !streams[1].Ended)
        {
            Poll(streams);
            foreach (var s in streams)
                if (s.Readable) s.Read(ready);
            foreach (var l in ready) yield return l;
            ready.Clear();
        }
    }

    private static unsafe void Poll(LineSplitter[] streams)
    {
        var pfds = stackalloc Libc.PollFd[2];
        int n = 0;
        foreach (var s in streams)
        {
            s.Readable = false;
            if (!s.Ended) pfds[n++] = new Libc.PollFd { Fd = (int)s.Handle.DangerousGetHandle(), Events = Libc.POLLIN };
        }
        while (Libc.Poll(pfds, (ulong)n, -1) < 0)
        {
            var e = Sys.LastErrno();
            if (e != Errno.EINTR) throw Sys.Error(ErrorIds.ProcessOutputFailed, e, "poll on the program's output");
        }
        int i = 0;
        foreach (var s in streams)
            if (!s.Ended) s.Readable = pfds[i++].Revents != 0; // POLLIN, or POLLHUP/POLLERR: the read sees end of file
    }

    /// <summary>Reads one pipe (what is there, without blocking after poll) and cuts it into lines.</summary>
    private sealed class LineSplitter
    {
        private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
        private readonly StringBuilder _line = new();
        private readonly byte[] _bytes = new byte[8192];
        private readonly char[] _chars = new char[8192 + 4];
        private readonly bool _isError;
        private bool _afterCr;

        public LineSplitter(SafeFileHandle handle, bool isError) { Handle = handle; _isError = isError; }

        public SafeFileHandle Handle { get; }
        public bool Ended { get; private set; }
        public bool Readable { get; set; }

        public unsafe void Read(List<Line> into)
        {
            nint n;
            fixed (byte* b = _bytes)
                while ((n = Libc.Read((int)Handle.DangerousGetHandle(), b, _bytes.Length)) < 0)
                {
                    var e = Sys.LastErrno();
                    if (e != Errno.EINTR) throw Sys.Error(ErrorIds.ProcessOutputFailed, e, "read of the program's output");
                }
            bool end = n == 0;
            int count = _decoder.GetChars(_bytes, 0, (int)n, _chars, 0, flush: end);
            for (int i = 0; i < count; i++)
            {
                char c = _chars[i];
                if (c == '\n' && _afterCr) { _afterCr = false; continue; }
                _afterCr = c == '\r';
                if (c is '\n' or '\r') { into.Add(new Line(_line.ToString(), _isError)); _line.Clear(); }
                else _line.Append(c);
            }
            if (!end) return;
            if (_line.Length > 0) { into.Add(new Line(_line.ToString(), _isError)); _line.Clear(); }
            Ended = true;
        }
    }

    /// <summary>The file that runs (resolved through PATH).</summary>
    public string Path => _work.ResolvedPath;

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
            throw Sys.Error(ErrorIds.ProcessWaitFailed, e, $"Cannot collect the exit status of '{_work.File}' (process {_work.Pid})", _work.File);
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
        _stdout.Dispose();
        _stderr.Dispose();
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
            throw new NetnsException(ErrorIds.ProgramNotFound, Errno.ENOENT, "No program was given.", file);
        if (file.Contains('/'))
            return System.IO.Path.IsPathRooted(file) ? file : System.IO.Path.GetFullPath(file, workingDirectory ?? Environment.CurrentDirectory);
        var search = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(search)) search = "/usr/local/bin:/usr/bin:/bin";
        foreach (var dir in search.Split(':'))
        {
            var candidate = System.IO.Path.Combine(dir.Length == 0 ? workingDirectory ?? Environment.CurrentDirectory : dir, file);
            if (Libc.Access(candidate, Libc.X_OK) == 0 && !Directory.Exists(candidate)) return candidate;
        }
        throw new NetnsException(ErrorIds.ProgramNotFound, Errno.ENOENT,
            $"Cannot run '{file}' in network namespace '{ns}': no executable '{file}' in PATH ({search}).", file);
    }

    internal static unsafe NativeProgram Create(string file, string path, IReadOnlyList<string> arguments, string? workingDirectory, string ns)
    {
        int* fds = stackalloc int[4];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0)
            throw Sys.Error(ErrorIds.ProcessStartFailed, $"Cannot run '{file}' in network namespace '{ns}': pipe2", file);
        if (Libc.Pipe2(fds + 2, Libc.O_CLOEXEC) != 0)
        {
            var ex = Sys.Error(ErrorIds.ProcessStartFailed, $"Cannot run '{file}' in network namespace '{ns}': pipe2", file);
            Libc.Close(fds[0]);
            Libc.Close(fds[1]);
            throw ex;
        }
        var work = new SpawnWork(file, path, arguments, workingDirectory, ns, fds[1], fds[3]);
        return new NativeProgram(work, fds[0], fds[2]);
    }

    /// <summary>The launcher's part: posix_spawn, then close the pipes' write ends (which ends the caller's reads on failure).</summary>
    internal sealed class SpawnWork : NetnsExec.Work
    {
        private readonly string _path;
        private readonly IReadOnlyList<string> _arguments;
        private readonly string? _cwd;
        private readonly string _ns;
        private int _stdoutFd;
        private int _stderrFd;

        public SpawnWork(string file, string path, IReadOnlyList<string> arguments, string? cwd, string ns, int stdoutFd, int stderrFd)
        {
            File = file;
            _path = path;
            _arguments = arguments;
            _cwd = cwd;
            _ns = ns;
            _stdoutFd = stdoutFd;
            _stderrFd = stderrFd;
        }

        public string File { get; }
        public string ResolvedPath => _path;
        public volatile int Pid;
        public volatile bool Cancelled;
        public Exception? Error;
        public readonly ManualResetEventSlim Started = new();

        public override unsafe void Execute()
        {
            if (Cancelled) { Fail(new NetnsException(ErrorIds.OperationStopped, Errno.EINTR, $"'{File}' was not started: stopped.", File)); return; }
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
                Libc.SpawnFileActionsAddDup2(fa, _stdoutFd, 1);
                Libc.SpawnFileActionsAddDup2(fa, _stderrFd, 2);
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
                if (rc != 0) Error = StartError((Errno)rc);
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

        /// <summary>
        /// Why posix_spawn failed, in words that fit: a missing file, a file that is not executable (EACCES for root
        /// means exactly that: no execute bit, a directory, or a noexec mount), or the errno as it is.
        /// </summary>
        private NetnsException StartError(Errno e)
        {
            var what = $"Cannot run '{File}' in network namespace '{_ns}'";
            if (e == Errno.ENOENT)
                return new NetnsException(ErrorIds.ProgramNotFound, e, $"{what}: {Sys.StrError(e)} ({_path}).", File);
            if (e == Errno.EACCES && NotExecutableReason(_path) is string reason)
                return new NetnsException(ErrorIds.ProgramNotExecutable, e, $"{what}: '{_path}' {reason}.", File)
                {
                    Recommendation = $"Give it execute permission (chmod +x '{_path}'), or run it through its interpreter (-FilePath sh -ArgumentList '{_path}').",
                };
            if (e is Errno.ENOEXEC)
                return new NetnsException(ErrorIds.ProgramNotExecutable, e, $"{what}: '{_path}' is not a program the kernel can run ({Sys.Describe(e)}): a script needs a #! line.", File)
                {
                    Recommendation = $"Add a #! line to '{_path}', or run it through its interpreter (-FilePath sh -ArgumentList '{_path}').",
                };
            return Sys.Error(ErrorIds.ProcessStartFailed, e, $"{what} ({_path})", File);
        }

        /// <summary>Why execve gives EACCES for <paramref name="path"/> although we may run anything, or null when it is not the file itself.</summary>
        internal static string? NotExecutableReason(string path)
        {
            try
            {
                if (Directory.Exists(path)) return "is a directory, not a program";
                if (!System.IO.File.Exists(path)) return null;
                var mode = System.IO.File.GetUnixFileMode(path);
                const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
                if ((mode & anyExecute) == 0)
                    return $"is not executable: it has no execute permission (mode {Convert.ToString((int)mode & 0xfff, 8).PadLeft(4, '0')})";
                if (Environment.IsPrivilegedProcess)
                    return "cannot be executed although it has execute permission: the file system it is on is probably mounted noexec";
                return null;
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        public override void Fail(Exception ex)
        {
            Error ??= ex;
            CloseWriteEnd();
            Started.Set();
        }

        private void CloseWriteEnd()
        {
            int fd = Interlocked.Exchange(ref _stdoutFd, -1);
            if (fd >= 0) Libc.Close(fd);
            fd = Interlocked.Exchange(ref _stderrFd, -1);
            if (fd >= 0) Libc.Close(fd);
        }
    }
}
