// Checks an AWS Signature Version 4 request signature as AWS does, so the fake SageMaker refuses
// requests signed with a wrong key (InvalidSignatureException) or an unknown access key
// (UnrecognizedClientException), as the real service would. The algorithm is AWS's published
// one: canonical request, string to sign, HMAC key chain over date, region and service.
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Why a request's signature is refused, as AWS names it; null when it is good. */
export type SignatureProblem = { readonly code: 'MissingAuthenticationTokenException' | 'UnrecognizedClientException' | 'InvalidSignatureException'; readonly message: string } | null;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Checks `Authorization: AWS4-HMAC-SHA256 ...` of a request against the known keys (access key id → secret). */
export function checkSigV4(
  request: { readonly method: string; readonly url: string; readonly headers: IncomingHttpHeaders; readonly body: Buffer },
  keys: ReadonlyMap<string, string>,
): SignatureProblem {
  const authorization = request.headers.authorization;
  if (!authorization) return { code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!match) return { code: 'InvalidSignatureException', message: `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.` };
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string, string];
  const secret = keys.get(accessKeyId);
  if (secret === undefined) return { code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const url = new URL(request.url, 'http://placeholder');
  const path = url.pathname
    .split('/')
    .map((segment) => encodeSegment(decodeURIComponent(segment)))
    .join('/');
  // Non-S3 services sign the path encoded twice.
  const canonicalPath = path
    .split('/')
    .map((segment) => encodeSegment(segment))
    .join('/');
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [encodeSegment(k), encodeSegment(v)])
    .sort(([a, x], [b, y]) => (a! < b! ? -1 : a! > b! ? 1 : x! < y! ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headerNames = signedHeaders.split(';');
  const canonicalHeaders = headerNames
    .map((name) => {
      const value = request.headers[name];
      return `${name}:${(Array.isArray(value) ? value.join(',') : String(value ?? '')).trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const payloadHash = String(request.headers['x-amz-content-sha256'] ?? sha256(request.body));
  const canonicalRequest = [request.method, canonicalPath, query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (expected !== signature) {
    return {
      code: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  }
  return null;
}
