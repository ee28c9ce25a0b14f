using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using N2N.Node.Bench;

namespace N2N.ConformanceTests.Bench;

/// <summary>The bench floors' logs: every append that returned is on disk, whole and with the hash of its bytes.</summary>
[TestClass]
public sealed class FloorLogTests
{
    [TestMethod]
    [DataRow("file")]
    [DataRow("sqlite")]
    public async Task FloorLog_ConcurrentAppends_AreAllWrittenWithTheirHashes(string kind)
    {
        var folder = Directory.CreateTempSubdirectory("n2n-floor-").FullName;
        try
        {
            var path = Path.Combine(folder, "floor." + kind);
            var entries = Enumerable.Range(0, 200).Select(i => (Raw: RandomNumberGenerator.GetBytes(100 + i), Json: System.Text.Encoding.UTF8.GetBytes($"{{\"i\":{i}}}"))).ToList();
            await using (var log = Open(kind, path))
            {
                await Task.WhenAll(entries.Select(entry => Task.Run(() => log.AppendAsync(entry.Raw, entry.Json))));
                var (written, flushes) = log.Written;
                Assert.AreEqual(entries.Count, written);
                Assert.IsInRange(1, entries.Count, flushes);
            }

            var found = (kind == "file" ? ReadFile(path) : ReadSqlite(path)).Select(record =>
            {
                var body = (byte[])[.. record.Raw, .. record.Json];
                CollectionAssert.AreEqual(SHA256.HashData(body), record.Hash);
                return Convert.ToHexString(body);
            }).ToList();
            CollectionAssert.AreEquivalent(entries.Select(e => Convert.ToHexString([.. e.Raw, .. e.Json])).ToList(), found);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    [DataRow("file")]
    [DataRow("sqlite")]
    public async Task FloorLog_AfterDispose_RefusesAppends(string kind)
    {
        var folder = Directory.CreateTempSubdirectory("n2n-floor-").FullName;
        try
        {
            var log = Open(kind, Path.Combine(folder, "floor." + kind));
            await log.DisposeAsync();
            await Assert.ThrowsExactlyAsync<ObjectDisposedException>(() => log.AppendAsync([1], [2]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static FloorLog Open(string kind, string path) => kind == "file" ? FloorLog.ToFile(path) : FloorLog.ToSqlite(path);

    private static IEnumerable<(byte[] Raw, byte[] Json, byte[] Hash)> ReadFile(string path)
    {
        var file = File.ReadAllBytes(path);
        for (var offset = 0; offset < file.Length;)
        {
            var (rawLength, jsonLength) = (BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(offset)), BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(offset + 4)));
            var body = offset + 8 + SHA256.HashSizeInBytes;
            yield return (file[body..(body + rawLength)], file[(body + rawLength)..(body + rawLength + jsonLength)], file[(offset + 8)..body]);
            offset = body + rawLength + jsonLength;
        }
    }

    private static List<(byte[] Raw, byte[] Json, byte[] Hash)> ReadSqlite(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        // Durable at every commit only in WAL mode with synchronous=FULL; the journal mode is kept in the file.
        command.CommandText = "PRAGMA journal_mode";
        Assert.AreEqual("wal", command.ExecuteScalar());
        command.CommandText = "SELECT raw, canonical_json, hash FROM entries";
        using var reader = command.ExecuteReader();
        var records = new List<(byte[], byte[], byte[])>();
        while (reader.Read())
        {
            records.Add(((byte[])reader[0], (byte[])reader[1], (byte[])reader[2]));
        }

        return records;
    }
}
