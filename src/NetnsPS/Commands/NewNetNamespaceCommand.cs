using System.Diagnostics;
using System.Management.Automation;
using NetnsPS.Core.Errors;
using NetnsPS.Core.Namespaces;

namespace NetnsPS.Commands;

/// <summary>New-NetNamespace: ip netns add NAME... / ip netns attach NAME PID.</summary>
[Cmdlet(VerbsCommon.New, "NetNamespace", SupportsShouldProcess = true, DefaultParameterSetName = CreateSet)]
[OutputType(typeof(NetNamespace))]
public sealed class NewNetNamespaceCommand : NetnsCmdlet, IDisposable
{
    private const string CreateSet = "Create";
    private const string AttachSet = "Attach";
    private const int ProgressThreshold = 20;

    private NamespaceCreator? _creator;
    private readonly Stopwatch _progressClock = Stopwatch.StartNew();
    private bool _progressShown;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = CreateSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = AttachSet)]
    [ValidateNotNull]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = AttachSet)]
    [Alias("Id")]
    [ValidateRange(1, int.MaxValue)]
    public int ProcessId { get; set; }

    [Parameter(ParameterSetName = CreateSet)]
    [ValidateRange(1, 64)]
    public override int ThrottleLimit { get; set; } = NamespaceCreator.DefaultThreads;

    protected override void BeginProcessingLocal() => RequireSysAdmin("Creating a network namespace");

    protected override void ProcessRecordLocal()
    {
        switch (ParameterSetName)
        {
            case AttachSet:
                foreach (var name in Name)
                {
                    if (!ShouldProcess(name, $"Name the network namespace of process {ProcessId}")) continue;
                    try
                    {
                        var entry = NamespaceStore.Attach(name, ProcessId);
                        WriteObject(NamespaceQuery.Describe(new[] { entry }));
                    }
                    catch (NetnsException ex) { WriteNetnsError(ex, name); }
                }
                break;

            case CreateSet:
                foreach (var name in Name)
                {
                    if (!ShouldProcess(name, "Create network namespace")) continue;
                    _creator ??= new NamespaceCreator(ThrottleLimit);
                    _creator.Submit(name);
                }
                Drain(wait: false);
                break;
        }
    }

    protected override void EndProcessingLocal()
    {
        if (_creator is null) return;
        _creator.Complete();
        Drain(wait: true);
        if (_progressShown)
            WriteProgress(new ProgressRecord(1, "Creating network namespaces", "Done") { RecordType = ProgressRecordType.Completed });
    }

    protected override void StopProcessingLocal() => _creator?.Cancel();

    private void Drain(bool wait)
    {
        if (_creator is null) return;
        foreach (var r in _creator.TakeResults(wait))
        {
            if (r.Entry is NamespaceEntry e)
                WriteObject(new NetNamespace(e.Name, e.Path, e.Identity.Device, e.Identity.Inode, null, 0, false));
            else if (r.Error is not null)
                WriteNetnsError(r.Error, r.Name);
            ReportProgress();
        }
    }

    private void ReportProgress()
    {
        var c = _creator!;
        if (c.Submitted < ProgressThreshold || _progressClock.ElapsedMilliseconds < 200) return;
        _progressClock.Restart();
        _progressShown = true;
        WriteProgress(new ProgressRecord(1, "Creating network namespaces", $"{c.Completed} of {c.Submitted}")
        {
            PercentComplete = (int)(100L * c.Completed / Math.Max(1, c.Submitted)),
        });
    }

    public void Dispose() => _creator?.Dispose();
}
