'use strict';
/*
 * s3-server.js: run s3rver (a local S3-compatible server) for hs tests.
 *
 *   node s3-server.js --dir DIR [--port N] [--bucket NAME]...
 *
 * Listens on 127.0.0.1, port N or (default) a port the kernel chooses, so
 * parallel test runs never race for a fixed port.  Objects live under
 * DIR/data.  Once the socket is bound, "http://127.0.0.1:PORT" is written
 * to DIR/endpoint (through a temporary file and rename, so a reader never
 * sees a partial line) and the process id to DIR/pid.  SIGTERM and
 * SIGINT close the server and exit 0.  Errors go to stderr, exit 1.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Readable } = require('stream');
const S3rver = require('s3rver');

/*
 * s3rver 3.7 accepts any AWS4-HMAC-SHA256 signature from a known access
 * key ("V4 signatures have incomplete support") and never compares
 * x-amz-content-sha256 with the body.  Real S3 checks both, so a client
 * bug would pass here and fail in production.  This middleware, placed
 * before s3rver's own, checks what real S3 checks: the SigV4 header
 * signature over the canonical request, and for a hex payload hash the
 * SHA-256 of the body actually received.  Credentials are s3rver's
 * dummy account.
 */
const SECRETS = { S3RVER: 'S3RVER' };

function s3error(ctx, status, code, message) {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

function hmac(key, text) {
  return crypto.createHmac('sha256', key).update(text).digest();
}

function sha256hex(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function uriEncode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function canonicalQuery(qs) {
  if (!qs)
    return '';
  return qs.split('&').filter((p) => p !== '').map((p) => {
    const i = p.indexOf('=');
    const k = decodeURIComponent(i < 0 ? p : p.slice(0, i));
    const v = i < 0 ? '' : decodeURIComponent(p.slice(i + 1).replace(/\+/g, ' '));
    return [uriEncode(k), uriEncode(v)];
  }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 :
    a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map((kv) => kv.join('=')).join('&');
}

async function verifySigV4(ctx, next) {
  const auth = ctx.req.headers.authorization;
  if (!auth || !auth.startsWith('AWS4-HMAC-SHA256 '))
    return next();
  const m = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, *SignedHeaders=([^,]+), *Signature=([0-9a-f]{64})/
    .exec(auth);
  if (!m)
    return s3error(ctx, 400, 'AuthorizationHeaderMalformed',
      'The authorization header is malformed');
  const [, keyId, day, region, service, signedList, signature] = m;
  const secret = SECRETS[keyId];
  if (secret === undefined)
    return s3error(ctx, 403, 'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.');
  const h = ctx.req.headers;
  const amzDate = h['x-amz-date'] || '';
  const payloadHash = h['x-amz-content-sha256'];
  if (!payloadHash)
    return s3error(ctx, 400, 'InvalidRequest',
      'Missing required header for this request: x-amz-content-sha256');
  const signed = signedList.split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date'))
    return s3error(ctx, 403, 'SignatureDoesNotMatch',
      'host and x-amz-date must be signed');
  const url = ctx.req.url;
  const q = url.indexOf('?');
  const canonical = [
    ctx.req.method,
    q < 0 ? url : url.slice(0, q),
    canonicalQuery(q < 0 ? '' : url.slice(q + 1)),
    signed.map((n) => `${n}:${String(h[n] === undefined ? '' : h[n])
      .trim().replace(/ +/g, ' ')}\n`).join(''),
    signedList,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonical)]
    .join('\n');
  let key = hmac('AWS4' + secret, day);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const expect = hmac(key, toSign).toString('hex');
  if (expect !== signature)
    return s3error(ctx, 403, 'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature ' +
      'you provided. Check your key and signing method.');
  if (/^[0-9a-f]{64}$/.test(payloadHash)) {
    const chunks = [];
    for await (const c of ctx.req)
      chunks.push(c);
    const body = Buffer.concat(chunks);
    if (sha256hex(body) !== payloadHash)
      return s3error(ctx, 400, 'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what " +
        'was computed.');
    /* s3rver streams the body from ctx.req: hand it the bytes read. */
    const orig = ctx.req;
    const replay = Readable.from([body]);
    for (const p of ['headers', 'url', 'method', 'socket', 'httpVersion',
      'httpVersionMajor', 'httpVersionMinor', 'rawHeaders'])
      replay[p] = orig[p];
    ctx.req = replay;
    ctx.request.req = replay;
    await next();
    if (ctx.method === 'PUT' && ctx.status === 200)
      await landed(ctx.path, body.length);
    return undefined;
  }
  return next();
}

/*
 * s3rver 3.7 answers a PUT once it has read the body, before its write
 * stream has put the bytes in the file (filesystem.js putObject resolves
 * on the reading side's 'finish'), so a GET right after the 200 could be
 * served a short object.  Real S3 is read-after-write consistent: wait
 * until the object file holds every byte before answering.
 */
async function landed(urlPath, length) {
  const m = /^\/([^/]+)\/(.+)$/.exec(urlPath);
  if (!m)
    return;
  const file = server.store.getResourcePath(m[1],
    decodeURIComponent(m[2]), 'object');
  for (let i = 0; i < 2000; i++) {
    try {
      if (fs.statSync(file).size >= length)
        return;
    } catch (e) {
      /* not created yet */
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

function usage(msg) {
  process.stderr.write(`s3-server.js: ${msg}\n`);
  process.stderr.write(
    'usage: node s3-server.js --dir DIR [--port N] [--bucket NAME]...\n');
  process.exit(2);
}

const args = process.argv.slice(2);
let dir = null;
let port = 0;
const buckets = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const v = args[i + 1];
  if (a === '--dir' && v !== undefined) {
    dir = v;
    i++;
  } else if (a === '--port' && v !== undefined && /^[0-9]+$/.test(v)) {
    port = Number(v);
    i++;
  } else if (a === '--bucket' && v !== undefined) {
    buckets.push({ name: v });
    i++;
  } else {
    usage(`bad argument '${a}'`);
  }
}
if (dir === null)
  usage('--dir is required');

const dataDir = path.join(dir, 'data');
fs.mkdirSync(dataDir, { recursive: true });

const server = new S3rver({
  address: '127.0.0.1',
  port,
  silent: true,
  directory: dataDir,
  configureBuckets: buckets,
  resetOnClose: false,
  /* Buckets are addressed path-style (http://127.0.0.1:PORT/bucket/key). */
  vhostBuckets: false,
});

server.middleware.unshift(verifySigV4);

function writeAtomic(file, text) {
  const tmp = `${file}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

server.run().then(
  (addr) => {
    writeAtomic(path.join(dir, 'pid'), `${process.pid}\n`);
    writeAtomic(path.join(dir, 'endpoint'),
      `http://${addr.address}:${addr.port}\n`);
  },
  (err) => {
    process.stderr.write(`s3-server.js: ${err.message}\n`);
    process.exit(1);
  });

function shutdown() {
  server.close().then(() => process.exit(0), () => process.exit(0));
  /* Keep-alive connections can hold close() open; do not wait forever. */
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
