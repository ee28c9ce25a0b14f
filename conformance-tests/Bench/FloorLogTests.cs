using System.Buffers.Binary;
using System.Security.Cryptography;
using N2N.Node.Bench;

namespace N2N.ConformanceTests.Bench;

/// <summary>The bench floor's log: every append that returned is in the file, whole and with the hash of its bytes.</summary>
[TestClass]
public sealed class FloorLogTests
{
    [TestMethod]
    public async Task FloorLog_ConcurrentAppends_AreAllInTheFileWithTheirHashes()
    {
        var folder = Directory.CreateTempSubdirectory("n2n-floor-").FullName;
        try
        {
            var path = Path.Combine(folder, "floor.log");
            var entries = Enumerable.Range(0, 200).Select(i => (Raw: RandomNumberGenerator.GetBytes(100 + i), Json: System.Text.Encoding.UTF8.GetBytes($"{{\"i\":{i}}}"))).ToList();
            await using (var log = new FloorLog(path))
            {
                await Task.WhenAll(entries.Select(entry => Task.Run(() => log.AppendAsync(entry.Raw, entry.Json))));
                var (written, flushes) = log.Written;
                Assert.AreEqual(entries.Count, written);
                Assert.IsInRange(1, entries.Count, flushes);
            }

            var file = await File.ReadAllBytesAsync(path);
            var found = new List<string>();
            for (var offset = 0; offset < file.Length;)
            {
                var (rawLength, jsonLength) = (BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(offset)), BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(offset + 4)));
                var body = file.AsSpan(offset + 8 + SHA256.HashSizeInBytes, rawLength + jsonLength);
                CollectionAssert.AreEqual(SHA256.HashData(body), file.AsSpan(offset + 8, SHA256.HashSizeInBytes).ToArray(), $"record at {offset}");
                found.Add(Convert.ToHexString(body));
                offset += 8 + SHA256.HashSizeInBytes + rawLength + jsonLength;
            }

            CollectionAssert.AreEquivalent(entries.Select(e => Convert.ToHexString([.. e.Raw, .. e.Json])).ToList(), found);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task FloorLog_AfterDispose_RefusesAppends()
    {
        var folder = Directory.CreateTempSubdirectory("n2n-floor-").FullName;
        try
        {
            var log = new FloorLog(Path.Combine(folder, "floor.log"));
            await log.DisposeAsync();
            await Assert.ThrowsExactlyAsync<ObjectDisposedException>(() => log.AppendAsync([1], [2]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
