// What an operator relies on when deploying (docs/operations.md): the probes /livez and /readyz,
// X-Forwarded-* believed only from service.trustedProxies, and config values from the
// environment — all through the real binary over loopback.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, test } from 'node:test';
import { BIN, ROOT, listenOnFreePort, signToken, startService, waitFor, withResources } from './harness.mjs';
import { F10, bergen, condition, hookRequest, patient, searchset } from './fixtures.mjs';

const PV = '/cds-services/selvhjelp-patient-view';
const DEMO_GROUPS = fs.readFileSync(path.join(ROOT, 'config/demo/groups.json'));

// A group source over HTTP that holds every request until release() (a source still being read).
async function startHeldSource() {
  const held = [];
  let released = false;
  const answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(DEMO_GROUPS);
  const server = http.createServer((req, res) => (released ? answer(res) : held.push(res)));
  const port = await listenOnFreePort(server);
  return {
    url: `http://127.0.0.1:${port}/groups.json`,
    release() {
      released = true;
      for (const res of held.splice(0)) answer(res);
    },
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'selvhjelp.sykehus.example' };

async function hook(base, headers, audience) {
  const body = hookRequest('patient-view', 'p-fwd', {
    prefetch: { patient: patient('p-fwd', bergen), conditions: searchset(condition('c-fwd', 'p-fwd', F10)),
      informationRecords: null, relatedPersons: null, episodesOfCare: null, practitioner: null },
  });
  const r = await fetch(`${base}${PV}`, {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${signToken({ aud: audience })}`, ...headers },
  });
  return r.status;
}

describe('deployment: probes, proxies and values from the environment', () => {
  test('/readyz is 503 with an OperationOutcome until the directory has groups; /livez is 200 throughout', async () => {
    await withResources(async (use) => {
      const source = use(await startHeldSource());
      const service = use(await startService((c) => {
        c.groups.sources = [{ name: 'held', type: 'json', url: source.url, refreshSeconds: 3600 }];
      }, { waitForSources: false }));
      const live = await fetch(`${service.base}/livez`);
      assert.equal(live.status, 200);
      assert.deepEqual(await live.json(), { status: 'alive' });
      const notReady = await fetch(`${service.base}/readyz`);
      assert.equal(notReady.status, 503);
      assert.match(notReady.headers.get('content-type'), /application\/fhir\+json/);
      const outcome = await notReady.json();
      assert.equal(outcome.resourceType, 'OperationOutcome');
      assert.equal(outcome.issue[0].code, 'transient');
      assert.match(outcome.issue[0].diagnostics, /directory: no groups yet/);
      assert.equal((await fetch(`${service.base}/health`)).status, 200);  // /health as it was
      source.release();
      const ready = await waitFor(async () => {
        const r = await fetch(`${service.base}/readyz`);
        return r.status === 200 && r.json();
      }, 'readiness once the source is read');
      assert.deepEqual(ready, { status: 'ready' });
    });
  });

  test('X-Forwarded-Proto and -Host from a trusted proxy name the base URL of links and token audiences', async () => {
    await withResources(async (use) => {
      const service = use(await startService((c) => { c.service.trustedProxies = ['127.0.0.1/32', '::1']; }));
      const bundle = await (await fetch(`${service.base}/directory/HealthcareService?_count=1`, { headers: forwarded })).json();
      assert.ok(bundle.link[0].url.startsWith('https://selvhjelp.sykehus.example/directory/HealthcareService'), bundle.link[0].url);
      assert.equal(await hook(service.base, forwarded, `https://selvhjelp.sykehus.example${PV}`), 200);
      // Without the headers the listener's own URL is the audience again.
      assert.equal(await hook(service.base, {}, `https://selvhjelp.sykehus.example${PV}`), 401);
      assert.equal(await hook(service.base, {}, `${service.base}${PV}`), 200);
    });
  });

  test('X-Forwarded-* from any other peer is ignored', async () => {
    await withResources(async (use) => {
      const service = use(await startService((c) => { c.service.trustedProxies = ['10.0.0.0/8']; }));
      const bundle = await (await fetch(`${service.base}/directory/HealthcareService?_count=1`, { headers: forwarded })).json();
      assert.ok(bundle.link[0].url.startsWith(`${service.base}/directory/HealthcareService`), bundle.link[0].url);
      assert.equal(await hook(service.base, forwarded, `https://selvhjelp.sykehus.example${PV}`), 401);
      assert.equal(await hook(service.base, forwarded, `${service.base}${PV}`), 200);
    });
  });

  test('a value from the environment; an unset variable is named by file, line and field', async () => {
    process.env.SELVHJELP_IT_PUBLIC_BASE = 'https://from-env.sykehus.example';
    try {
      await withResources(async (use) => {
        const service = use(await startService((c) => { c.service.publicBaseUrl = '${env:SELVHJELP_IT_PUBLIC_BASE}'; }));
        const bundle = await (await fetch(`${service.base}/directory/HealthcareService?_count=1`)).json();
        assert.ok(bundle.link[0].url.startsWith('https://from-env.sykehus.example/directory/'), bundle.link[0].url);
        delete process.env.SELVHJELP_IT_PUBLIC_BASE;
        const check = spawnSync(BIN, ['check-config', service.configPath], { encoding: 'utf8' });
        assert.equal(check.status, 1);
        assert.match(check.stdout + check.stderr,
          /config\.json:\d+: service\.publicBaseUrl: environment variable SELVHJELP_IT_PUBLIC_BASE is not set/);
      });
    } finally {
      delete process.env.SELVHJELP_IT_PUBLIC_BASE;
    }
  });
});
