// The directory as a small read-only FHIR server: every fullUrl of /directory/groups resolves as
// a FHIR read (ETag, Last-Modified, 304), the CapabilityStatement, the search; and groups whose
// source stops answering turn stale (shown marked, or hidden).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { listenOnFreePort, startService, waitFor } from './harness.mjs';
import { validateWithFhirJs, validateWithMedplum } from './validators.mjs';

const STALE = 'https://selvhjelp.example/fhir/StructureDefinition/listing-stale';

function assertValid(resource, what) {
  assert.deepEqual(validateWithMedplum(resource), [], `Medplum: ${what}`);
  assert.deepEqual(validateWithFhirJs(resource), [], `fhir.js: ${what}`);
}

describe('directory as a FHIR server', () => {
  let service;
  before(async () => { service = await startService(); });
  after(async () => { await service?.cleanup(); });

  const get = async (url, headers = {}) => {
    const r = await fetch(url, { headers });
    const text = await r.text();
    return { status: r.status, headers: r.headers, json: text ? JSON.parse(text) : undefined };
  };

  test('every fullUrl of /directory/groups resolves to the same valid resource, with ETag and Last-Modified', async () => {
    const listing = await get(`${service.base}/directory/groups`);
    assert.equal(listing.status, 200);
    assert.ok(listing.json.entry.length >= 10);
    for (const entry of listing.json.entry) {
      const read = await get(entry.fullUrl);
      assert.equal(read.status, 200, entry.fullUrl);
      assert.match(read.headers.get('content-type'), /application\/fhir\+json/);
      assert.deepEqual(read.json, entry.resource);
      assert.equal(read.headers.get('etag'), `W/"${read.json.meta.versionId}"`);
      assert.ok(read.json.meta.lastUpdated, 'when its source last confirmed it');
      assert.equal(new Date(read.headers.get('last-modified')).toISOString(), new Date(read.json.meta.lastUpdated).toISOString());
      assert.ok(!(read.json.extension ?? []).some((x) => x.url === STALE), 'the demo file was read just now: not stale');
      assertValid(read.json, read.json.id);
    }
  });

  test('If-None-Match with the current version is 304; another version is 200', async () => {
    const url = (await get(`${service.base}/directory/groups`)).json.entry[0].fullUrl;
    const first = await get(url);
    const etag = first.headers.get('etag');
    const again = await get(url, { 'If-None-Match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.json, undefined);
    assert.equal(again.headers.get('etag'), etag);
    assert.equal((await get(url, { 'If-None-Match': 'W/"0000000000000000"' })).status, 200);
  });

  test('an unknown id is 404 with an OperationOutcome', async () => {
    const r = await get(`${service.base}/directory/HealthcareService/no-such-group`);
    assert.equal(r.status, 404);
    assert.equal(r.json.resourceType, 'OperationOutcome');
    assert.equal(r.json.issue[0].code, 'not-found');
  });

  test('the CapabilityStatement is valid and lists read, search-type and the search parameters', async () => {
    const r = await get(`${service.base}/directory/metadata`);
    assert.equal(r.status, 200);
    assertValid(r.json, 'CapabilityStatement');
    assert.equal(r.json.kind, 'instance');
    assert.equal(r.json.fhirVersion, '4.0.1');
    assert.deepEqual(r.json.format, ['json']);
    const resource = r.json.rest[0].resource.find((x) => x.type === 'HealthcareService');
    assert.deepEqual(resource.interaction.map((i) => i.code), ['read', 'search-type']);
    assert.deepEqual(resource.searchParam.map((p) => p.name), ['_id', '_lastUpdated', 'service-category', 'service-type', 'location']);
  });

  test('search by _id, location.address-city, service-category, _lastUpdated; paged by _count', async () => {
    const search = (q, headers) => get(`${service.base}/directory/HealthcareService${q}`, headers);
    const bergen = await search('?location.address-city=bergen');
    assert.equal(bergen.status, 200);
    assertValid(bergen.json, 'searchset');
    assert.ok(bergen.json.total >= 2);
    for (const e of bergen.json.entry) assert.equal(e.resource.contained[0].address.city, 'Bergen');
    const one = await search(`?_id=${bergen.json.entry[0].resource.id}`);
    assert.deepEqual(one.json.entry.map((e) => e.resource.id), [bergen.json.entry[0].resource.id]);
    const all = await search('?service-category=self-help-groups');
    const since = await search(`?_lastUpdated=ge${new Date(Date.now() - 3600e3).toISOString().slice(0, 19)}Z`);
    assert.equal(since.json.total, all.json.total);
    assert.equal((await search('?_lastUpdated=lt2000-01-01')).json.total, 0);
    // Pages: follow next until the end; every group once.
    const seen = [];
    let page = await search('?_count=5');
    for (;;) {
      assert.ok(page.json.entry.length <= 5);
      seen.push(...page.json.entry.map((e) => e.resource.id));
      const next = page.json.link.find((l) => l.relation === 'next');
      if (!next) break;
      page = await get(next.url);
    }
    assert.equal(seen.length, all.json.total);
    assert.equal(new Set(seen).size, seen.length);
  });

  test('unknown parameters are 400 naming each, or ignored with Prefer: handling=lenient', async () => {
    const strict = await get(`${service.base}/directory/HealthcareService?name=x&city=Bergen&_count=-1`);
    assert.equal(strict.status, 400);
    assert.deepEqual(strict.json.issue.map((i) => i.expression[0]).sort(), ['_count', 'city', 'name']);
    const lenient = await get(`${service.base}/directory/HealthcareService?name=x&location.address-city=Bergen`,
      { Prefer: 'handling=lenient' });
    assert.equal(lenient.status, 200);
    assertValid(lenient.json, 'lenient searchset');
    const outcome = lenient.json.entry.find((e) => e.search.mode === 'outcome').resource;
    assert.deepEqual(outcome.issue.map((i) => i.expression[0]), ['name']);
    assert.doesNotMatch(lenient.json.link[0].url, /name=/);
  });
});

describe('staleness: a source that stops answering', () => {
  let feed;
  let shown;
  let hidden;
  const meetings = JSON.stringify([{ name: 'Online staleness test (synthetic)', slug: 'stale-1', day: 2, time: '19:00',
    types: ['ONL'], attendance_option: 'online' }]);

  before(async () => {
    feed = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(meetings);
    });
    const port = await listenOnFreePort(feed);
    const source = { name: 'aa-feed', type: 'meeting-guide', url: `http://127.0.0.1:${port}/feed.json`, organisation: 'AA',
      themes: ['alcohol'], refreshSeconds: 1 };
    const edit = (staleGroups) => (config) => {
      config.groups.sources = [source];
      config.groups.staleAfterSeconds = 3;
      config.groups.staleGroups = staleGroups;
    };
    shown = await startService(edit('show'));
    hidden = await startService(edit('hide'));
  });
  after(async () => {
    await shown?.cleanup();
    await hidden?.cleanup();
    feed?.closeAllConnections();
    feed?.close();
  });

  const groups = async (service) => (await (await fetch(`${service.base}/directory/groups`)).json()).entry ?? [];

  test('shown marked stale, or hidden, once the source has not answered for staleAfterSeconds', async () => {
    const [group] = (await groups(shown)).map((e) => e.resource);
    assert.equal(group.name, 'Online staleness test (synthetic)');
    assert.equal(group.extension, undefined);
    assert.equal((await groups(hidden)).length, 1);
    const confirmed = Date.parse(group.meta.lastUpdated);
    feed.closeAllConnections();
    await new Promise((resolve) => feed.close(resolve));  // the source stops answering
    await waitFor(async () => (await groups(shown))[0]?.resource.extension?.some((x) => x.url === STALE && x.valueBoolean),
      'the group to be marked stale');
    const [stale] = (await groups(shown)).map((e) => e.resource);
    assert.ok(Date.parse(stale.meta.lastUpdated) >= confirmed, 'lastUpdated: its last confirmation');
    assertValid(stale, 'a stale HealthcareService');
    const read = await fetch(`${shown.base}/directory/HealthcareService/${stale.id}`);
    assert.ok((await read.json()).extension.some((x) => x.url === STALE));
    const status = await (await fetch(`${shown.base}/directory/status`)).json();
    assert.equal(status.sources[0].stale, true);
    await waitFor(async () => (await groups(hidden)).length === 0, 'the stale group to be hidden');
    const found = await (await fetch(`${hidden.base}/directory/HealthcareService?_id=${stale.id}`)).json();
    assert.equal(found.total, 0, 'hidden from searches');
    // A fullUrl handed out before it was hidden still reads, marked stale.
    const kept = await fetch(`${hidden.base}/directory/HealthcareService/${stale.id}`);
    assert.equal(kept.status, 200);
    assert.ok((await kept.json()).extension.some((x) => x.url === STALE));
  });
});
