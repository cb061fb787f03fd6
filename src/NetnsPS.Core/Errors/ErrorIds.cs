namespace NetnsPS.Core.Errors;

/// <summary>
/// Every ErrorId the module emits, one constant each: <see cref="NetnsException.ErrorCode"/> is one of these, and
/// the cmdlets' ErrorRecords carry it as ErrorId. docs/en-US/about_NetnsPS_Errors.md lists every one (ErrorIdTests
/// keeps the two equal); a new id is a constant here and a row or line there.
/// </summary>
public static class ErrorIds
{
    // Namespaces: names in /run/netns, create, open, enter, remove
    public const string AllWithNamespace = nameof(AllWithNamespace);
    public const string AmbiguousNamespace = nameof(AmbiguousNamespace);
    public const string AmbiguousTarget = nameof(AmbiguousTarget);
    public const string InvalidNamespaceName = nameof(InvalidNamespaceName);
    public const string MountNamespaceFailed = nameof(MountNamespaceFailed);
    public const string NamespaceAlreadyExists = nameof(NamespaceAlreadyExists);
    public const string NamespaceAttachFailed = nameof(NamespaceAttachFailed);
    public const string NamespaceBusy = nameof(NamespaceBusy);
    public const string NamespaceCreateFailed = nameof(NamespaceCreateFailed);
    public const string NamespaceEnterFailed = nameof(NamespaceEnterFailed);
    public const string NamespaceLimitReached = nameof(NamespaceLimitReached);
    public const string NamespaceIdAlreadySet = nameof(NamespaceIdAlreadySet);
    public const string NamespaceIdInUse = nameof(NamespaceIdInUse);
    public const string NamespaceIsHost = nameof(NamespaceIsHost);
    public const string NamespaceListFailed = nameof(NamespaceListFailed);
    public const string NamespaceNotFound = nameof(NamespaceNotFound);
    public const string NamespaceOpenFailed = nameof(NamespaceOpenFailed);
    public const string NamespaceRemoveFailed = nameof(NamespaceRemoveFailed);
    public const string NamespaceRequired = nameof(NamespaceRequired);
    public const string NamespaceRestoreFailed = nameof(NamespaceRestoreFailed);
    public const string NamespaceStale = nameof(NamespaceStale);
    public const string NamespaceStatFailed = nameof(NamespaceStatFailed);
    public const string NotANetworkNamespace = nameof(NotANetworkNamespace);
    public const string RunDirectoryFailed = nameof(RunDirectoryFailed);

    // Namespace ids (nsid)
    public const string NsidQueryFailed = nameof(NsidQueryFailed);
    public const string NsidSetFailed = nameof(NsidSetFailed);

    // Adapters
    public const string AdapterAlreadyExists = nameof(AdapterAlreadyExists);
    public const string AdapterBusy = nameof(AdapterBusy);
    public const string AdapterCreateFailed = nameof(AdapterCreateFailed);
    public const string AdapterKindNotSupported = nameof(AdapterKindNotSupported);
    public const string AdapterMoveIncomplete = nameof(AdapterMoveIncomplete);
    public const string AdapterNetnsLocal = nameof(AdapterNetnsLocal);
    public const string AdapterNotFound = nameof(AdapterNotFound);
    public const string AdapterOperationFailed = nameof(AdapterOperationFailed);
    public const string AdapterOperationNotSupported = nameof(AdapterOperationNotSupported);
    public const string AdapterQueryFailed = nameof(AdapterQueryFailed);
    public const string AmbiguousNewName = nameof(AmbiguousNewName);
    public const string InvalidAdapterArgument = nameof(InvalidAdapterArgument);
    public const string InvalidAdapterName = nameof(InvalidAdapterName);
    public const string InvalidAdapterParameter = nameof(InvalidAdapterParameter);
    public const string InvalidMacAddress = nameof(InvalidMacAddress);
    public const string InvalidMaster = nameof(InvalidMaster);
    public const string MasterNotFound = nameof(MasterNotFound);
    public const string ParentAdapterNotFound = nameof(ParentAdapterNotFound);
    public const string TunDeviceUnavailable = nameof(TunDeviceUnavailable);
    public const string VxlanIdInUse = nameof(VxlanIdInUse);

    // Addresses and routes
    public const string AddressAddFailed = nameof(AddressAddFailed);
    public const string AddressAlreadyExists = nameof(AddressAlreadyExists);
    public const string AddressNotFound = nameof(AddressNotFound);
    public const string AddressQueryFailed = nameof(AddressQueryFailed);
    public const string AddressRemoveFailed = nameof(AddressRemoveFailed);
    public const string InvalidDestinationPrefix = nameof(InvalidDestinationPrefix);
    public const string InvalidIPAddress = nameof(InvalidIPAddress);
    public const string InvalidPrefixLength = nameof(InvalidPrefixLength);
    public const string InvalidRoute = nameof(InvalidRoute);
    public const string RouteAddFailed = nameof(RouteAddFailed);
    public const string RouteAlreadyExists = nameof(RouteAlreadyExists);
    public const string RouteGatewayUnreachable = nameof(RouteGatewayUnreachable);
    public const string RouteNotFound = nameof(RouteNotFound);
    public const string RouteQueryFailed = nameof(RouteQueryFailed);
    public const string RouteRemoveFailed = nameof(RouteRemoveFailed);

    // Neighbors
    public const string InvalidNeighborArgument = nameof(InvalidNeighborArgument);
    public const string NeighborAddFailed = nameof(NeighborAddFailed);
    public const string NeighborAlreadyExists = nameof(NeighborAlreadyExists);
    public const string NeighborNotFound = nameof(NeighborNotFound);
    public const string NeighborQueryFailed = nameof(NeighborQueryFailed);
    public const string NeighborRemoveFailed = nameof(NeighborRemoveFailed);

    // Sysctls
    public const string InvalidSysctlName = nameof(InvalidSysctlName);
    public const string SysctlNotFound = nameof(SysctlNotFound);
    public const string SysctlWriteFailed = nameof(SysctlWriteFailed);

    // Processes and programs
    public const string NativeCommandError = nameof(NativeCommandError);
    public const string ProcessNotFound = nameof(ProcessNotFound);
    public const string ProcessOutputFailed = nameof(ProcessOutputFailed);
    public const string ProcessStartFailed = nameof(ProcessStartFailed);
    public const string ProcessWaitFailed = nameof(ProcessWaitFailed);
    public const string ProgramExitedWithNonZeroCode = nameof(ProgramExitedWithNonZeroCode);
    public const string ProgramNotExecutable = nameof(ProgramNotExecutable);
    public const string ProgramNotFound = nameof(ProgramNotFound);
    public const string SessionStartFailed = nameof(SessionStartFailed);
    public const string SocketCreateFailed = nameof(SocketCreateFailed);

    // NAT (nf_tables)
    public const string InvalidNatArgument = nameof(InvalidNatArgument);
    public const string NatAddressFamilyMismatch = nameof(NatAddressFamilyMismatch);
    public const string NatAlreadyExists = nameof(NatAlreadyExists);
    public const string NatNotFound = nameof(NatNotFound);
    public const string NatRequestFailed = nameof(NatRequestFailed);
    public const string NatStaticMappingAlreadyExists = nameof(NatStaticMappingAlreadyExists);
    public const string NatStaticMappingNotFound = nameof(NatStaticMappingNotFound);
    public const string NfTablesNotSupported = nameof(NfTablesNotSupported);
    public const string NftRequestFailed = nameof(NftRequestFailed);

    // Labs
    public const string InvalidLabDefinition = nameof(InvalidLabDefinition);
    public const string InvalidLabHost = nameof(InvalidLabHost);
    public const string InvalidLabPrefix = nameof(InvalidLabPrefix);
    public const string LabDefinitionNotFound = nameof(LabDefinitionNotFound);
    public const string LabHostNotFound = nameof(LabHostNotFound);
    public const string LabHostUnavailable = nameof(LabHostUnavailable);
    public const string LabPreflightFailed = nameof(LabPreflightFailed);
    public const string NetLabAlreadyExists = nameof(NetLabAlreadyExists);
    public const string NetLabBuildFailed = nameof(NetLabBuildFailed);
    public const string NetLabNotFound = nameof(NetLabNotFound);
    public const string NetLabRemoveFailed = nameof(NetLabRemoveFailed);
    public const string NetLabStateFailed = nameof(NetLabStateFailed);
    public const string NetLabStateInvalid = nameof(NetLabStateInvalid);

    // Netlink
    public const string NetlinkDumpInterrupted = nameof(NetlinkDumpInterrupted);
    public const string NetlinkProtocolError = nameof(NetlinkProtocolError);
    public const string NetlinkReceiveFailed = nameof(NetlinkReceiveFailed);
    public const string NetlinkRequestFailed = nameof(NetlinkRequestFailed);
    public const string NetlinkSendFailed = nameof(NetlinkSendFailed);
    public const string NetlinkSocketFailed = nameof(NetlinkSocketFailed);

    // Remote hosts (-Session, Install-NetnsPSRemote)
    public const string RemoteHostNotInSession = nameof(RemoteHostNotInSession);
    public const string RemoteInstallFailed = nameof(RemoteInstallFailed);
    public const string RemoteModuleMissing = nameof(RemoteModuleMissing);
    public const string RemoteModuleVersionMismatch = nameof(RemoteModuleVersionMismatch);
    public const string RemoteNotSupported = nameof(RemoteNotSupported);

    // Any cmdlet
    public const string AmbiguousParameterSet = nameof(AmbiguousParameterSet);
    public const string InsufficientPrivilege = nameof(InsufficientPrivilege);
    public const string InvalidWildcardPattern = nameof(InvalidWildcardPattern);
    public const string MemoryLimitReached = nameof(MemoryLimitReached);
    public const string OperationStopped = nameof(OperationStopped);
    public const string ThreadStartFailed = nameof(ThreadStartFailed);
    public const string TooManyOpenFiles = nameof(TooManyOpenFiles);
    public const string WatchFailed = nameof(WatchFailed);

    // Shaping (qdiscs) and packet capture
    public const string CaptureAdapterDown = nameof(CaptureAdapterDown);
    public const string CaptureAdapterGone = nameof(CaptureAdapterGone);
    public const string CaptureFileNotWritable = nameof(CaptureFileNotWritable);
    public const string CaptureNotSupported = nameof(CaptureNotSupported);
    public const string CaptureReadFailed = nameof(CaptureReadFailed);
    public const string CaptureSocketFailed = nameof(CaptureSocketFailed);
    public const string InvalidCaptureFilter = nameof(InvalidCaptureFilter);
    public const string InvalidQdiscArgument = nameof(InvalidQdiscArgument);
    public const string InvalidRate = nameof(InvalidRate);
    public const string InvalidSnapLength = nameof(InvalidSnapLength);
    public const string QdiscKindUnsupported = nameof(QdiscKindUnsupported);
    public const string QdiscNotFound = nameof(QdiscNotFound);
    public const string QdiscOperationFailed = nameof(QdiscOperationFailed);
    public const string QdiscQueryFailed = nameof(QdiscQueryFailed);
}
