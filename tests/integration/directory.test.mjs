// The group directory as FHIR: GET /directory/groups and `selvhjelp directory list|export`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, startService } from './harness.mjs';
import { validateWithFhirJs, validateWithMedplum } from './validators.mjs';

const BIN = process.env.SELVHJELP_BIN || path.join(ROOT, 'build/plugin/selvhjelp');
const DEMO = path.join(ROOT, 'config/demo.json');

function assertValid(resource, what) {
  assert.deepEqual(validateWithMedplum(resource), [], `Medplum: ${what}`);
  assert.deepEqual(validateWithFhirJs(resource), [], `fhir.js: ${what}`);
}

describe('directory', () => {
  let service;
  before(async () => { service = await startService(); });
  after(async () => { await service?.cleanup(); });

  const query = async (q) => {
    const r = await fetch(`${service.base}/directory/groups${q}`);
    return { status: r.status, type: r.headers.get('content-type'), json: await r.json() };
  };

  test('groups for Bergen, in card order, as valid HealthcareService resources', async () => {
    const r = await query('?municipality=4601');
    assert.equal(r.status, 200);
    assert.match(r.type, /application\/fhir\+json/);
    assert.equal(r.json.type, 'searchset');
    const services = r.json.entry.map((e) => e.resource);
    assert.equal(r.json.total, services.length);
    assert.deepEqual(services.slice(0, 2).map((s) => s.contained[0].address.city), ['Bergen', 'Bergen']);
    assert.ok(services.some((s) => !s.location), 'digital groups have no place');
    assertValid(r.json, 'searchset Bundle');
    for (const s of services) {
      assertValid(s, s.name);
      const national = s.characteristic.some((c) => c.coding[0].code === 'national-service');
      // every demo group is synthetic; the national services (config/demo/national-services.json) are real
      assert.equal(s.meta?.tag?.[0]?.code, national ? undefined : 'HTEST', s.name);
    }
    const weekly = services.find((s) => s.name.startsWith('AA-gruppe Bergen'));
    assert.deepEqual(weekly.availableTime, [{ daysOfWeek: ['mon'], availableStartTime: '19:30:00', availableEndTime: '21:00:00' }]);
  });

  test('a monthly rule R4 cannot express is kept in availabilityExceptions', async () => {
    const r = await query('?municipality=0301&audience=relatives');
    const monthly = r.json.entry.map((e) => e.resource).find((s) => s.name.startsWith('Al-Anon-gruppe Majorstuen'));
    assert.equal(monthly.availableTime, undefined);
    assert.match(monthly.availabilityExceptions, /FREQ=MONTHLY;BYDAY=2TU/);
  });

  test('filters: theme and audience; without a place, every group', async () => {
    const relatives = await query('?audience=relatives');
    for (const e of relatives.json.entry) {
      assert.ok(e.resource.characteristic.some((c) => ['for-relatives', 'for-both'].includes(c.coding[0].code)));
    }
    const drugs = await query('?municipality=5001&theme=drugs');
    assert.ok(drugs.json.entry.length > 0);
    for (const e of drugs.json.entry) assert.ok(e.resource.type.some((t) => t.coding[0].code === 'drugs'));
    const none = await query('?municipality=5501&theme=no-such-theme');
    assert.equal(none.json.total, 0);
  });

  test('bad parameters are 400 with an OperationOutcome naming them', async () => {
    for (const [q, field] of [['?municipality=46', 'municipality'], ['?audience=everyone', 'audience'], ['?kommune=4601', 'kommune']]) {
      const r = await query(q);
      assert.equal(r.status, 400, q);
      assert.deepEqual(r.json.issue[0].expression, [field]);
    }
  });

  test('CLI: list shows what a card would show; export is a valid Bundle of every group', () => {
    const list = spawnSync(BIN, ['directory', 'list', DEMO, '--municipality', '5501'], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    const lines = list.stdout.trim().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(lines.map((l) => l[0]), ['municipality', 'municipality', 'digital', 'digital', 'national']);
    const bad = spawnSync(BIN, ['directory', 'list', DEMO, '--municipality', '55'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    const exported = spawnSync(BIN, ['directory', 'export', DEMO, '--format', 'fhir'], { encoding: 'utf8', maxBuffer: 1 << 24 });
    assert.equal(exported.status, 0, exported.stderr);
    const bundle = JSON.parse(exported.stdout);
    assert.equal(bundle.type, 'collection');
    assert.equal(bundle.entry.length, 19);  // 16 demo listings and 3 national services
    assertValid(bundle, 'exported Bundle');
  });
});
