// Submits an N2N document over gRPC with grpc-js, in a COSE_Sign1 envelope built by cose-js, and verifies the
// receipt with cose-js: a partner stack that shares no code with the node. Usage:
//   node submit-grpc.mjs <exchange.proto> <grpc-address host:port> <key.pem> <cert.pem> <receiver-cert.pem> <document.xml> <from> <to> <type> [tamper]
// Prints {"status":..., "receiptVerified":..., "reasonCode":...} and exits 0 when the call completed.
import { readFileSync } from "node:fs";
import { randomUUID, createPrivateKey, X509Certificate } from "node:crypto";
import cose from "cose-js";
import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";

const [protoFile, address, keyFile, certFile, receiverCertFile, documentFile, from, to, type, tamper] = process.argv.slice(2);

// Our text labels, registered in cose-js's own header table so it encodes them as text-string labels.
for (const label of ["n2n-id", "n2n-conversation", "n2n-from", "n2n-to", "n2n-type", "n2n-created"]) {
  cose.common.HeaderParameters[label] = label;
}

const der = new X509Certificate(readFileSync(certFile)).raw;
const jwk = createPrivateKey(readFileSync(keyFile)).export({ format: "jwk" });
const headers = {
  p: {
    alg: "ES256",
    content_type: "application/xml",
    x5chain: der,
    "n2n-id": randomUUID(),
    "n2n-conversation": randomUUID(),
    "n2n-from": from,
    "n2n-to": to,
    "n2n-type": type,
    "n2n-created": new Date().toISOString(),
  },
  u: {},
};
let envelope = await cose.sign.create(headers, readFileSync(documentFile), { key: { d: Buffer.from(jwk.d, "base64url") } });
if (tamper) {
  envelope = Buffer.from(envelope.toString("latin1").replace("<MZ>11200</MZ>", "<MZ>11900</MZ>"), "latin1");
}

const definition = protoLoader.loadSync(protoFile, { keepCase: false });
const Exchange = grpc.loadPackageDefinition(definition).n2n.v1.Exchange;
const client = new Exchange(address, grpc.credentials.createInsecure());
client.Submit({ coseSign1: envelope }, { deadline: Date.now() + 30000 }, async (error, reply) => {
  if (error) {
    console.log(JSON.stringify({ status: "refused", grpcCode: error.code, reasonCode: error.metadata.get("n2n-reason-code")[0] ?? null }));
    process.exit(0);
  }

  const receiverJwk = new X509Certificate(readFileSync(receiverCertFile)).publicKey.export({ format: "jwk" });
  const payload = await cose.sign.verify(reply.coseSign1, { key: { x: Buffer.from(receiverJwk.x, "base64url"), y: Buffer.from(receiverJwk.y, "base64url") } });
  const receipt = JSON.parse(payload.toString("utf8"));
  console.log(JSON.stringify({ status: receipt.status, receiptVerified: true, logIndex: receipt.logIndex }));
  process.exit(0);
});
