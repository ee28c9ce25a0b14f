// Builds and signs an N2N SOAP 1.2 request with xml-crypto, as a partner's Node.js stack would,
// independently of the node's own C# signer. Usage:
//   node sign-soap.mjs <key.pem> <cert.pem> <document.xml> <to-url> <from> <to> <type> <message-uuid>  > envelope.xml
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { SignedXml } from "xml-crypto";

const [keyFile, certFile, documentFile, toUrl, from, to, type, messageId] = process.argv.slice(2);
const key = readFileSync(keyFile, "utf8");
const certBase64 = readFileSync(certFile, "utf8").replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
const document = readFileSync(documentFile, "utf8").replace(/^<\?xml[^>]*\?>\s*/, "");
const now = new Date();
const iso = (d) => d.toISOString();

const ns = {
  s: "http://www.w3.org/2003/05/soap-envelope",
  wsa: "http://www.w3.org/2005/08/addressing",
  n2n: "urn:n2n:exchange:1",
  wsse: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
  wsu: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
};
const declarations = Object.entries(ns).map(([p, u]) => `xmlns:${p}="${u}"`).join(" ");
const envelope =
  `<s:Envelope ${declarations}><s:Header>` +
  `<wsa:MessageID wsu:Id="m">urn:uuid:${messageId}</wsa:MessageID>` +
  `<wsa:To wsu:Id="t">${toUrl}</wsa:To>` +
  `<wsa:Action wsu:Id="a">urn:n2n:${type}</wsa:Action>` +
  `<n2n:Exchange wsu:Id="x"><n2n:ConversationId>${randomUUID()}</n2n:ConversationId><n2n:From>${from}</n2n:From><n2n:To>${to}</n2n:To>` +
  `<n2n:DocumentType>${type}</n2n:DocumentType><n2n:Created>${iso(now)}</n2n:Created></n2n:Exchange>` +
  `<wsse:Security s:mustUnderstand="true">` +
  `<wsu:Timestamp wsu:Id="ts"><wsu:Created>${iso(now)}</wsu:Created><wsu:Expires>${iso(new Date(now.getTime() + 300000))}</wsu:Expires></wsu:Timestamp>` +
  `<wsse:BinarySecurityToken wsu:Id="cert" EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary" ` +
  `ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3">${certBase64}</wsse:BinarySecurityToken>` +
  `</wsse:Security></s:Header><s:Body wsu:Id="body">${document}</s:Body></s:Envelope>`;

const signer = new SignedXml({
  privateKey: key,
  signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
  canonicalizationAlgorithm: "http://www.w3.org/2001/10/xml-exc-c14n#",
  // References name elements by wsu:Id, as WS-Security does.
  idAttribute: "wsu:Id",
  getKeyInfoContent: () =>
    `<wsse:SecurityTokenReference><wsse:Reference URI="#cert" ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"/></wsse:SecurityTokenReference>`,
});
for (const id of ["m", "t", "a", "x", "ts", "body"]) {
  signer.addReference({
    xpath: `//*[@*[local-name()='Id' and namespace-uri()='${ns.wsu}']='${id}']`,
    transforms: ["http://www.w3.org/2001/10/xml-exc-c14n#"],
    digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256",
  });
}
signer.computeSignature(envelope, {
  prefix: "ds",
  location: { reference: "//*[local-name()='Security']", action: "append" },
  existingPrefixes: { wsse: ns.wsse, wsu: ns.wsu },
});
process.stdout.write(`<?xml version="1.0" encoding="UTF-8"?>` + signer.getSignedXml());
