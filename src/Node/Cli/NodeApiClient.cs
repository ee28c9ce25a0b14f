using System.Net.Http.Json;
using System.Text.Json;
using N2N.Node.Api;
using N2N.Node.Configuration;

namespace N2N.Node.Cli;

/// <summary>The CLI's client for its own node's backend API (URL and key from node.json).</summary>
internal sealed class NodeApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly NodeConfig _config;
    private readonly string _dataRoot;

    public NodeApiClient(DataFolder folder)
    {
        _config = folder.LoadConfig();
        _dataRoot = folder.Root;
        _http = new HttpClient(OwnNodeHandler(folder, _config)) { BaseAddress = new Uri(_config.SoapUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Add(BackendApi.ApiKeyHeader, _config.ApiKey);
    }

    public NodeConfig Config => _config;

    /// <summary>Trusts exactly our own node's TLS certificate (it is usually self-signed or from a private PKI).</summary>
    public static HttpMessageHandler OwnNodeHandler(DataFolder folder, NodeConfig config)
    {
        var handler = new SocketsHttpHandler();
        if (config.Tls is { } tls)
        {
            var own = N2N.Trust.Keys.KeyFiles.ReadCertificate(File.ReadAllText(folder.Resolve(tls.CertificateFile)));
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is System.Security.Cryptography.X509Certificates.X509Certificate2 presented && presented.RawDataMemory.Span.SequenceEqual(own.RawDataMemory.Span);
        }

        return handler;
    }

    /// <summary>Sends a request; returns the status and parsed JSON body. An unreachable node is a failed check (exit 1).</summary>
    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new NodeNotReachableException($"node {_config.NodeId} is not reachable at {_config.SoapUrl} (is 'n2n serve --data {_dataRoot}' running?): {e.Message}");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            return ((int)response.StatusCode, body);
        }
    }

    public Task<(int Status, JsonElement Body)> PostJsonAsync<T>(string path, T value, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, JsonContent.Create(value), cancellationToken);

    public Task<(int Status, JsonElement Body)> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>The one-line reason of a refused request: "CODE rule: message".</summary>
    public static string Reason(int status, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return $"HTTP {status}";
        }

        var code = body.TryGetProperty("reasonCode", out var c) ? c.GetString() : $"HTTP {status}";
        var rule = body.TryGetProperty("ruleId", out var r) && r.ValueKind == JsonValueKind.String ? " " + r.GetString() : "";
        var message = body.TryGetProperty("message", out var m) ? m.GetString() : body.ToString();
        return $"{code}{rule}: {message}";
    }

    /// <summary>Waits (bounded) until an outbound message reaches a final state; polling is all a separate process can do.</summary>
    public async Task<JsonElement> WaitForFinalStateAsync(Guid messageId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var (_, status) = await GetAsync($"api/outbox/{messageId}", cancellationToken);
            if (status.GetProperty("state").GetString() is "delivered" or "rejected" or "dead" || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public void Dispose() => _http.Dispose();
}
