using System.Net;
using System.Net.Sockets;

namespace ApiKeys.Tests;

/// <summary>Facts about the machine the tests run on: where the repository is, and a free port.</summary>
public static class TestMachine
{
    /// <summary>The repository's root folder, found above the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>A loopback port free at the time of asking.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static string FindRepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ApiKeys.sln")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new InvalidOperationException("ApiKeys.sln not found above the test binaries.");
    }
}
