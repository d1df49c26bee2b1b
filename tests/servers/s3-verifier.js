'use strict';
// A front for s3rver used by the environment store tests, listening on 127.0.0.1. s3rver 3.7.1 does not check Signature
// Version 4 (it only looks the access key up) and ignores conditional writes, so this front adds what S3 does there:
//  - every request's Authorization header is recomputed with AWS's own JavaScript signer (@smithy/signature-v4) from the
//    signed headers, and refused with 403 SignatureDoesNotMatch (or InvalidAccessKeyId) when it differs;
//  - a body whose x-amz-content-sha256 is a hash must hash to it (400 XAmzContentSHA256Mismatch), as S3 checks;
//  - CompleteMultipartUpload with If-None-Match: * fails with 412 PreconditionFailed when the object exists, and with
//    If-Match: "<etag>" when the object's ETag differs (completions are serialized, so the check and the write are atomic).
// Usage: node s3-verifier.js <s3rver port> <access key id> <secret access key>; prints "verifier listening on 127.0.0.1:<port>".
const http = require('http');
const crypto = require('crypto');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Hash } = require('@smithy/hash-node');

const [upstreamPort, accessKeyId, secretAccessKey] = process.argv.slice(2);
const authorizationPattern = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
let completions = Promise.resolve();

function fail(res, status, code, message) {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

function forward(req, body) {
  return new Promise((resolve, reject) => {
    const upstream = http.request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: { ...req.headers, 'content-length': body.length } },
      response => {
        const chunks = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

async function headObject(req) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const response = await forward({ method: 'HEAD', url: url.pathname, headers: { host: req.headers.host } }, Buffer.alloc(0));
  return response.status === 200 ? String(response.headers.etag || '') : null;
}

async function verify(req, body) {
  const match = authorizationPattern.exec(req.headers.authorization || '');
  if (!match) {
    return [403, 'AccessDenied', 'Missing or malformed AWS4-HMAC-SHA256 Authorization header'];
  }

  const [, keyId, , region, signedHeaders, signature] = match;
  if (keyId !== accessKeyId) {
    return [403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'];
  }

  const url = new URL(req.url, 'http://127.0.0.1');
  const query = {};
  for (const [key, value] of url.searchParams) {
    query[key] = value;
  }

  const headers = {};
  for (const name of signedHeaders.split(';')) {
    headers[name] = req.headers[name] === undefined ? '' : String(req.headers[name]);
  }

  const amzDate = headers['x-amz-date'] || '';
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region,
    service: 's3',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: '127.0.0.1', path: url.pathname, query, headers },
    { signingDate, signableHeaders: new Set(signedHeaders.split(';')) });
  const expected = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization)[1];
  if (expected !== signature) {
    return [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'];
  }

  const payloadHash = req.headers['x-amz-content-sha256'];
  if (/^[0-9a-f]{64}$/.test(payloadHash || '') && crypto.createHash('sha256').update(body).digest('hex') !== payloadHash) {
    return [400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.'];
  }

  return null;
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', chunk => chunks.push(chunk));
  // A request whose body never arrives whole (an interrupted upload) is never forwarded.
  req.on('end', async () => {
    try {
      const body = Buffer.concat(chunks);
      const refused = await verify(req, body);
      if (refused) {
        fail(res, ...refused);
        return;
      }

      const url = new URL(req.url, 'http://127.0.0.1');
      const conditional = req.method === 'POST' && url.searchParams.has('uploadId') && (req.headers['if-none-match'] || req.headers['if-match']);
      let response;
      if (conditional) {
        const run = completions.then(async () => {
          const etag = await headObject(req);
          if (req.headers['if-none-match'] === '*' && etag !== null) {
            return { refused: true };
          }
          if (req.headers['if-match'] && etag !== req.headers['if-match']) {
            return { refused: true };
          }
          return forward(req, body);
        });
        completions = run.catch(() => {});
        response = await run;
        if (response.refused) {
          fail(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
          return;
        }
      } else {
        response = await forward(req, body);
      }

      res.writeHead(response.status, response.headers);
      res.end(response.body);
    } catch (error) {
      fail(res, 500, 'InternalError', String(error));
    }
  });
});

server.listen(0, '127.0.0.1', () => console.log(`verifier listening on 127.0.0.1:${server.address().port}`));
