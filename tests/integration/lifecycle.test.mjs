// The service's lifecycle against hostile and hanging peers (issue 11, items 0, 2 and 7): sources
// are read after the listener is up and within their bounds, SIGTERM ends every outgoing call at
// once (sources, write-back, audit) and loses no acknowledged record, and readiness says so while
// the store cannot write (a real full disk: a tiny tmpfs).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { get, listenOnFreePort, post, signToken, startService, waitFor, withResources } from './harness.mjs';
import { bergen, fullPrefetch, hookRequest, syntheticFnr } from './fixtures.mjs';

const PV = '/cds-services/selvhjelp-patient-view';
const FNR = syntheticFnr(13, 11, 69, 4);

// An HTTP server of the test's own that answers with `handle(req, res)`; it counts requests and
// destroys every open connection on stop (a hanging handler never answers).
async function startFake(handle) {
  const sockets = new Set();
  const fake = { requests: 0 };
  const server = http.createServer((req, res) => {
    fake.requests += 1;
    handle(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listenOnFreePort(server);
  fake.url = `http://127.0.0.1:${port}`;
  fake.stop = () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(resolve); });
  return fake;
}

const hang = () => startFake(() => {});  // accepts, reads the request, never answers

// An HSDS API that claims a billion pages, each with one valid service.
const endlessHsds = () => startFake((req, res) => {
  const page = Number(new URL(req.url, 'http://x').searchParams.get('page') ?? 1);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({
    total_pages: 1e9, page_number: page, contents: [{
      id: `svc-${page}`, name: `Gruppe ${page}`, status: 'active', organization: { name: 'AA' }, schedules: [],
      service_at_locations: [{ location: { location_type: 'virtual' } }],
    }],
  }));
});

// A JSON group file that never ends (chunked, a megabyte at a time, until the client goes).
const endlessFile = () => startFake((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('[');
  const chunk = `${'{"id":"x","name":"y"},'.repeat(40000)}`;
  const more = () => { if (!res.destroyed) res.write(chunk, () => setImmediate(more)); };
  more();
});

// SIGTERM; resolves with the exit code and how long the exit took.
function terminate(service) {
  return new Promise((resolve) => {
    const started = Date.now();
    service.child.once('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - started }));
    service.child.kill('SIGTERM');
  });
}

async function directoryStatus(service) { return (await get(service, '/directory/status')).json; }

describe('sources cannot hurt the service', () => {
  test('a billion pages, an endless file and a hanging API: bounded reads, listening at once, SIGTERM exits', async () => {
    await withResources(async (use) => {
      const endless = use(await endlessHsds());
      const stream = use(await endlessFile());
      const hanging = use(await hang());
      const started = Date.now();
      const service = use(await startService((config) => {
        config.groups.sources.push(
          { name: 'billion-pages', type: 'hsds-api', url: `${endless.url}/api`, maxPages: 25 },
          { name: 'endless-file', type: 'json', url: `${stream.url}/groups.json`, maxBytes: 2 * 1024 * 1024 },
          { name: 'hanging', type: 'hsds-api', url: `${hanging.url}/api` },
        );
      }, { waitForSources: false }));
      // Sources over HTTP are read after the service listens: the hanging one (its timeout is 30 s)
      // and the billion pages never hold start-up.
      assert.ok(Date.now() - started < 25000, `listening after ${Date.now() - started} ms`);
      assert.equal((await fetch(`${service.base}/health`)).status, 200);
      const early = await directoryStatus(service);
      assert.equal(early.sources.find((s) => s.name === 'hanging').loading, true, 'the hanging source is loading');
      assert.equal(early.loading, true);
      // Hook calls are answered from what is loaded meanwhile (the demo's file source).
      const hook = await post(service, PV, hookRequest('patient-view', 'p-life', { prefetch: fullPrefetch('p-life', bergen) }));
      assert.equal(hook.status, 200, hook.text);

      const status = await waitFor(async () => {
        const s = await directoryStatus(service);
        const byName = Object.fromEntries(s.sources.map((x) => [x.name, x]));
        return byName['billion-pages'].lastError && byName['endless-file'].lastError && hanging.requests >= 1 && byName;
      }, 'the bounded sources reported and the hanging one asked');
      assert.match(status['billion-pages'].lastError, /maxPages \(25\)/);
      assert.equal(status['billion-pages'].stale, true);
      assert.equal(endless.requests, 25, 'the read stopped at the bound');
      assert.match(status['endless-file'].lastError, /maxBytes/);
      await waitFor(() => /group source billion-pages not read .*maxPages/.test(service.log), 'the bound logged');
      // The hanging source's read is in flight now (it answers nothing): SIGTERM cuts it off.
      assert.equal(status.hanging.loading, true, 'the hanging source is still being read');

      const exit = await terminate(service);
      assert.equal(exit.code, 0, `exit ${exit.code} ${exit.signal}`);
      assert.ok(exit.ms < 8000, `SIGTERM during a hanging source read took ${exit.ms} ms (its timeout is 30 s)`);
    });
  });
});

describe('stopping under load', () => {
  test('SIGTERM with a hanging EHR, an audit and records in flight: exits in seconds, no acknowledged record lost', async () => {
    await withResources(async (use) => {
      const ehr = use(await hang());
      const auditServer = use(await hang());
      const source = use(await hang());
      const service = use(await startService((config) => {
        config.records = { fhirServer: `${ehr.url}/fhir`, allowHttp: true, timeoutMs: 60000, retryInitialMs: 100 };
        config.audit = { ...config.audit, units: [], fhirServer: `${auditServer.url}/fhir`, allowHttp: true };
        config.groups.sources.push({ name: 'hanging', type: 'hsds-api', url: `${source.url}/api` });
      }, { waitForSources: false }));
      const record = () => ({
        id: crypto.randomUUID(),
        patient: { reference: 'Patient/pat-1', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: FNR } },
        practitioner: { reference: 'Practitioner/prac-1', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9144889' } },
        encounter: { reference: 'Encounter/enc-1' }, level: 'conversation', response: 'interested', groups: ['demo-bgo-aa-1'],
      });
      // Mid-audit: $evaluate-measure downloading from a server that never answers.
      const auditUrl = `${service.base}/fhir/Measure/$evaluate-measure?periodStart=2026-01-01&periodEnd=2026-06-30`;
      const audit = fetch(auditUrl, { headers: { authorization: `Bearer ${signToken({ aud: auditUrl.split('?')[0], sub: 'demo-auditor' })}` } })
        .then((r) => r.status, () => 'connection closed');
      await waitFor(() => auditServer.requests > 0, 'the audit reading its server');
      // Under load: records and hook calls from 8 clients until the service goes.
      const acknowledged = [];
      let stopping = false;
      const clients = Array.from({ length: 8 }, async (_, i) => {
        while (!stopping) {
          try {
            if (i % 2) {
              await post(service, PV, hookRequest('patient-view', `p-load-${i}`, { prefetch: fullPrefetch(`p-load-${i}`, bergen) }));
            } else {
              const body = record();
              const r = await post(service, '/records', body);
              if (r.status === 202) acknowledged.push(body.id);
              else assert.ok(r.status === 503 || r.status === 200, `record answered ${r.status}: ${r.text}`);
            }
          } catch {
            return;  // refused: the listener has closed
          }
        }
      });
      await waitFor(() => acknowledged.length >= 20 && ehr.requests > 0, 'records acknowledged and in delivery');
      const exit = await terminate(service);
      stopping = true;
      await Promise.all(clients);
      assert.equal(exit.code, 0, `exit ${exit.code} ${exit.signal}`);
      assert.ok(exit.ms < 8000, `SIGTERM took ${exit.ms} ms`);
      const auditAnswer = await audit;
      assert.notEqual(auditAnswer, 200, 'the audit was refused, not answered');

      await service.start();  // the same store
      for (const id of acknowledged) {
        const r = await get(service, `/records/${id}`);
        assert.equal(r.status, 200, `record ${id} acknowledged before the stop is in the store`);
        assert.equal(r.json.state, 'pending');
      }
    });
  });
});

describe('readiness', () => {
  test('/health is 503 with an OperationOutcome while the disk is full, 200 again when it is not', async (t) => {
    const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      fs.rmdirSync(mount);
      t.skip('needs permission to mount a tmpfs (root)');
      return;
    }
    try {
      await withResources(async (use) => {
        const service = use(await startService((config) => { config.store.path = path.join(mount, 'store.db'); }));
        assert.equal((await fetch(`${service.base}/health`)).status, 200);
        const filler = path.join(mount, 'filler');
        const fd = fs.openSync(filler, 'w');
        try {
          for (;;) fs.writeSync(fd, Buffer.alloc(64 * 1024, 1));
        } catch (e) {
          assert.equal(e.code, 'ENOSPC');
        } finally {
          fs.closeSync(fd);
        }
        // A hook call makes the store write its card rows, which fails now.
        await post(service, PV, hookRequest('patient-view', 'p-full', { prefetch: fullPrefetch('p-full', bergen) }));
        const refused = await waitFor(async () => {
          const r = await fetch(`${service.base}/health`);
          return r.status === 503 && r.json();
        }, 'not ready');
        assert.equal(refused.resourceType, 'OperationOutcome');
        assert.match(JSON.stringify(refused.issue), /not ready.*disk is full/);
        fs.rmSync(filler);
        await waitFor(async () => (await fetch(`${service.base}/health`)).status === 200, 'ready again');
      });
    } finally {
      execFileSync('umount', [mount]);
      fs.rmdirSync(mount);
    }
  });
});
