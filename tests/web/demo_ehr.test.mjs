// The demo record system (demo/ehr.mjs) as a SMART EHR: an EHR launch of selvhjelp's app goes through
// oidc-provider's authorization code flow with PKCE S256 and gives an ES384 id_token that verifies
// with the published JWKS, the launch context (patient, encounter) and the DIPS-style hpr-nummer;
// the FHIR API answers only with the token. This test plays selvhjelp's part of the launch itself,
// so it needs neither the C++ server nor a browser. Needs `npm ci` in demo/ and tests/peer/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startDemoEhr } from '../integration/harness.mjs';
import { markdownToHtml } from '../../demo/pages.mjs';

const SELVHJELP = 'http://127.0.0.1:9';  // never called: only the redirect URI's origin
let ehr;
let base;

before(async () => {
  ehr = await startDemoEhr(SELVHJELP);
  base = ehr.base;
});

after(() => ehr?.stop());

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const decode = (jwt) => jwt.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url')));

// Follows redirects by hand with a cookie jar, as a browser would, until one leaves the EHR.
async function browse(url, jar) {
  for (let i = 0; i < 10; i += 1) {
    const r = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = pair.split('=');
      jar.set(k, v);
    }
    const location = r.headers.get('location');
    if (!location) return { status: r.status, body: await r.text() };
    url = new URL(location, url).href;
    if (!url.startsWith(base)) return { status: r.status, location: url };
  }
  throw new Error('too many redirects');
}

test('an EHR launch through oidc-provider: PKCE S256, ES384 id_token, patient, encounter and hpr-nummer in the token response', async () => {
  const list = await (await fetch(`${base}/`)).text();
  assert.match(list, /Innlogget automatisk som demo-behandler/, 'the page says the login is automatic');
  const ids = [...list.matchAll(/href="\/patient\/([\w.-]+)"/g)].map((m) => m[1]);
  assert.equal(ids.length, 5);

  const launched = await browse(`${base}/launch/${ids[1]}`, new Map());
  const launchUrl = new URL(launched.location);
  assert.equal(`${launchUrl.origin}${launchUrl.pathname}`, `${SELVHJELP}/app/launch`);
  const iss = launchUrl.searchParams.get('iss');
  assert.equal(iss, `${base}/fhir/R4`);

  const smart = await (await fetch(`${iss}/.well-known/smart-configuration`)).json();
  assert.deepEqual(smart.code_challenge_methods_supported, ['S256']);
  for (const field of ['issuer', 'jwks_uri', 'authorization_endpoint', 'token_endpoint']) assert.ok(smart[field], field);
  assert.ok(smart.capabilities.includes('launch-ehr'));

  const verifier = b64url(crypto.randomBytes(32));
  const nonce = b64url(crypto.randomBytes(16));
  const state = b64url(crypto.randomBytes(16));
  const authorize = new URL(smart.authorization_endpoint);
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: 'selvhjelp-demo', redirect_uri: `${SELVHJELP}/app/callback`,
    scope: 'launch openid fhirUser patient/*.read', state, nonce, aud: iss, launch: launchUrl.searchParams.get('launch'),
    code_challenge: b64url(crypto.createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256' })) {
    authorize.searchParams.set(k, v);
  }
  const back = new URL((await browse(authorize.href, new Map())).location);
  assert.equal(back.searchParams.get('state'), state);
  const code = back.searchParams.get('code');
  assert.ok(code, `a code (got ${back.href})`);

  const exchange = (extra) => fetch(smart.token_endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${SELVHJELP}/app/callback`, client_id: 'selvhjelp-demo', ...extra }) });
  const token = await (await exchange({ code_verifier: verifier })).json();
  assert.equal(token.token_type, 'Bearer');
  assert.equal(token.patient, ids[1]);
  assert.ok(token.encounter);
  assert.equal(token['hpr-nummer'], '9144889');
  assert.match(token.scope, /patient\/\*\.read/);

  const [header, claims] = decode(token.id_token);
  assert.equal(header.alg, 'ES384');
  const jwks = await (await fetch(smart.jwks_uri)).json();
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert.equal(jwk.crv, 'P-384');
  const [h, p, s] = token.id_token.split('.');
  assert.ok(crypto.verify('sha384', Buffer.from(`${h}.${p}`), { key: crypto.createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url')), 'the id_token verifies with the JWKS');
  assert.equal(claims.iss, smart.issuer);
  assert.equal(claims.aud, 'selvhjelp-demo');
  assert.equal(claims.nonce, nonce);
  assert.match(claims.fhirUser, /^Practitioner\//);

  const replay = await exchange({ code_verifier: verifier });
  assert.equal(replay.status, 400, 'a code is single use');

  const withToken = await fetch(`${iss}/Patient/${ids[1]}`, { headers: { authorization: `Bearer ${token.access_token}` } });
  assert.equal(withToken.status, 200);
  assert.equal((await withToken.json()).address[0].city, 'Bergen');
  const related = await (await fetch(`${iss}/RelatedPerson?patient=${ids[1]}`, { headers: { authorization: `Bearer ${token.access_token}` } })).json();
  assert.equal(related.entry.length, 2);
  assert.equal((await fetch(`${iss}/Patient/${ids[1]}`)).status, 401, 'no token, no data');
});

test('a launch without the PKCE verifier gets no token', async () => {
  const list = await (await fetch(`${base}/`)).text();
  const id = /href="\/patient\/([\w.-]+)"/.exec(list)[1];
  const launch = new URL((await browse(`${base}/launch/${id}`, new Map())).location).searchParams.get('launch');
  const verifier = b64url(crypto.randomBytes(32));
  const authorize = new URL(`${base}/oidc/auth`);
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: 'selvhjelp-demo', redirect_uri: `${SELVHJELP}/app/callback`,
    scope: 'launch openid fhirUser patient/*.read', state: 's', nonce: 'n', launch,
    code_challenge: b64url(crypto.createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256' })) {
    authorize.searchParams.set(k, v);
  }
  const code = new URL((await browse(authorize.href, new Map())).location).searchParams.get('code');
  const r = await fetch(`${base}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${SELVHJELP}/app/callback`, client_id: 'selvhjelp-demo' }) });
  assert.equal(r.status, 400);
});

test('a card\'s markdown detail is shown as the cards write it, and a listing\'s text cannot become markup', () => {
  assert.equal(markdownToHtml('**I kommunen: Oslo**\n\n- **AA \\[x\\]** (AA) · [Meld feil](mailto:k@x.example)'),
    '<strong>I kommunen: Oslo</strong><br><br>• <strong>AA [x]</strong> (AA) · '
    + '<a href="mailto:k@x.example" target="_blank" rel="noopener noreferrer">Meld feil</a>');
  assert.equal(markdownToHtml('<img src=x onerror=alert(1)> [a](javascript:alert(1)) [b](http://plain.example)'),
    '&lt;img src=x onerror=alert(1)&gt; [a](javascript:alert(1)) [b](http://plain.example)', 'only https and mailto links');
});
