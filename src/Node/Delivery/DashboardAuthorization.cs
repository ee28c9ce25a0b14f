using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;

namespace N2N.Node.Delivery;

/// <summary>
/// Who may open the Hangfire dashboard: loopback callers only, unless a user and password are configured, in which
/// case anyone presenting them (HTTP Basic) and nobody else, from anywhere.
/// </summary>
internal sealed class DashboardAuthorization(string? user, string? password) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (user is null || password is null)
        {
            var remote = http.Connection.RemoteIpAddress;
            return remote is not null && IPAddress.IsLoopback(remote);
        }

        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var expected = Encoding.UTF8.GetBytes($"{user}:{password}");
            byte[] presented;
            try
            {
                presented = Convert.FromBase64String(header[6..].Trim());
            }
            catch (FormatException)
            {
                presented = [];
            }

            if (CryptographicOperations.FixedTimeEquals(presented, expected))
            {
                return true;
            }
        }

        http.Response.Headers.WWWAuthenticate = "Basic realm=\"n2n-dashboard\"";
        return false;
    }
}
