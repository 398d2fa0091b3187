// Issue 10 item 3: authentication as Norwegian health IT does it, against a real third-party
// authorization server (oidc-provider, configured as HelseID is: private_key_jwt client
// assertions, DPoP with server nonces) and an independent DPoP/JWT implementation (jose).
// - outbound: selvhjelp reads a group source behind a DPoP-protected API: its client assertion
//   lives <= 60 s, has the configured aud and is refused when replayed; the token request and the
//   API request carry DPoP proofs that oidc-provider and jose verify; both servers demand a nonce
//   first and get it; the gateway's subscription key goes to the API only;
// - inbound: access tokens minted by oidc-provider (Bearer and DPoP-bound) or signed by jose are
//   accepted for POST /records when right, refused with 401/403, an OperationOutcome and
//   WWW-Authenticate when their aud, iss, scope or typ is wrong or they have expired.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, listenOnFreePort, startService, waitFor } from './harness.mjs';
import { syntheticFnr } from './fixtures.mjs';

const PEER = path.join(ROOT, 'tests/peer/node_modules');
const { default: Provider } = await import(path.join(PEER, 'oidc-provider/lib/index.js'));
const jose = await import(path.join(PEER, 'jose/dist/webapi/index.js'));

const API = 'selvhjelp-api';                        // our API's name: the inbound tokens' aud
const GROUPS_RESOURCE = 'https://groups.test.example/';  // the group API's resource indicator
const RECORDS_RESOURCE = 'https://selvhjelp.test.example/';
const b64url = (buf) => Buffer.from(buf).toString('base64url');
const sha256 = (text) => b64url(crypto.createHash('sha256').update(text).digest());
const decode = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url'));

// An HTTP server whose handler is set later (the issuer must name the port first).
async function serve() {
  const box = { handler: (req, res) => res.end() };
  const server = http.createServer((req, res) => box.handler(req, res));
  const port = await listenOnFreePort(server);
  return { box, url: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}

function pkcs8(privateKey) { return privateKey.export({ format: 'pem', type: 'pkcs8' }); }

describe('HelseID-grade authentication', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-helseid-'));
  const cleanups = [];
  let as; let api; let provider; let service;
  const tokenCalls = [];   // {client, status, assertion, dpop}
  const apiCalls = [];     // what the group API saw and decided
  let apiNonce = crypto.randomUUID();
  // The authorization server's signing key (ES256) and a second one for jose-made tokens.
  const asKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const asJwk = { ...asKey.export({ format: 'jwk' }), kid: 'as-1', alg: 'ES256', use: 'sig' };
  const joseKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const publicOf = ({ kty, crv, x, y, kid, alg, use }) => ({ kty, crv, x, y, kid, alg, use });
  // selvhjelp's client key (ES384, as today) and the test's own client's secret.
  const clientKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
  const clientJwk = { ...publicOf(clientKey.export({ format: 'jwk' })), kid: 'selvhjelp-1', alg: 'ES384' };
  const groups = fs.readFileSync(path.join(ROOT, 'config/demo/groups.json'));

  before(async () => {
    as = await serve();
    cleanups.push(as);
    api = await serve();
    cleanups.push(api);
    provider = new Provider(as.url, {
      clients: [
        { client_id: 'selvhjelp', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES384',
          grant_types: ['client_credentials'], response_types: [], redirect_uris: [], jwks: { keys: [clientJwk] },
          scope: 'selvhjelp/groups.read', id_token_signed_response_alg: 'ES256' },
        { client_id: 'records-client', client_secret: 'test-secret', token_endpoint_auth_method: 'client_secret_post',
          grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
          scope: 'selvhjelp/records.write selvhjelp/audit.read', id_token_signed_response_alg: 'ES256' },
      ],
      jwks: { keys: [asJwk] },
      scopes: ['selvhjelp/groups.read', 'selvhjelp/records.write', 'selvhjelp/audit.read'],
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        // HelseID: DPoP with server nonces, for the token endpoint as for the APIs.
        dPoP: { enabled: true, nonceSecret: crypto.randomBytes(32), requireNonce: () => true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => GROUPS_RESOURCE,
          useGrantedResource: () => true,
          getResourceServerInfo: (ctx, resource) => (resource === RECORDS_RESOURCE
            ? { scope: 'selvhjelp/records.write selvhjelp/audit.read', audience: API, accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'ES256' } } }
            : { scope: 'selvhjelp/groups.read', audience: 'groups-api', accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'ES256' } } }),
        },
      },
      enabledJWA: { clientAuthSigningAlgValues: ['ES384', 'ES256', 'RS384'] },
      ttl: { ClientCredentials: 300 },
    });
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.path === '/token') {
        tokenCalls.push({ client: ctx.oidc?.client?.clientId, status: ctx.status, error: ctx.body?.error,
          assertion: ctx.oidc?.body?.client_assertion, dpop: ctx.get('DPoP'), resource: ctx.oidc?.body?.resource,
          subscriptionKey: ctx.get('Ocp-Apim-Subscription-Key') });
      }
    });
    as.box.handler = provider.callback();

    // The group API: DPoP-bound tokens from the authorization server only, verified with jose;
    // a nonce is demanded first (RFC 9449 §9).
    const asKeys = jose.createLocalJWKSet({ keys: [publicOf(asJwk)] });
    api.box.handler = async (req, res) => {
      const seen = { authorization: req.headers.authorization, subscriptionKey: req.headers['ocp-apim-subscription-key'] };
      apiCalls.push(seen);
      try {
        const [scheme, token] = (req.headers.authorization ?? '').split(' ');
        assert.equal(scheme, 'DPoP');
        const at = await jose.jwtVerify(token, asKeys, { issuer: as.url, audience: 'groups-api', typ: 'at+jwt' });
        const proof = await jose.jwtVerify(req.headers.dpop, jose.EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256', 'ES384'], maxTokenAge: 60 });
        assert.equal(proof.payload.htm, req.method);
        assert.equal(proof.payload.htu, `${api.url}${req.url.split('?')[0]}`);
        assert.equal(proof.payload.ath, sha256(token));
        assert.equal(at.payload.cnf.jkt, await jose.calculateJwkThumbprint(proof.protectedHeader.jwk));
        seen.proofVerified = true;
        seen.nonce = proof.payload.nonce;
        if (proof.payload.nonce !== apiNonce) {
          res.writeHead(401, { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"', 'DPoP-Nonce': apiNonce });
          return res.end();
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(groups);
      } catch (error) {
        seen.error = error.message;
        res.writeHead(401, { 'WWW-Authenticate': 'DPoP error="invalid_token"' });
        res.end();
      }
    };

    const keyFile = path.join(dir, 'client-key.pem');
    fs.writeFileSync(keyFile, pkcs8(clientKey));
    const jwksFile = path.join(dir, 'as-jwks.json');
    fs.writeFileSync(jwksFile, JSON.stringify({ keys: [publicOf(asJwk), { ...publicOf(joseKey.export({ format: 'jwk' })), kid: 'jose-1', alg: 'ES256' }] }));
    service = await startService((config) => {
      config.groups.sources.push({ name: 'dpop-api', type: 'json', url: `${api.url}/groups.json`,
        auth: { type: 'smart-backend-services', clientId: 'selvhjelp', privateKeyFile: keyFile, keyId: 'selvhjelp-1',
          scope: 'selvhjelp/groups.read', tokenEndpoint: `${as.url}/token`, assertionAudience: as.url, dpop: true,
          tokenParameters: { resource: GROUPS_RESOURCE }, headers: { 'Ocp-Apim-Subscription-Key': 'sub-key-1' } } });
      config.auth.accessTokens = { issuer: as.url, audience: API, jwksFile, leewaySeconds: 30 };
      // Records are committed locally and delivered later: a server that never answers is enough here.
      config.records = { fhirServer: 'http://127.0.0.1:9/fhir', allowHttp: true, retryInitialMs: 60000 };
    });
    cleanups.push(service);
  });

  after(async () => {
    for (const thing of cleanups.reverse()) await (thing.cleanup ?? thing.stop).call(thing);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('outbound: a short-lived single-use assertion, DPoP proofs checked by others, both nonce demands met', async () => {
    const status = await (await fetch(`${service.base}/directory/status`)).json();
    const source = status.sources?.find((s) => s.name === 'dpop-api') ?? status;
    assert.ok(JSON.stringify(source).includes('dpop-api'), JSON.stringify(status));
    // The token endpoint: first refused for want of a nonce, then a DPoP token.
    const ours = tokenCalls.filter((c) => c.client === 'selvhjelp');
    assert.deepEqual(ours.map((c) => [c.status, c.error]), [[400, 'use_dpop_nonce'], [200, undefined]],
      `${JSON.stringify(tokenCalls)}\n${service.log}`);
    for (const call of ours) {
      const claims = decode(call.assertion);
      assert.ok(claims.exp - claims.iat <= 60, `assertion lives ${claims.exp - claims.iat} s`);
      assert.equal(claims.aud, as.url);  // assertionAudience
      assert.equal(claims.iss, 'selvhjelp');
      assert.ok(call.dpop, 'a DPoP proof on the token request');
      assert.equal(call.resource, GROUPS_RESOURCE);  // tokenParameters
      assert.equal(call.subscriptionKey, '');  // the gateway's key is for the API, not the STS
    }
    assert.notEqual(decode(ours[0].assertion).jti, decode(ours[1].assertion).jti);
    // The provider refuses the accepted assertion a second time.
    const replay = await fetch(`${as.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'selvhjelp/groups.read',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: ours[1].assertion }) });
    assert.equal(replay.status, 401);
    assert.equal((await replay.json()).error, 'invalid_client');
    // The API: proofs verified by jose; the nonce demanded, then sent.
    assert.equal(apiCalls.length, 2, JSON.stringify(apiCalls));
    assert.deepEqual(apiCalls.map((c) => [c.proofVerified, c.nonce === apiNonce, c.subscriptionKey]),
      [[true, false, 'sub-key-1'], [true, true, 'sub-key-1']], JSON.stringify(apiCalls));
    assert.match(apiCalls[0].authorization, /^DPoP /);
    assert.doesNotMatch(service.log, /sub-key-1/);
  });
  // A record as the app or another system posts it (synthetic patient).
  const record = () => ({
    id: crypto.randomUUID(),
    patient: { reference: 'Patient/pat-1', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: syntheticFnr(13, 11, 69, 4) } },
    practitioner: { reference: 'Practitioner/prac-1', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9144889' }, display: 'Test Lege' },
    encounter: { reference: 'Encounter/enc-1' },
    level: 'conversation', response: 'interested', groups: ['demo-bgo-aa-1'],
  });
  const postRecord = async (headers) => {
    const r = await fetch(`${service.base}/records`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(record()) });
    const text = await r.text();
    return { status: r.status, challenge: r.headers.get('www-authenticate'), json: text ? JSON.parse(text) : undefined };
  };
  // A token from oidc-provider for the records API, over client_credentials (with a DPoP proof
  // made by jose when `dpopKey` is given: the provider demands a nonce first).
  async function mintedToken(dpopKey) {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'records-client', client_secret: 'test-secret',
      scope: 'selvhjelp/records.write', resource: RECORDS_RESOURCE });
    let nonce;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      if (dpopKey) headers.DPoP = await joseProof(dpopKey, 'POST', `${as.url}/token`, { nonce });
      const r = await fetch(`${as.url}/token`, { method: 'POST', headers, body });
      const answer = await r.json();
      if (r.status === 200) return answer;
      nonce = r.headers.get('dpop-nonce');
      assert.equal(answer.error, 'use_dpop_nonce', JSON.stringify(answer));
    }
    throw new Error('no token');
  }
  async function joseProof(key, htm, htu, { nonce, token } = {}) {
    const jwk = await jose.exportJWK(key.publicKey);
    return new jose.SignJWT({ htm, htu, ...(nonce ? { nonce } : {}), ...(token ? { ath: sha256(token) } : {}) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).setIssuedAt().setJti(crypto.randomUUID()).sign(key.privateKey);
  }
  // Tokens signed with jose's key (in the issuer's JWKS), with any claims and header.
  async function joseToken(claims = {}, header = {}) {
    const now = Math.floor(Date.now() / 1000);
    return new jose.SignJWT({ scope: 'selvhjelp/records.write', sub: 'system-x', client_id: 'other', ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'jose-1', ...header })
      .setIssuer(claims.iss ?? as.url).setAudience(claims.aud ?? API).setIssuedAt(claims.iat ?? now)
      .setExpirationTime(claims.exp ?? now + 120).setJti(crypto.randomUUID()).sign(await jose.importJWK(joseKey.export({ format: 'jwk' }), 'ES256'));
  }

  test('inbound: tokens from oidc-provider, Bearer and DPoP-bound, are accepted for POST /records', async () => {
    const bearer = await mintedToken();
    assert.equal(bearer.token_type, 'Bearer');
    assert.equal(decode(bearer.access_token).aud, API);
    const accepted = await postRecord({ authorization: `Bearer ${bearer.access_token}` });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.json));

    const key = await jose.generateKeyPair('ES256');
    const bound = await mintedToken(key);
    assert.equal(bound.token_type, 'DPoP');
    const url = `${service.base}/records`;
    const proof = await joseProof(key, 'POST', url, { token: bound.access_token });
    const dpop = await postRecord({ authorization: `DPoP ${bound.access_token}`, DPoP: proof });
    assert.equal(dpop.status, 202, JSON.stringify(dpop.json));
    // The same proof again, the bound token as Bearer, a proof by another key: refused.
    const replayed = await postRecord({ authorization: `DPoP ${bound.access_token}`, DPoP: proof });
    assert.equal(replayed.status, 401);
    assert.match(replayed.challenge, /^DPoP .*error="invalid_dpop_proof"/);
    assert.equal((await postRecord({ authorization: `Bearer ${bound.access_token}` })).status, 401);
    const thief = await jose.generateKeyPair('ES256');
    const stolen = await postRecord({ authorization: `DPoP ${bound.access_token}`, DPoP: await joseProof(thief, 'POST', url, { token: bound.access_token }) });
    assert.equal(stolen.status, 401);
    // The reason reaches the log through a pipe: wait for it rather than race it.
    await waitFor(() => /key is not the token's cnf.jkt/.test(service.log), 'the refusal logged');
    assert.doesNotMatch(service.log, new RegExp(bound.access_token.split('.')[2]));
  });

  test('inbound: a DPoP proof used before a restart is refused after it (its jti is in the store)', async () => {
    // A fixed public base URL, so the proof's htu still matches after the restart's new port.
    const PUBLIC = 'http://selvhjelp.test.example';
    const base = JSON.parse(fs.readFileSync(service.configPath, 'utf8'));
    const restarted = await startService((config) => {
      const store = config.store.path;
      Object.assign(config, base);
      config.store = { ...base.store, path: store };
      config.service = { ...base.service, publicBaseUrl: PUBLIC };
    });
    cleanups.push(restarted);
    const post = async (headers) => (await fetch(`${restarted.base}/records`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(record()) })).status;
    const key = await jose.generateKeyPair('ES256');
    const bound = await mintedToken(key);
    const proof = await joseProof(key, 'POST', `${PUBLIC}/records`, { token: bound.access_token });
    assert.equal(await post({ authorization: `DPoP ${bound.access_token}`, DPoP: proof }), 202);
    await restarted.stop();
    await restarted.start();
    assert.equal(await post({ authorization: `DPoP ${bound.access_token}`, DPoP: proof }), 401);
    await waitFor(() => /DPoP proof: jti replayed/.test(restarted.log), 'the replay logged');
  });

  test('inbound: wrong aud, iss, typ, an expired token or a missing scope are refused with an OperationOutcome', async () => {
    assert.equal((await postRecord({ authorization: `Bearer ${await joseToken()}` })).status, 202);
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      ['wrong aud', await joseToken({ aud: 'another-api' })],
      ['wrong iss', await joseToken({ iss: `${as.url}/other` })],
      ['wrong typ', await joseToken({}, { typ: 'dpop+jwt' })],
      ['expired', await joseToken({ iat: now - 600, exp: now - 120 })],
    ];
    for (const [what, token] of cases) {
      const refused = await postRecord({ authorization: `Bearer ${token}` });
      assert.equal(refused.status, 401, what);
      assert.equal(refused.json.resourceType, 'OperationOutcome', what);
      assert.equal(refused.json.issue[0].code, 'login', what);
      assert.match(refused.challenge, /^Bearer realm="selvhjelp"/, what);
      if (what !== 'wrong iss') assert.match(refused.challenge, /error="invalid_token"/, what);
    }
    const unscoped = await postRecord({ authorization: `Bearer ${await joseToken({ scope: 'selvhjelp/audit.read' })}` });
    assert.equal(unscoped.status, 403);
    assert.equal(unscoped.json.resourceType, 'OperationOutcome');
    assert.equal(unscoped.json.issue[0].code, 'forbidden');
    assert.equal(unscoped.challenge, 'Bearer realm="selvhjelp", error="insufficient_scope", scope="selvhjelp/records.write"');
    // The EHR's CDS Hooks JWT still works as before.
    const { signToken } = await import('./harness.mjs');
    assert.equal((await postRecord({ authorization: `Bearer ${signToken({ aud: `${service.base}/records` })}` })).status, 202);
  });
});
