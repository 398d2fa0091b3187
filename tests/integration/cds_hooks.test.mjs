// End-to-end: our service and a real FHIR server over loopback sockets.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { get, post, signToken, startDeadEndpoint, startFhirPeer, startService, waitFor, withResources } from './harness.mjs';
import { validateWithFhirJs, validateWithMedplum } from './validators.mjs';
import { F10, bergen, condition, fullPrefetch, hookRequest, osloCoded, patient, searchset } from './fixtures.mjs';

const PV = '/cds-services/selvhjelp-patient-view';
const ES = '/cds-services/selvhjelp-encounter-start';
const ED = '/cds-services/selvhjelp-encounter-discharge';
describe('selvhjelp CDS Hooks service against a real FHIR server', () => {
  let peer;
  let service;
  before(async () => {
    peer = await startFhirPeer();
    service = await startService();
  });
  after(async () => {
    await service?.cleanup();
    await peer?.stop();
  });

  test('discovery lists the three hooks with prefetch templates', async () => {
    const r = await get(service, '/cds-services');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.services.map((s) => s.hook).sort(), ['encounter-discharge', 'encounter-start', 'patient-view']);
    for (const s of r.json.services) {
      assert.ok(s.id && s.description && s.prefetch.patient && s.prefetch.conditions && s.prefetch.informationRecords);
    }
  });

  test("the spec's example request (patient-view, 2.0.1 shape) is accepted and data fetched", async () => {
    await peer.put({ resourceType: 'Patient', id: '1288992' });
    const body = {
      hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
      fhirServer: peer.base,
      hook: 'patient-view',
      fhirAuthorization: { access_token: 'some-opaque-fhir-access-token', token_type: 'Bearer', expires_in: 300, scope: 'user/Patient.read user/Observation.read', subject: 'cds-service4' },
      context: { userId: 'Practitioner/example', patientId: '1288992', encounterId: '89284' },
      prefetch: { patientToGreet: { resourceType: 'Patient', gender: 'male', birthDate: '1925-12-23', id: '1288992', active: true } },
    };
    const r = await post(service, PV, body);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.cards, []); // no substance-use diagnosis: no card
  });

  test("the spec's extension example: extensions are ignored, the missing patientId is named", async () => {
    const body = {
      hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', fhirServer: 'http://fhir.example.org:9080', hook: 'patient-view',
      context: { userId: 'Practitioner/example' },
      extension: { 'com.example.timestamp': '2017-11-27T22:13:25Z', 'com.cds-hooks.sandbox.myextension-practitionerspecialty': 'gastroenterology' },
    };
    const r = await post(service, PV, body);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json.issue[0].expression, ['context.patientId']);
    body.context.patientId = 'p-ext';
    body.prefetch = fullPrefetch('p-ext', bergen);
    const ok = await post(service, PV, body);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.cards.length, 1);
  });

  test('a 1.0-shaped request (no fhirAuthorization, full prefetch) gets cards', async () => {
    const r = await post(service, PV, hookRequest('patient-view', 'p-v1', { prefetch: fullPrefetch('p-v1', bergen) }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.cards.length, 1);
  });

  test('prefetch present: card with local groups, valid FHIR in every suggestion', async () => {
    const r = await post(service, PV, hookRequest('patient-view', 'p-pre', {
      prefetch: fullPrefetch('p-pre', bergen, { relatedPersons: searchset({ resourceType: 'RelatedPerson', id: 'rp-1', patient: { reference: 'Patient/p-pre' } }) }),
    }));
    assert.equal(r.status, 200, r.text);
    const [card, relatives] = r.json.cards;
    assert.ok([...card.summary].length < 140);
    assert.match(card.detail, /Bergen/);
    assert.match(card.detail, /LINK Bergen og omegn/); // a non-12-step contact point
    assert.equal(card.selectionBehavior, 'at-most-one');
    // Brokered contact is not a card's one click: its consent is recorded in the app (domain rule 9).
    const levels = (c) => c.suggestions.map((s) => s.actions[0].resource.extension
      .find((e) => e.url.endsWith('/intervention-level')).valueCoding.code);
    assert.deepEqual(levels(card), ['written', 'conversation']);
    assert.deepEqual(levels(relatives), ['written', 'conversation']);
    assert.ok(card.overrideReasons.every((o) => o.system && o.code && o.display));
    assert.doesNotMatch(JSON.stringify(r.json), /henvis|ServiceRequest/i); // never referral
    assert.match(relatives.summary, /Pårørende/);
    assert.deepEqual(relatives.suggestions[0].actions[0].resource.recipient, [{ reference: 'RelatedPerson/rp-1' }]);
    for (const c of r.json.cards) {
      for (const s of c.suggestions) {
        for (const a of s.actions) {
          assert.equal(a.type, 'create');
          assert.deepEqual(validateWithMedplum(a.resource), [], `Medplum: ${s.label}`);
          assert.deepEqual(validateWithFhirJs(a.resource), [], `fhir.js: ${s.label}`);
        }
      }
    }
  });

  test('prefetch absent: data is read from the FHIR server with the bearer token', async () => {
    await peer.put(patient('p-fetch', osloCoded));
    await peer.put(condition('c-fetch', 'p-fetch', { system: 'http://hl7.org/fhir/sid/icpc-2', code: 'P15' }));
    await peer.put({ resourceType: 'RelatedPerson', id: 'rp-fetch', patient: { reference: 'Patient/p-fetch' }, active: true });
    const r = await post(service, PV, hookRequest('patient-view', 'p-fetch', { fhirServer: peer.base }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.cards.length, 2);
    assert.match(r.json.cards[0].detail, /Grünerløkka|Sentrum/); // Oslo groups from the coded municipality
    assert.match(r.json.cards[1].detail, /Al-Anon/);
  });

  test('an OperationOutcome prefetch value is fetched again; null is not', async () => {
    await peer.put(patient('p-oo', bergen));
    await peer.put(condition('c-oo', 'p-oo', F10));
    const failed = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] };
    const r = await post(service, PV, hookRequest('patient-view', 'p-oo', {
      fhirServer: peer.base, prefetch: { patient: failed, conditions: failed, informationRecords: null },
    }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.cards.length, 1);
    // Every key null or data, FHIR server unreachable: nothing is fetched, so no 412.
    await withResources(async (use) => {
      const dead = use(await startDeadEndpoint());
      const r2 = await post(service, PV, hookRequest('patient-view', 'p-null', {
        fhirServer: dead.url, prefetch: fullPrefetch('p-null', bergen),
      }));
      assert.equal(r2.status, 200, r2.text);
    });
  });

  test('412 with an OperationOutcome when required data cannot be had', async () => {
    await withResources(async (use) => {
      const dead = use(await startDeadEndpoint());
      const r = await post(service, PV, hookRequest('patient-view', 'p-412', { fhirServer: dead.url }));
      assert.equal(r.status, 412, r.text);
      assert.equal(r.json.resourceType, 'OperationOutcome');
    });
    const r2 = await post(service, PV, hookRequest('patient-view', 'p-412b', {}));
    assert.equal(r2.status, 412);
  });

  test('no card for tobacco only, for a patient informed recently, or who declined recently', async () => {
    const tobacco = await post(service, PV, hookRequest('patient-view', 'p-tob', {
      prefetch: { ...fullPrefetch('p-tob', bergen), conditions: searchset(condition('c-t', 'p-tob', { system: 'http://hl7.org/fhir/sid/icd-10', code: 'F17.2' })) },
    }));
    assert.deepEqual(tobacco.json.cards, []);
    const record = (response, daysAgo) => ({
      resourceType: 'Communication', id: 'comm-1', status: 'completed',
      category: [{ coding: [{ system: 'https://selvhjelp.example/fhir/CodeSystem/selvhjelp-category', code: 'self-help-information' }] }],
      subject: { reference: 'Patient/p-inf' }, recipient: [{ reference: 'Patient/p-inf' }],
      sent: new Date(Date.now() - daysAgo * 86400000).toISOString(),
      extension: response ? [{ url: 'https://selvhjelp.example/fhir/StructureDefinition/patient-response',
        valueCoding: { system: 'https://selvhjelp.example/fhir/CodeSystem/patient-response', code: response } }] : [],
    });
    const call = (rec) => post(service, PV, hookRequest('patient-view', 'p-inf', { prefetch: fullPrefetch('p-inf', bergen, { informationRecords: searchset(rec) }) }));
    assert.deepEqual((await call(record('', 10))).json.cards, []); // informed 10 days ago
    assert.equal((await call(record('', 400))).json.cards.length, 1); // informed > 365 days ago
    assert.deepEqual((await call(record('declined', 30))).json.cards, []); // declined within 90 days
    assert.equal((await call(record('declined', 120))).json.cards.length, 1); // re-offered after 90
  });

  test('encounter-start twice: no repeated card once feedback records the information; survives restart', async () => {
    const request = () => hookRequest('encounter-start', 'pt-enc-1', { encounterId: 'enc-1', prefetch: fullPrefetch('pt-enc-1', bergen, { encounter: null }) });
    const first = await post(service, ES, request());
    assert.equal(first.json.cards.length, 1);
    const card = first.json.cards[0];
    const feedback = { feedback: [{ card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: card.suggestions[1].uuid }], outcomeTimestamp: new Date().toISOString() }] };
    assert.equal((await post(service, `${ES}/feedback`, feedback)).status, 200);
    assert.equal((await post(service, `${ES}/feedback`, feedback)).status, 200); // idempotent
    assert.deepEqual((await post(service, ES, request())).json.cards, []);
    await service.stop();
    await service.start();
    assert.deepEqual((await post(service, ES, request())).json.cards, []); // nothing accepted was lost
  });

  test('cards.repeatAfterMinutes: the chart opened again shows no second card; another encounter, another hook, or 0 do', async () => {
    const repeating = await startService((c) => { c.cards.repeatAfterMinutes = 60; });
    try {
      const call = (hook, path, encounterId) => post(repeating, path, hookRequest(hook, 'pt-rep', {
        encounterId, prefetch: fullPrefetch('pt-rep', bergen, { encounter: null }) }));
      assert.equal((await call('encounter-start', ES, 'enc-a')).json.cards.length, 1);
      assert.deepEqual((await call('encounter-start', ES, 'enc-a')).json.cards, [], 'the same card a moment ago');
      assert.equal((await call('encounter-start', ES, 'enc-b')).json.cards.length, 1, 'another encounter');
      assert.equal((await call('encounter-discharge', ED, 'enc-a')).json.cards.length, 1, 'another hook: the discharge');
    } finally {
      await repeating.stop();
    }
    // This suite's service runs with the demo's 0: a card on every call.
    const again = () => post(service, PV, hookRequest('patient-view', 'pt-rep0', { prefetch: fullPrefetch('pt-rep0', bergen) }));
    assert.equal((await again()).json.cards.length, 1);
    assert.equal((await again()).json.cards.length, 1);
  });

  test('"not relevant now" at admission puts the card off for the stay, not past the discharge, the last reminder', async () => {
    const request = (hook) => hookRequest(hook, 'pt-enc-2', { encounterId: 'enc-2', prefetch: fullPrefetch('pt-enc-2', bergen, { encounter: null }) });
    const [card] = (await post(service, ES, request('encounter-start'))).json.cards;
    assert.ok(card.overrideReasons.some((r) => r.code === 'not-relevant-now'));
    const notNow = { feedback: [{ card: card.uuid, outcome: 'overridden', outcomeTimestamp: new Date().toISOString(),
      overrideReason: { reason: card.overrideReasons.find((r) => r.code === 'not-relevant-now') } }] };
    assert.equal((await post(service, `${ES}/feedback`, notNow)).status, 200);
    assert.deepEqual((await post(service, ES, request('encounter-start'))).json.cards, [], 'put off for this stay');
    const discharge = (await post(service, ED, request('encounter-discharge'))).json.cards;
    assert.equal(discharge.length, 1, 'the discharge still reminds');
    assert.deepEqual(discharge[0].overrideReasons.map((r) => r.code), ['declined', 'already-attends', 'informed-elsewhere']);
  });

  test('language: hospital default nb, clinician nynorsk, Accept-Language English', async () => {
    const nn = { resourceType: 'Practitioner', id: 'prac-1', communication: [{ coding: [{ system: 'urn:ietf:bcp:47', code: 'nn' }] }] };
    const r1 = await post(service, PV, hookRequest('patient-view', 'p-nn', { prefetch: fullPrefetch('p-nn', bergen, { practitioner: nn }) }));
    assert.match(r1.json.cards[0].summary, /sjølvhjelpsgrupper/);
    const r2 = await post(service, PV, hookRequest('patient-view', 'p-en', { prefetch: fullPrefetch('p-en', bergen) }), { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    assert.match(r2.json.cards[0].summary, /self-help groups/);
    assert.equal(r2.json.cards[0].overrideReasons[0].display, 'Declined for now');
  });

  test('bad input: 400/404/413 with an OperationOutcome naming the field; never a crash', async () => {
    const cases = [
      ['{not json', 400, undefined],
      [JSON.stringify({ hook: 'patient-view', hookInstance: 'x', context: { userId: 'Practitioner/1' } }), 400, 'context.patientId'],
      [JSON.stringify({ hook: 'order-sign', hookInstance: 'x', context: {} }), 400, 'hook'],
      [JSON.stringify({ hook: 'patient-view', hookInstance: 7, context: {} }), 400, 'hookInstance'],
      [JSON.stringify({ hook: 'patient-view', hookInstance: 'x', context: { userId: 'Practitioner/1', patientId: 'p' }, prefetch: [] }), 400, 'prefetch'],
      [JSON.stringify({ hook: 'encounter-start', hookInstance: 'x', context: { userId: 'Practitioner/1', patientId: 'p' } }), 400, 'hook'],
      [JSON.stringify({ hook: 'patient-view', hookInstance: 'x', context: { userId: 'Practitioner/1', patientId: 'p' }, fhirAuthorization: { access_token: 't', token_type: 'Bearer' } }), 400, 'fhirServer'],
      [JSON.stringify({ hook: 'patient-view', hookInstance: 'x', context: { userId: 'Practitioner/1', patientId: 'p', extra: 1 }, fhirServer: 'ftp://x' }), 400, 'fhirServer'],
      [JSON.stringify({ hook: 'patient-view', hookInstance: 'x', context: { userId: 'Practitioner/1', patientId: 'x'.repeat(2 << 20) } }), 413, undefined],
    ];
    for (const [body, status, field] of cases) {
      const r = await post(service, PV, body);
      assert.equal(r.status, status, body.slice(0, 120));
      assert.equal(r.json.resourceType, 'OperationOutcome');
      if (field) assert.deepEqual(r.json.issue[0].expression, [field], body.slice(0, 120));
    }
    assert.equal((await post(service, '/cds-services/nope', {})).status, 404);
    const fb = await post(service, `${PV}/feedback`, { feedback: [{ card: 'c', outcome: 'maybe', outcomeTimestamp: '2026-01-01T00:00:00Z' }] });
    assert.equal(fb.status, 400);
    assert.deepEqual(fb.json.issue[0].expression, ['feedback[0].outcome']);
    assert.equal((await get(service, '/health')).status, 200); // still alive
  });

  test('JWT: wrong aud, alg none, expired, unknown issuer, foreign key, replay and jku not allowed are 401', async () => {
    const url = `${service.base}${PV}`;
    const body = hookRequest('patient-view', 'p-jwt', { prefetch: fullPrefetch('p-jwt', bergen) });
    const { privateKey: otherKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const now = Math.floor(Date.now() / 1000);
    const bad = [
      signToken({ aud: `${service.base}/cds-services` }),
      signToken({ aud: url }, { alg: 'none' }),
      signToken({ aud: url, exp: now - 3600, iat: now - 4000 }),
      signToken({ aud: url, iss: 'https://evil.example' }),
      signToken({ aud: url }, { key: otherKey }),
      signToken({ aud: url }, { header: { jku: 'https://evil.example/jwks' } }),
      'Bearer not.a.jwt',
    ];
    for (const token of bad) {
      const r = await post(service, PV, body, { token: token.startsWith('Bearer') ? token : `Bearer ${token}` });
      assert.equal(r.status, 401, token.slice(0, 60));
      assert.equal(r.json.issue[0].code, 'login');
    }
    const once = `Bearer ${signToken({ aud: url })}`;
    assert.equal((await post(service, PV, body, { token: once })).status, 200);
    assert.equal((await post(service, PV, body, { token: once })).status, 401);
    assert.equal((await post(service, PV, body, { token: '' })).status, 401);
  });

  test('stall test: 64 hook calls waiting on a FHIR server that never answers, then a probe answers', async () => {
    const sockets = new Set();
    const silent = net.createServer((s) => { sockets.add(s); s.on('error', () => {}); });
    await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const slow = `http://127.0.0.1:${silent.address().port}/fhir`;
    try {
      let settled = 0;
      const calls = Array.from({ length: 64 }, (_, i) => post(service, PV, hookRequest('patient-view', `p-stall-${i}`, { fhirServer: slow }))
        .finally(() => { settled += 1; }));
      await waitFor(() => sockets.size > 0, 'hook calls waiting on the silent FHIR server');
      const probe = await get(service, '/health');
      assert.equal(probe.status, 200);
      assert.equal(settled, 0, 'the probe answered while every hook call still waited on FHIR');
      const results = await Promise.all(calls);
      for (const r of results) assert.equal(r.status, 412); // timed out: required data unobtainable
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  test('the service log names requests, never patients, tokens or bodies', async () => {
    await waitFor(() => /request \d+ POST \/cds-services\/selvhjelp-patient-view 200/.test(service.log), 'a request logged');
    await waitFor(() => /rejected: jti replayed/.test(service.log), 'a replay logged');
    for (const secret of ['p-pre', 'p-fetch', 'pt-enc-1', '1288992', 'rp-1', 'opaque-token', 'some-opaque-fhir-access-token',
      'Bearer', 'eyJ', 'Bergen', 'F10', 'prac-1', 'hookInstance']) {
      assert.ok(!service.log.includes(secret), `log contains ${secret}`);
    }
  });

  test('stall test with the real FHIR server: 64 concurrent fetching calls all answer', async () => {
    await peer.put(patient('p-many', bergen));
    await peer.put(condition('c-many', 'p-many', F10));
    const results = await Promise.all(Array.from({ length: 64 }, () => post(service, PV, hookRequest('patient-view', 'p-many', { fhirServer: peer.base }))));
    for (const r of results) assert.equal(r.status, 200, r.text);
    assert.equal((await get(service, '/health')).status, 200);
  });
});
