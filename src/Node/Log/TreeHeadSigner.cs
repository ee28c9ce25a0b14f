using N2N.Trust.Keys;

namespace N2N.Node.Log;

/// <summary>Signs tree heads with the node's key, so a partner or auditor can hold the node to a root.</summary>
public sealed class TreeHeadSigner(NodeCredential credential)
{
    public SignedTreeHead Sign(long treeSize, byte[] root, DateTimeOffset time) =>
        new(treeSize, root, time, credential.SignData(SignedTreeHead.Encode(treeSize, root, time)));
}
