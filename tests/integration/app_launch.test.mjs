// The clinician app end to end, over real sockets: the demo record system (oidc-provider as the
// SMART authorization server, Medplum as the FHIR server) launches selvhjelp's app; the launch
// completes (PKCE, state, id_token), the page's API gives the decision for the launched patient,
// and a record made through it reaches the FHIR server. A browser's cookie jar and redirects are
// played by hand here; the page itself is tested in Chromium in tests/web/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, ROOT, startDemoEhr, startProxy, startService, waitFor } from './harness.mjs';

let ehr;
let ehrBase;
let proxy;   // selvhjelp's address, known before selvhjelp starts (the demo EHR registers it)
let service;
let app;     // http://127.0.0.1:<proxy port>

before(async () => {
  proxy = await startProxy(0);
  app = `http://127.0.0.1:${proxy.port}`;
  ehr = await startDemoEhr(app);
  ehrBase = ehr.base;
  service = await startService((config) => {
    config.app = { clientId: 'selvhjelp-demo', allowedIssuers: [`${ehrBase}/fhir/R4`], allowHttp: true,
      redirectUri: `${app}/app/callback`, webDirectory: path.join(ROOT, 'plugin/web/app') };
    config.records = { fhirServer: `${ehrBase}/fhir/R4`, allowHttp: true, auth: { type: 'bearer', token: 'demo-records-token' },
      retryInitialMs: 100, retryMaxMs: 800 };
    config.fhirServer = { ...(config.fhirServer ?? {}), allowHttp: true };
    // The demo's audit section (config/demo.json), at this run's port.
    config.audit = { ...config.audit, fhirServer: `${ehrBase}/fhir/R4`, auth: { type: 'bearer', token: 'demo-records-token' } };
  });
  proxy.retarget(service.port);
});

after(async () => {
  await service?.cleanup();
  await proxy?.stop();
  await ehr?.stop();
});

// Follows redirects by hand with one cookie jar, as a browser would, until a page answers.
async function browse(url, jar) {
  const seen = [];
  for (let i = 0; i < 15; i += 1) {
    seen.push(url);
    const r = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = r.headers.get('location');
    if (!location) return { status: r.status, url, seen, body: await r.text(), headers: r.headers };
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}

const cookie = (jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

test('an EHR launch opens the app for the launched patient, and a record made there reaches the EHR', async () => {
  const list = await (await fetch(`${ehrBase}/`)).text();
  const ids = [...list.matchAll(/href="\/patient\/([\w.-]+)"/g)].map((m) => m[1]);
  const jar = new Map();
  const page = await browse(`${ehrBase}/launch/${ids[1]}`, jar);
  assert.equal(page.status, 200, `the app's page (went through ${page.seen.join(' -> ')})`);
  assert.equal(page.url, `${app}/app/`);
  assert.match(page.body, /<html[^>]* lang=/);
  assert.match(page.headers.get('content-security-policy'), /script-src 'self'/);
  assert.ok(page.seen.some((u) => u.startsWith(`${app}/app/callback?`)), 'the launch came back to our callback');
  assert.ok(jar.get('selvhjelp_session'), 'a session cookie');

  const context = await fetch(`${app}/app/api/context`, { headers: { cookie: cookie(jar) } });
  assert.equal(context.status, 200);
  const ctx = await context.json();
  assert.equal(ctx.inScope, true);
  assert.equal(ctx.place.municipality, 'Bergen');
  assert.equal(ctx.practitioner.hpr, '9144889', 'the HPR number from the launch');
  assert.equal(ctx.recipients[0].kind, 'patient');
  assert.ok(ctx.recipients[0].sections.municipality.length > 0, 'local groups for the patient');
  assert.equal(ctx.recipients[1]?.kind, 'relatives');

  const body = JSON.stringify({ recipients: [`Patient/${ids[1]}`], level: 'conversation', response: 'interested',
    groups: [ctx.recipients[0].sections.municipality[0].id] });
  const headers = { cookie: cookie(jar), 'content-type': 'application/json' };
  const noCsrf = await fetch(`${app}/app/api/records`, { method: 'POST', headers, body });
  assert.equal(noCsrf.status, 403, 'a change without the CSRF token is refused');
  const crossSite = await fetch(`${app}/app/api/records`, { method: 'POST', headers: { ...headers, 'x-csrf-token': 'forged' }, body });
  assert.equal(crossSite.status, 403);
  const noSession = await fetch(`${app}/app/api/records`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': ctx.csrf }, body });
  assert.equal(noSession.status, 401);
  const made = await fetch(`${app}/app/api/records`, { method: 'POST', headers: { ...headers, 'x-csrf-token': ctx.csrf }, body });
  assert.equal(made.status, 202, await made.clone().text());
  const receipt = await made.json();
  const delivered = await waitFor(async () => {
    const s = await (await fetch(`${app}/app/api/records/${receipt.id}`, { headers: { cookie: cookie(jar) } })).json();
    return s.state === 'delivered' && s;
  }, 'the record delivered to the demo EHR');
  assert.match(delivered.location, /Communication\//);
  const read = await fetch(`${ehrBase}/fhir/R4/${delivered.location.replace(/\/_history.*/, '')}`, { headers: { authorization: 'Bearer demo-records-token' } });
  const communication = await read.json();
  assert.equal(communication.subject.reference, `Patient/${ids[1]}`);
  assert.equal(communication.sender.identifier.value, '9144889', 'the author is the launching clinician');
  // The handout for the chosen group: a PDF without the patient's name, unless the clinician asks.
  const group = ctx.recipients[0].sections.municipality[0];
  const handoutUrl = (extra = '') => `${app}/app/api/handout?recipient=patient&groups=${group.id}&lang=nn&format=pdf${extra}`;
  const pdf = await fetch(handoutUrl(), { headers: { cookie: cookie(jar) } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  const text = (bytes) => execFileSync('pdftotext', ['-', '-'], { input: bytes }).toString();
  const plain = text(Buffer.from(await pdf.arrayBuffer()));
  assert.ok(plain.includes(group.name), 'the chosen group is on the handout');
  const patient = await (await fetch(`${ehrBase}/fhir/R4/Patient/${ids[1]}`, { headers: { authorization: 'Bearer demo-records-token' } })).json();
  const family = patient.name[0].family;
  assert.ok(!plain.includes(family), 'no name unless asked');
  const named = await fetch(handoutUrl('&printName=1'), { headers: { cookie: cookie(jar) } });
  assert.ok(text(Buffer.from(await named.arrayBuffer())).includes(family), 'the name when the clinician asks');
  assert.equal((await fetch(handoutUrl())).status, 401, 'no handout without a session');
  assert.equal((await fetch(`${app}/app/api/handout?recipient=patient&groups=nope&lang=nb`, { headers: { cookie: cookie(jar) } })).status, 400);

  // Only what was committed is answered 202, and nothing about the patient is logged.
  assert.ok(!service.log.includes(ids[1]), 'the log does not name the patient');
  assert.ok(!service.log.includes(family), 'nor by name');
});

test('a launch from an EHR the app is not registered with, or a replayed callback, is refused', async () => {
  const foreign = await fetch(`${app}/app/launch?iss=${encodeURIComponent('https://evil.example/fhir')}&launch=x`, { redirect: 'manual' });
  assert.equal(foreign.status, 403);
  const replay = await fetch(`${app}/app/callback?state=not-a-state&code=x`, { redirect: 'manual' });
  assert.equal(replay.status, 401);
  const noSession = await fetch(`${app}/app/api/context`);
  assert.equal(noSession.status, 401);
});

test('the demo\'s auditor evaluates the Measure over the demo record system with a token from demo-token --sub', async () => {
  const url = `${service.base}/fhir/Measure/$evaluate-measure`;
  const token = (sub) => execFileSync(BIN, ['demo-token', '--key', path.join(ROOT, 'config/demo/demo-ehr-key.pem'),
    '--iss', 'https://demo-ehr.example', '--aud', url, ...(sub ? ['--sub', sub] : [])]).toString().trim();
  const ask = (sub) => fetch(`${url}?periodStart=2026-01-01&periodEnd=2026-12-31`, { headers: { authorization: `Bearer ${token(sub)}` } });
  assert.equal((await ask()).status, 403, 'a token naming no one is not the auditor');
  const answer = await ask('demo-auditor');
  const report = await answer.json();
  assert.equal(answer.status, 200, JSON.stringify(report));
  assert.equal(report.resourceType, 'MeasureReport');
  assert.equal(report.status, 'complete');
});
