// The clinician app's sessions shared by two `selvhjelp serve` instances on one PostgreSQL store
// (started here in a temporary folder by tests/pg/pg_server.sh), as behind a load balancer: the
// clinician launches the app from the demo record system (oidc-provider, Medplum) on instance A;
// the page's calls on instance B read the patient's view and make a record with the session's
// CSRF token; ending the session on B ends it on A. The session's row holds neither the cookie
// value nor the EHR's access token in clear: it is keyed by the SHA-256 of the cookie value, and
// what it holds opens (AES-256-GCM, checked here with Node's own crypto) only with store.sessionKey
// and that hash. A database that goes away is a 503, never a crash.
// Skipped, saying so, only when PostgreSQL's server binaries are absent.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { ROOT, startDemoEhr, startProxy, startService, waitFor } from './harness.mjs';
import { PG_SKIPPED, startPostgres } from './pg_server.mjs';

const run = promisify(execFile);

// Follows redirects by hand with one cookie jar, as a browser would, until a page answers.
async function browse(url, jar) {
  const seen = [];
  for (let i = 0; i < 15; i += 1) {
    seen.push(url);
    const r = await fetch(url, { redirect: 'manual', headers: { cookie: cookieOf(jar) } });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = r.headers.get('location');
    if (!location) return { status: r.status, url, seen };
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}

const cookieOf = (jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

// Every row of app_sessions, read with psql from PostgreSQL's own binaries.
async function sessionRows(storeUrl) {
  const bin = (await run('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1'])).stdout.trim();
  const { stdout } = await run(`${bin}/psql`, [storeUrl, '-At', '-F', '|', '-c',
    'SELECT id_hash, sealed, created, last_used, expires_at FROM app_sessions']);
  return stdout.split('\n').filter(Boolean).map((line) => {
    const [idHash, sealed, created, lastUsed, expiresAt] = line.split('|');
    return { line, idHash, sealed, created, lastUsed, expiresAt };
  });
}

// Opens a sealed session as selvhjelp writes it (nonce 12 || ciphertext || tag 16, base64url)
// with Node's crypto: the JSON it holds, or throws.
function openSealed(sealed, key, idHash) {
  const bytes = Buffer.from(sealed, 'base64url');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from(idHash));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString());
}

describe('the app\'s sessions on two instances sharing one PostgreSQL store', () => {
  let pg;
  let skip = false;
  let ehr;
  let proxy;  // the load balancer: the one address the EHR and the browser know
  let lb;
  let a;
  let b;
  const key = crypto.randomBytes(32);
  let edit;  // an instance's configuration on the shared store

  before(async () => {
    pg = await startPostgres('selvhjelp-pg-app-');
    skip = pg.skip;
    if (skip) return;
    proxy = await startProxy(0);
    lb = `http://127.0.0.1:${proxy.port}`;
    ehr = await startDemoEhr(lb);
    // The key from a file, as an operator gives it (${file:...}, docs/store.md).
    const keyFile = path.join(pg.dir, 'session.key');
    fs.writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: 0o600 });
    edit = (config) => {
      delete config.store.path;
      config.store.url = pg.url;
      config.store.sessionKey = `\${file:${keyFile}}`;
      config.app = { clientId: 'selvhjelp-demo', allowedIssuers: [`${ehr.base}/fhir/R4`], allowHttp: true,
        redirectUri: `${lb}/app/callback`, webDirectory: path.join(ROOT, 'plugin/web/app') };
      config.records = { fhirServer: `${ehr.base}/fhir/R4`, allowHttp: true, auth: { type: 'bearer', token: 'demo-records-token' },
        retryInitialMs: 100, retryMaxMs: 800 };
      config.fhirServer = { ...(config.fhirServer ?? {}), allowHttp: true };
    };
    a = await startService(edit);
    b = await startService(edit);
  });

  after(async () => {
    await a?.cleanup();
    await b?.cleanup();
    await proxy?.stop();
    await ehr?.stop();
    await pg?.stop();
  });

  test('launched on A, used on B, ended on B and so on A; the database holds no cookie or token in clear', async (t) => {
    if (skip) return t.skip(PG_SKIPPED);
    const list = await (await fetch(`${ehr.base}/`)).text();
    const patient = [...list.matchAll(/href="\/patient\/([\w.-]+)"/g)].map((m) => m[1])[1];
    assert.ok(patient, 'a patient in the demo record system');

    proxy.retarget(a.port);  // the launch and its callback land on A
    const jar = new Map();
    const page = await browse(`${ehr.base}/launch/${patient}`, jar);
    assert.equal(page.status, 200, `the app's page (went through ${page.seen.join(' -> ')})`);
    const cookie = jar.get('selvhjelp_session');
    assert.ok(cookie, 'a session cookie');
    const headers = { cookie: cookieOf(jar) };

    // B has never seen this clinician: it reads the session from the store.
    const context = await fetch(`${b.base}/app/api/context`, { headers });
    assert.equal(context.status, 200, await context.clone().text());
    const ctx = await context.json();
    assert.equal(ctx.inScope, true);
    assert.equal(ctx.practitioner.hpr, '9144889', 'the launch context, read on B');
    const body = JSON.stringify({ recipients: [`Patient/${patient}`], level: 'conversation', response: 'interested',
      groups: [ctx.recipients[0].sections.municipality[0].id] });
    const post = (service, csrf) => fetch(`${service.base}/app/api/records`, { method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) }, body });
    assert.equal((await post(b, 'forged')).status, 403, 'B checks the session\'s own CSRF token');
    const made = await post(b, ctx.csrf);
    assert.equal(made.status, 202, await made.clone().text());
    const receipt = await made.json();
    const state = await fetch(`${a.base}/app/api/records/${receipt.id}`, { headers });
    assert.equal(state.status, 200, 'and A, with the same session, sees the record B made');

    // The row: the cookie's SHA-256, a sealed value, times. Neither the cookie nor the token.
    const rows = await sessionRows(pg.url);
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.equal(row.idHash, crypto.createHash('sha256').update(cookie).digest('hex'));
    assert.ok(!row.line.includes(cookie), 'no cookie value in the database');
    assert.ok(!row.line.includes(ctx.csrf), 'no CSRF token');
    assert.ok(!row.line.includes(patient), 'no patient id');
    assert.ok(!/eyJ[\w-]*\.[\w-]+\./.test(row.line) && !row.line.includes('eyJhbGciOiJFUzM4NC'), 'no JWT (the access token) in clear');
    assert.match(row.sealed, /^[\w-]+$/);
    // What is sealed is the session, and it opens only with the key and the row's own id hash.
    const opened = openSealed(row.sealed, key, row.idHash);
    assert.match(opened.accessToken, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/, 'the EHR\'s access token, sealed');
    assert.ok(!row.line.includes(opened.accessToken));
    assert.equal(opened.patient, patient);
    assert.equal(opened.csrf, ctx.csrf);
    assert.throws(() => openSealed(row.sealed, crypto.randomBytes(32), row.idHash), 'another key');
    assert.throws(() => openSealed(row.sealed, key, crypto.createHash('sha256').update('another').digest('hex')), 'another row');

    // An instance given another key (a configuration mistake) opens no session: a 401, and its log
    // says why without naming the session.
    const otherKeyFile = path.join(pg.dir, 'other.key');
    fs.writeFileSync(otherKeyFile, `${crypto.randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const c = await startService((config) => {
      edit(config);
      config.store.sessionKey = `\${file:${otherKeyFile}}`;
    });
    try {
      assert.equal((await fetch(`${c.base}/app/api/context`, { headers })).status, 401, 'another key: no session');
      // The log line may come after the answer: wait for it.
      await waitFor(() => /app session in the store does not open with this instance's store\.sessionKey/.test(c.log),
        'the unreadable session logged');
      assert.ok(!c.log.includes(cookie) && !c.log.includes(row.idHash), 'nor its cookie or row');
    } finally {
      await c.cleanup();
    }

    // Ended on B: ended on A too, and the row is gone.
    assert.equal((await fetch(`${b.base}/app/api/session`, { method: 'DELETE', headers })).status, 403, 'ending needs the CSRF token');
    const ended = await fetch(`${b.base}/app/api/session`, { method: 'DELETE', headers: { ...headers, 'x-csrf-token': ctx.csrf } });
    assert.equal(ended.status, 204);
    assert.match(ended.headers.get('set-cookie'), /^selvhjelp_session=; .*Max-Age=0/);
    assert.equal((await fetch(`${a.base}/app/api/context`, { headers })).status, 401, 'ended on A');
    assert.equal((await fetch(`${b.base}/app/api/context`, { headers })).status, 401, 'ended on B');
    assert.equal((await sessionRows(pg.url)).length, 0);
    assert.ok(!a.log.includes(cookie) && !b.log.includes(cookie), 'the cookie value is never logged');
  });

  test('a store that cannot be reached is a 503 with an OperationOutcome, and the instance goes on', async (t) => {
    if (skip) return t.skip(PG_SKIPPED);
    proxy.retarget(a.port);
    const jar = new Map();
    const list = await (await fetch(`${ehr.base}/`)).text();
    const patient = [...list.matchAll(/href="\/patient\/([\w.-]+)"/g)].map((m) => m[1])[0];
    assert.equal((await browse(`${ehr.base}/launch/${patient}`, jar)).status, 200);
    await pg.halt();
    const answer = await waitFor(async () => {
      const r = await fetch(`${b.base}/app/api/context`, { headers: { cookie: cookieOf(jar) } });
      return r.status !== 200 && r;
    }, 'the store gone');
    assert.equal(answer.status, 503);
    assert.equal((await answer.json()).resourceType, 'OperationOutcome');
    assert.equal(a.child.exitCode, null, 'A still runs');
    assert.equal(b.child.exitCode, null, 'B still runs');
  });
});
