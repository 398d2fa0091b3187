// A FHIR HealthcareService directory served by the real FHIR server, as a group source:
// loaded, refreshed, failing mid-run (last good content kept) and a restart while it is down.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, startFhirPeer, startService, waitFor } from './harness.mjs';

const BIN = process.env.SELVHJELP_BIN || path.join(ROOT, 'build/plugin/selvhjelp');

describe('FHIR directory source', () => {
  let peer;
  let service;
  let bergenTotal;
  const json = async (p) => (await fetch(`${service.base}${p}`)).json();

  before(async () => {
    peer = await startFhirPeer();
    // The regional directory: our own demo groups, exported as FHIR and stored in the real server.
    const exported = spawnSync(BIN, ['directory', 'export', path.join(ROOT, 'config/demo.json'), '--format', 'fhir'],
      { encoding: 'utf8', maxBuffer: 1 << 24 });
    assert.equal(exported.status, 0, exported.stderr);
    for (const entry of JSON.parse(exported.stdout).entry) await peer.put(entry.resource);
    service = await startService((config) => {
      config.groups.sources = [{ name: 'regional-fhir', type: 'fhir', url: peer.base, refreshSeconds: 1 }];
    });
  });
  after(async () => {
    await service?.cleanup();
    await peer?.stop();
  });

  test('groups read from the FHIR server are served and matched by place', async () => {
    const status = await json('/directory/status');
    assert.equal(status.sources[0].name, 'regional-fhir');
    assert.equal(status.sources[0].groups, 19);  // the demo's 16 and 3 national services
    assert.equal(status.sources[0].stale, false);
    for (const time of [status.sources[0].lastAttempt, status.sources[0].lastSuccess]) {
      assert.match(time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);  // ISO 8601, as docs/group-sources.md says
    }
    const bergen = await json('/directory/groups?municipality=4601');
    bergenTotal = bergen.total;
    assert.equal(bergenTotal, 5); // 2 in Bergen (one the LINK centre), 2 digital, 1 national service
    const names = bergen.entry.map((e) => e.resource.name);
    assert.equal(names[0], 'AA-gruppe Bergen sentrum (syntetisk)');
    const weekly = bergen.entry[0].resource;
    assert.deepEqual(weekly.availableTime[0].daysOfWeek, ['mon']); // the schedule survived the round trip
  });

  test('the source fails mid-run: last good content kept and reported stale; a restart while down still serves it', async () => {
    await peer.stop();
    const status = await waitFor(async () => {
      const s = await json('/directory/status');
      return s.sources[0].stale ? s : null;
    }, 'the source to be reported stale');
    assert.match(status.sources[0].lastError, /unreachable|did not answer/);
    assert.equal((await json('/directory/groups?municipality=4601')).total, bergenTotal);
    await service.stop();
    await service.start();  // the FHIR server is still down (start waits for the attempt to read it)
    const after = await json('/directory/status');
    assert.equal(after.sources[0].stale, true);
    assert.equal(after.sources[0].groups, 19);
    assert.equal((await json('/directory/groups?municipality=4601')).total, bergenTotal);
    await waitFor(() => /group source \S+ not read/.test(service.log), 'the failed read logged');
  });
});
