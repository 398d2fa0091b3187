// Records of information given, end to end: selvhjelp's outbox delivering to a real FHIR server
// (Medplum's router), through network cut-offs, kill -9 and refusals, and SMART Backend Services
// tokens from an endpoint that checks the assertion with PyJWT.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { ROOT, get, listenOnFreePort, post, startFhirPeer, startService, track, waitFor, withResources } from './harness.mjs';
import { bergen, fullPrefetch, hookRequest } from './fixtures.mjs';
import { validateWithFhirJs, validateWithMedplum, validateWithOurProfiles } from './validators.mjs';
import { FNR, delivered, metrics, postAll, record, recordsConfig, startDeliveryRig } from './records_helpers.mjs';

const run = promisify(execFile);
const BIN = process.env.SELVHJELP_BIN || path.join(ROOT, 'build/plugin/selvhjelp');
const ORGNR = '974760673';  // a valid organisasjonsnummer form (mod 11), used only as a code here
const URI = 'urn:ietf:rfc:3986';

// Each of `ids` has exactly one Communication at the peer, and there are no others.
async function assertOneCommunicationEach(peer, ids) {
  const all = await peer.search('Communication');
  const seen = new Map();
  for (const c of all) {
    const id = c.identifier.find((i) => i.system === URI).value.slice('urn:uuid:'.length);
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  const duplicated = [...seen].filter(([, n]) => n > 1);
  assert.deepEqual(duplicated, [], 'duplicated Communications');
  assert.deepEqual([...seen.keys()].sort(), [...ids].sort());
  assert.equal((await peer.search('Provenance')).length, ids.length, 'one Provenance per record');
}

describe('records written back to a real FHIR server', () => {
  let peer;
  let service;
  before(async () => {
    peer = await startFhirPeer();
    service = await startService(recordsConfig(peer.base));
  });
  after(async () => {
    await service?.cleanup();
    await peer?.stop();
  });

  test('a brokered-contact record becomes Communication, Procedure, Consent and Provenance, all valid', async () => {
    await peer.reset();
    const body = record({
      level: 'brokered',
      consent: { organization: { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.101', value: ORGNR }, display: 'Anonyme Alkoholikere' } },
    });
    const r = await post(service, '/records', body);
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.id, body.id);
    assert.equal(r.json.state, 'pending');
    const state = await waitFor(async () => {
      const s = await get(service, `/records/${body.id}`);
      return s.json.state === 'delivered' && s.json;
    }, 'delivery');
    assert.match(state.location, /^Communication\//);

    const [communication] = await peer.search('Communication', `identifier=${URI}|urn:uuid:${body.id}`);
    assert.ok(communication, 'the Communication is readable at the EHR');
    assert.equal(`Communication/${communication.id}`, state.location);
    assert.equal(communication.status, 'completed');
    assert.equal(communication.subject.reference, 'Patient/pat-1');
    assert.deepEqual(communication.recipient.map((x) => x.reference), ['Patient/pat-1']);
    assert.equal(communication.sender.identifier.value, '9144889');
    assert.equal(communication.medium[0].coding[0].code, 'VERBAL');
    const ext = Object.fromEntries(communication.extension.map((e) => [e.url.split('/').pop(), e.valueCoding.code]));
    assert.deepEqual(ext, { 'intervention-level': 'brokered', 'patient-response': 'interested' });
    const group = communication.payload.find((p) => p.contentReference);
    assert.equal(group.contentReference.type, 'HealthcareService');
    assert.ok(group.contentReference.display);

    const [procedure] = await peer.search('Procedure', `identifier=https://selvhjelp.example/fhir/NamingSystem/record|${body.id}/procedure`);
    assert.equal(communication.partOf[0].reference, `Procedure/${procedure.id}`);
    assert.equal(procedure.category.coding[0].code, '409063005');
    const [consent] = await peer.search('Consent', `identifier=https://selvhjelp.example/fhir/NamingSystem/record|${body.id}/consent`);
    assert.equal(consent.provision.type, 'permit');
    assert.equal(consent.provision.actor[0].reference.identifier.value, ORGNR);
    const [provenance] = await peer.search('Provenance', `_tag=https://selvhjelp.example/fhir/NamingSystem/record|${body.id}`);
    assert.deepEqual(provenance.target.map((t) => t.reference.split('/')[0]).sort(), ['Communication', 'Consent', 'Procedure']);
    assert.deepEqual(provenance.agent.map((a) => a.type.coding[0].code), ['author', 'assembler']);
    assert.equal(provenance.agent[0].who.identifier.system, 'urn:oid:2.16.578.1.12.4.1.4.4');
    // Never a referral.
    assert.equal((await peer.search('ServiceRequest')).length, 0);
    for (const resource of [communication, procedure, consent, provenance]) {
      assert.deepEqual(validateWithMedplum(resource), [], `${resource.resourceType} (Medplum)`);
      assert.deepEqual(validateWithFhirJs(resource), [], `${resource.resourceType} (fhir.js)`);
      assert.equal(resource.meta.profile.length, 1);
      assert.deepEqual(validateWithOurProfiles(resource), [], `${resource.resourceType} (selvhjelp profile)`);
    }
  });

  test('written material and a decline: a Communication only, response declined, status completed', async () => {
    await peer.reset();
    const body = record({ level: 'written', response: 'declined' });
    assert.equal((await post(service, '/records', body)).status, 202);
    await waitFor(async () => (await get(service, `/records/${body.id}`)).json.state === 'delivered', 'delivery');
    const [c] = await peer.search('Communication', `identifier=${URI}|urn:uuid:${body.id}`);
    assert.equal(c.status, 'completed');
    assert.equal(c.partOf, undefined);
    assert.equal(c.medium[0].coding[0].code, 'WRITTEN');
    assert.equal(c.extension.find((e) => e.url.endsWith('patient-response')).valueCoding.code, 'declined');
    assert.equal((await peer.search('Procedure')).length, 0);
  });

  test('the same record sent twice is one record; the same id with other content is a 409', async () => {
    await peer.reset();
    const body = record();
    const first = await post(service, '/records', body);
    const second = await post(service, '/records', body);
    assert.equal(first.status, 202);
    assert.equal(second.status, 200, 'the repeat is answered from the store');
    await waitFor(async () => (await get(service, `/records/${body.id}`)).json.state === 'delivered', 'delivery');
    assert.equal((await post(service, '/records', body)).status, 200);
    const conflict = await post(service, '/records', { ...body, response: 'thinking' });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.json.resourceType, 'OperationOutcome');
    await assertOneCommunicationEach(peer, [body.id]);
    assert.equal((await peer.search('Procedure')).length, 1);
  });

  test('the FHIR operation form records the same way', async () => {
    await peer.reset();
    const id = crypto.randomUUID();
    const parameters = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'id', valueId: id },
        { name: 'patient', valueReference: { reference: 'Patient/pat-2' } },
        { name: 'recipient', valueReference: { reference: 'RelatedPerson/rel-1' } },
        { name: 'practitioner', valueReference: { reference: 'Practitioner/prac-1' } },
        { name: 'level', valueCode: 'conversation' },
        { name: 'response', valueCode: 'thinking' },
        { name: 'group', valueString: 'demo-bgo-alanon-1' },
      ],
    };
    const r = await post(service, '/fhir/$record-information', parameters);
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.resourceType, 'Parameters');
    assert.deepEqual(r.json.parameter.map((p) => p.name), ['id', 'state']);
    await waitFor(async () => (await get(service, `/records/${id}`)).json.state === 'delivered', 'delivery');
    const [c] = await peer.search('Communication', `identifier=${URI}|urn:uuid:${id}`);
    assert.deepEqual(c.recipient.map((x) => x.reference), ['RelatedPerson/rel-1']);
  });

  test('a suggestion the EHR already created is completed, not duplicated', async () => {
    await peer.reset();
    const suggestion = crypto.randomUUID();
    // What the record system does with a card's create action: the Communication as suggested.
    const created = await fetch(`${peer.base}/Communication`, {
      method: 'POST', headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Communication', identifier: [{ system: URI, value: `urn:uuid:${suggestion}` }], status: 'completed', subject: { reference: 'Patient/pat-1' } }),
    });
    assert.equal(created.status, 201);
    const body = record({ id: undefined, suggestion });
    assert.equal((await post(service, '/records', body)).status, 202);
    await waitFor(async () => (await get(service, `/records/${suggestion}`)).json.state === 'delivered', 'delivery');
    await assertOneCommunicationEach(peer, [suggestion]);
    const [provenance] = await peer.search('Provenance');
    assert.equal(provenance.entity[0].what.identifier.value, `urn:uuid:${suggestion}`);
  });

  test('bad records get a 400 naming the field, and nothing is stored', async () => {
    const cases = [
      [{ level: 'referral' }, 'level'],
      [{ response: undefined }, 'response'],
      [{ patient: { reference: 'Group/1' } }, 'patient.reference'],
      [{ patient: { reference: 'Patient/p', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '12345678901' } } }, 'patient.identifier.value'],
      [{ practitioner: { reference: 'Practitioner/x', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: 'abc' } } }, 'practitioner.identifier.value'],
      [{ sent: '2026-01-01' }, 'sent'],
      [{ sent: '2999-01-01T00:00:00Z' }, 'sent'],
      [{ groups: ['no-such-group'] }, 'groups[0]'],
      [{ level: 'brokered' }, 'consent.organization'],
      [{ id: 'not-a-uuid' }, 'id'],
      [{ recipient: [{ reference: 'Patient/someone-else' }] }, 'recipient[0].reference'],
      [{ extra: 1 }, 'extra'],
    ];
    const before = await metrics(service);
    for (const [change, field] of cases) {
      const r = await post(service, '/records', record(change));
      assert.equal(r.status, 400, `${field}: ${r.text}`);
      assert.equal(r.json.resourceType, 'OperationOutcome');
      assert.equal(r.json.issue[0].expression?.[0], field, r.text);
    }
    assert.equal((await post(service, '/records', '{"patient": ')).status, 400);
    assert.equal((await post(service, '/records', record(), { token: '' })).status, 401);
    // Every problem of one record in one answer: an issue each, with its field.
    const several = await post(service, '/records', record({ practitioner: undefined, level: 'referral', groups: ['has space'] }));
    assert.equal(several.status, 400, several.text);
    assert.deepEqual(several.json.issue.map((i) => [i.expression[0], i.code]),
                     [['practitioner', 'required'], ['level', 'invalid'], ['groups[0]', 'invalid']]);
    // More groups than records.maxGroupsPerRecord (default 50): one issue on the list.
    const many = await post(service, '/records', record({ groups: Array.from({ length: 51 }, (_, i) => `g-${i}`) }));
    assert.equal(many.status, 400, many.text);
    assert.deepEqual(many.json.issue.map((i) => i.expression[0]), ['groups']);
    const afterwards = await metrics(service);
    assert.equal(afterwards.pending + afterwards.delivered + afterwards.parked,
                 before.pending + before.delivered + before.parked, 'no bad record was stored');
  });

  test('a record in the outbox stops the next card for that patient; a decline has its own interval', async () => {
    const hook = '/cds-services/selvhjelp-patient-view';
    const ask = (patientId) => post(service, hook, hookRequest('patient-view', patientId, { prefetch: fullPrefetch(patientId, bergen) }));
    assert.equal((await ask('pat-rec-1')).json.cards.length, 1, 'a card before any record');
    const body = record({ patient: { reference: 'Patient/pat-rec-1' }, response: 'interested' });
    assert.equal((await post(service, '/records', body)).status, 202);
    assert.equal((await ask('pat-rec-1')).json.cards.length, 0, 'no card once information is recorded');
    // A decline recorded today is respected too (re-offer only after declinedReofferDays).
    assert.equal((await ask('pat-rec-2')).json.cards.length, 1);
    await post(service, '/records', record({ patient: { reference: 'Patient/pat-rec-2' }, response: 'declined' }));
    assert.equal((await ask('pat-rec-2')).json.cards.length, 0);
  });

  test('the log never names the patient, the fødselsnummer or the practitioner', async () => {
    for (const secret of ['pat-1', FNR, '9144889', 'Test Lege', 'prac-1']) {
      assert.ok(!service.log.includes(secret), `log mentions ${secret}`);
    }
  });
});

// An HTTP front end in the EHR's place, as a maintenance page, a load balancer or a wrong base URL
// would be: in mode 'html' it answers 200 text/html, in '204' 204 No Content, in 'wrong-bundle' a
// 200 searchset Bundle, and in 'pass' it forwards to the FHIR server. `answered[mode]` counts POSTs.
async function startFrontEnd(target) {
  const front = { mode: 'html', answered: { html: 0, 204: 0, 'wrong-bundle': 0, pass: 0 } };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const mode = front.mode;
      if (req.method === 'POST') front.answered[mode] += 1;
      if (mode === 'html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html><body><h1>Planlagt vedlikehold</h1></body></html>');
      }
      if (mode === '204') {
        res.writeHead(204);
        return res.end();
      }
      if (mode === 'wrong-bundle') {
        res.writeHead(200, { 'content-type': 'application/fhir+json' });
        return res.end(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', total: 0 }));
      }
      const upstream = await fetch(`${target}${req.url.replace(/^\/fhir\/R4/, '')}`, {
        method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/fhir+json' },
        body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
      });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/fhir+json' });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    });
  });
  const port = await listenOnFreePort(server);
  front.base = `http://127.0.0.1:${port}/fhir/R4`;
  front.stop = () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
  return front;
}

describe('only a real transaction-response counts as delivered', () => {
  test('200 text/html, 204 and a 200 Bundle of the wrong type in the EHR\'s place: 0 records lost', async () => {
    await withResources(async (use) => {
      const peer = use(await startFhirPeer());
      const front = use(await startFrontEnd(peer.base));
      const service = use(await startService(recordsConfig(front.base, { parkUnrecognisedAfter: 1000 })));
      const records = Array.from({ length: 10 }, (_, i) => record({ patient: { reference: `Patient/front-${i}` }, level: 'written' }));
      await postAll(service, records);
      for (const mode of ['html', '204', 'wrong-bundle']) {
        front.mode = mode;
        const before = front.answered[mode];
        await waitFor(() => front.answered[mode] >= before + 10, `10 attempts answered ${mode}`);
        const m = await metrics(service);
        assert.equal(m.delivered, 0, `an answer of ${mode} is not a delivery`);
        assert.equal(m.pending, 10, `every record still waits after ${mode}`);
      }
      const waiting = (await get(service, `/records/${records[0].id}`)).json;
      assert.equal(waiting.state, 'pending');
      assert.ok(waiting.attempts >= 1);
      assert.match(waiting.lastError, /HTTP 20[04]/);
      assert.ok(!service.log.includes('vedlikehold'), 'the log does not quote what answered');
      assert.equal((await peer.search('Communication')).length, 0, 'nothing reached the FHIR server');
      front.mode = 'pass';
      await delivered(service, 10);
      assert.equal((await metrics(service)).pending, 0);
      await assertOneCommunicationEach(peer, records.map((r) => r.id));
    });
  });

  test('an answer that never makes sense parks the record after records.parkUnrecognisedAfter attempts', async () => {
    await withResources(async (use) => {
      const peer = use(await startFhirPeer());
      const front = use(await startFrontEnd(peer.base));
      const service = use(await startService(recordsConfig(front.base, { parkUnrecognisedAfter: 3 })));
      const body = record({ level: 'written' });
      assert.equal((await post(service, '/records', body)).status, 202);
      const parked = await waitFor(async () => {
        const s = (await get(service, `/records/${body.id}`)).json;
        return s.state === 'parked' && s;
      }, 'parking');
      assert.equal(parked.attempts, 3);
      assert.match(parked.lastError, /HTTP 200: not JSON/);
      front.mode = 'pass';
      const retry = await run(BIN, ['outbox', 'retry', service.configPath, body.id]);
      assert.match(retry.stdout, /1 parked record\(s\) made pending/);
      await waitFor(async () => (await get(service, `/records/${body.id}`)).json.state === 'delivered', 'delivery after retry');
      await assertOneCommunicationEach(peer, [body.id]);
    });
  });
});

describe('delivery survives faults', () => {
  let peer;
  let proxy;
  let service;
  let rig;
  before(async () => {
    rig = await startDeliveryRig((fhirServer) => recordsConfig(fhirServer, { deliveryWorkers: 4 }));
    ({ peer, proxy, service } = rig);
  });
  after(async () => {
    await rig?.stop();
  });

  test('1,000 records with the FHIR server cut off midway: all delivered, none duplicated', async () => {
    await peer.reset();
    // Mostly written material: the in-memory test server searches Procedure identifiers slowly
    // (every Procedure against a many-type expression), which is its limit, not selvhjelp's.
    const records = Array.from({ length: 1000 }, (_, i) => record({ patient: { reference: `Patient/cut-${i}` }, level: i % 10 ? 'written' : 'conversation' }));
    const start = await metrics(service);
    const posting = postAll(service, records);
    await delivered(service, start.delivered + 100);
    proxy.cut();
    await posting;  // committing locally does not depend on the EHR
    const cutAt = await metrics(service);
    // While the server is cut off, attempts fail and are retried, and records wait.
    const during = await waitFor(async () => {
      const m = await metrics(service);
      return m.retries > cutAt.retries && m;
    }, 'failed attempts while cut off');
    assert.ok(during.pending > 0, 'records wait while the server is cut off');
    proxy.restore();
    await delivered(service, start.delivered + 1000);
    assert.equal((await metrics(service)).pending, 0);
    await assertOneCommunicationEach(peer, records.map((r) => r.id));
    assert.equal((await peer.search('Procedure')).length, 100, 'one Procedure per conversation record');
  });

  test('kill -9 in the middle of delivery: after a restart nothing is lost and nothing duplicated', async () => {
    await peer.reset();
    const records = Array.from({ length: 300 }, (_, i) => record({ patient: { reference: `Patient/kill-${i}` }, level: i % 10 ? 'written' : 'conversation' }));
    const start = await metrics(service);
    await postAll(service, records);
    await delivered(service, start.delivered + 20);
    await service.kill9();
    await service.start();
    await delivered(service, 300);  // counts come from the store, which survived
    await waitFor(async () => (await metrics(service)).pending === 0, 'nothing pending');
    for (const r of records.slice(0, 20)) assert.equal((await get(service, `/records/${r.id}`)).json.state, 'delivered');
    await assertOneCommunicationEach(peer, records.map((r) => r.id));
    assert.equal((await peer.search('Procedure')).length, 30, 'one Procedure per conversation record');
  });

  test('a refusal (4xx) is parked with its reason, listed, and delivered after an operator retry', async () => {
    await peer.reset();
    const body = record();
    // Two Communications already carry this record's identifier: the server refuses a conditional create.
    for (let i = 0; i < 2; i++) {
      await fetch(`${peer.base}/Communication`, {
        method: 'POST', headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify({ resourceType: 'Communication', status: 'completed', identifier: [{ system: URI, value: `urn:uuid:${body.id}` }] }),
      });
    }
    assert.equal((await post(service, '/records', body)).status, 202);
    const parked = await waitFor(async () => {
      const s = (await get(service, `/records/${body.id}`)).json;
      return s.state === 'parked' && s;
    }, 'parking');
    assert.match(parked.lastError, /412/);
    assert.match(parked.lastError, /[Mm]ultiple/);
    const health = await (await fetch(`${service.base}/health`)).json();
    assert.ok(health.records.parked >= 1);
    assert.ok(!JSON.stringify(health).includes(body.id), '/health gives counts only');

    const list = await run(BIN, ['outbox', 'list', service.configPath, '--state', 'parked']);
    assert.match(list.stdout, new RegExp(`${body.id}\\tparked\\t1\\t.*412`));
    // The operator removes the stray duplicate, then retries.
    const [stray] = await peer.search('Communication', `identifier=${URI}|urn:uuid:${body.id}`);
    await fetch(`${peer.base}/Communication/${stray.id}`, { method: 'DELETE' });
    const retry = await run(BIN, ['outbox', 'retry', service.configPath, body.id]);
    assert.match(retry.stdout, /1 parked record\(s\) made pending/);
    await waitFor(async () => (await get(service, `/records/${body.id}`)).json.state === 'delivered', 'delivery after retry');
    const bad = await run(BIN, ['outbox', 'retry', service.configPath]).catch((e) => e);
    assert.equal(bad.code, 2, 'retry without ids or --all is a usage error');
  });
});

describe('SMART Backend Services write-back', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-smart-'));
  let issued = [];
  let refused = [];

  async function startTokenEndpoint(publicKeyFile, kid) {
    const child = track(spawn('/usr/bin/python3', [path.join(ROOT, 'tests/peer/token_endpoint.py'), '0', publicKeyFile, 'selvhjelp-client', kid], { stdio: ['ignore', 'pipe', 'inherit'] }));
    let buffer = '';
    const url = await new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`token endpoint exited ${code}`)));
      child.stdout.on('data', (d) => {
        buffer += d;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const event = JSON.parse(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          if (event.event === 'listening') resolve(event.url);
          if (event.event === 'issued') issued.push(event);
          if (event.event === 'refused') refused.push(event);
        }
      });
    });
    return { url, stop: () => new Promise((r) => { if (child.exitCode !== null) return r(); child.once('exit', r); child.kill(); }) };
  }

  function keyPair(type) {
    const { privateKey, publicKey } = type === 'ec'
      ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' })
      : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const priv = path.join(tmp, `${type}-private.pem`);
    const pub = path.join(tmp, `${type}-public.pem`);
    fs.writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    fs.writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
    return { priv, pub };
  }

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const [type, alg] of [['ec', 'ES384'], ['rsa', 'RS384']]) {
    test(`a token from private_key_jwt (${alg}), discovered via .well-known, cached, and sent with every write`, async () => {
      issued = [];
      refused = [];
      const keys = keyPair(type);
      await withResources(async (use) => {
        const tokenEndpoint = use(await startTokenEndpoint(keys.pub, `kid-${type}`));
        const peer = use(await startFhirPeer({ env: { FHIR_PEER_SMART_CONFIG: JSON.stringify({
          token_endpoint: tokenEndpoint.url, grant_types_supported: ['client_credentials'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['ES384', 'RS384'],
          capabilities: ['client-confidential-asymmetric'] }) } }));
        const service = use(await startService(recordsConfig(peer.base, {
          auth: { type: 'smart-backend-services', clientId: 'selvhjelp-client', privateKeyFile: keys.priv, keyId: `kid-${type}` } })));
        const records = [record(), record(), record()];
        for (const r of records) assert.equal((await post(service, '/records', r)).status, 202);
        await delivered(service, 3);
        assert.deepEqual(refused, []);
        assert.equal(issued.length, 1, 'one token exchange; the token is cached');
        assert.equal(issued[0].alg, alg);
        assert.match(issued[0].scope, /system\/Communication/);
        const writes = (await peer.seenAuthorizations()).filter((a) => a.method === 'POST');
        assert.ok(writes.length >= 3);
        for (const a of writes) assert.equal(a.authorization, `Bearer ${issued[0].token}`);
        assert.match(await (await fetch(`${service.base}/metrics`)).text(), /^selvhjelp_token_requests_total 1$/m);
      });
    });
  }

  test('a FHIR directory source read with a SMART Backend Services token', async () => {
    issued = [];
    refused = [];
    const keys = keyPair('ec');
    await withResources(async (use) => {
      const tokenEndpoint = use(await startTokenEndpoint(keys.pub, 'kid-dir'));
      const peer = use(await startFhirPeer({ env: { FHIR_PEER_SMART_CONFIG: JSON.stringify({ token_endpoint: tokenEndpoint.url }) } }));
      const exported = await run(BIN, ['directory', 'export', path.join(ROOT, 'config/demo.json'), '--format', 'fhir'], { maxBuffer: 1 << 24 });
      for (const entry of JSON.parse(exported.stdout).entry) await peer.put(entry.resource);
      const service = use(await startService((config) => {
        config.groups.sources = [{ name: 'regional-fhir', type: 'fhir', url: peer.base,
          auth: { type: 'smart-backend-services', clientId: 'selvhjelp-client', privateKeyFile: keys.priv, keyId: 'kid-dir', scope: 'system/HealthcareService.rs' } }];
      }));
      const status = await (await fetch(`${service.base}/directory/status`)).json();
      assert.equal(status.sources[0].groups, 19);  // the demo's 16 listings and 3 national services
      assert.deepEqual(refused, []);
      assert.equal(issued.length, 1);
      assert.equal(issued[0].scope, 'system/HealthcareService.rs');
      const reads = (await peer.seenAuthorizations()).filter((a) => a.method === 'GET');
      assert.ok(reads.length >= 1);
      for (const a of reads) assert.equal(a.authorization, `Bearer ${issued[0].token}`);
    });
  });

  test('an assertion the endpoint cannot verify: records wait (pending, with the reason), nothing is lost', async () => {
    issued = [];
    refused = [];
    const signing = keyPair('ec');
    const other = keyPair('rsa');
    await withResources(async (use) => {
      const tokenEndpoint = use(await startTokenEndpoint(other.pub, 'kid-ec'));  // knows another key
      const peer = use(await startFhirPeer());
      const service = use(await startService(recordsConfig(peer.base, {
        auth: { type: 'smart-backend-services', clientId: 'selvhjelp-client', privateKeyFile: signing.priv, keyId: 'kid-ec', tokenEndpoint: tokenEndpoint.url } })));
      const body = record();
      assert.equal((await post(service, '/records', body)).status, 202);
      const state = await waitFor(async () => {
        const s = (await get(service, `/records/${body.id}`)).json;
        return s.attempts >= 2 && s;
      }, 'failed attempts');
      assert.equal(state.state, 'pending');
      assert.match(state.lastError, /token endpoint refused the client \(HTTP 400, invalid_client\)/);
      assert.ok(refused.length >= 1 && issued.length === 0);
      assert.equal((await peer.search('Communication')).length, 0);
    });
  });
});

test('without write-back configured, POST /records is 503 saying which setting is missing, and the log says so', async () => {
  const service = await startService();  // the harness leaves `records` out
  try {
    const r = await post(service, '/records', record());
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.resourceType, 'OperationOutcome');
    assert.match(r.json.issue[0].diagnostics, /write-back is not configured \(records\.fhirServer\); request id \S+/);
    await waitFor(() => /answered 503: UNAVAILABLE: records: write-back is not configured \(records\.fhirServer\)/.test(service.log),
                  'the 503 in the log');
    assert.ok(!service.log.includes(FNR), 'the log holds no patient data');
  } finally {
    await service.cleanup();
  }
});
