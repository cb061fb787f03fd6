using System.Management.Automation;
using System.Runtime.InteropServices;

namespace NetnsPS;

/// <summary>Import-time check: the module only makes sense on Linux.</summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            throw new PlatformNotSupportedException(
                $"NetnsPS works only on Linux: network namespaces are a Linux kernel feature (this is {RuntimeInformation.OSDescription}).");
    }

}
