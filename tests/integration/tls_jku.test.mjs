// TLS serving and JWKS fetched from an allowed jku URL, with a throwaway CA made by openssl.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listenOnFreePort, signToken, startService } from './harness.mjs';

function makeCertificates(dir) {
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key',
    '-out', 'ca.pem', '-subj', '/CN=selvhjelp test CA', '-days', '1');
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key',
    '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '1', '-extfile', 'san.ext');
  return { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'server.pem'), key: path.join(dir, 'server.key') };
}

function request(url, { method = 'GET', body, token, ca }) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method, ca, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text || 'null') }));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

describe('TLS and jku', () => {
  let dir;
  let certs;
  let jwksServer;
  let service;
  let jkuUrl;
  const { privateKey: jkuKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-tls-'));
    certs = makeCertificates(dir);
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'rotated-key', alg: 'ES384', use: 'sig' };
    jwksServer = https.createServer({ key: fs.readFileSync(certs.key), cert: fs.readFileSync(certs.cert) }, (req, res) => {
      res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    jkuUrl = `https://127.0.0.1:${await listenOnFreePort(jwksServer)}/jwks.json`;
    service = await startService((config) => {
      config.service.tls = { certificateFile: certs.cert, privateKeyFile: certs.key };
      config.auth.caFile = certs.ca;
      config.auth.trustedIssuers[0].allowedJku = [jkuUrl];
    });
    service.https = `https://127.0.0.1:${service.port}`;
  });
  after(async () => {
    await service?.cleanup();
    jwksServer?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('discovery over https with the configured certificate', async () => {
    const url = `${service.https}/cds-services`;
    const r = await request(url, { token: signToken({ aud: url }), ca: fs.readFileSync(certs.ca) });
    assert.equal(r.status, 200);
    assert.equal(r.json.services.length, 3);
  });

  test('a token naming an allowed jku verifies with the key fetched from it', async () => {
    const url = `${service.https}/cds-services`;
    const ca = fs.readFileSync(certs.ca);
    const viaJku = signToken({ aud: url }, { key: jkuKey, header: { kid: 'rotated-key', jku: jkuUrl } });
    assert.equal((await request(url, { token: viaJku, ca })).status, 200);
    // The same key without the jku header is not one of the issuer's configured keys.
    const withoutJku = signToken({ aud: url }, { key: jkuKey, header: { kid: 'rotated-key' } });
    assert.equal((await request(url, { token: withoutJku, ca })).status, 401);
    // An aud with http:// does not match the https URL the request was sent to.
    const httpAud = signToken({ aud: `http://127.0.0.1:${service.port}/cds-services` });
    assert.equal((await request(url, { token: httpAud, ca })).status, 401);
  });
});
