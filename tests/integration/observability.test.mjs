// Observability of the real binary: JSON log lines on stdout, a caller's W3C trace id carried into
// our log lines, our answer and the write-back sent to the FHIR server for that request, and a
// /metrics scrape after real calls, checked by Prometheus' own promtool and by a strict parser
// here. The log of the whole run names no synthetic patient id or fødselsnummer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { post, startFhirPeer, startService, waitFor } from './harness.mjs';
import { F10, bergen, condition, fullPrefetch, hookRequest, patient } from './fixtures.mjs';
import { FNR, delivered, record, recordsConfig } from './records_helpers.mjs';

const HOOK_PATIENT = 'obs-patient-7';
const HOOK_TRACE = '0af7651916cd43dd8448eb211c80319c';
const RECORD_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const FETCH_PATIENT = 'obs-fetched-3';
const FETCH_TRACE = '5ce0e9a56015fec5aadfa328ae398115';
const traceparent = (trace) => `00-${trace}-b7ad6b7169203331-01`;

let peer;
let service;
const rawOut = [];  // stdout as bytes (service.out is decoded, which hides bytes that are not UTF-8)
before(async () => {
  peer = await startFhirPeer();
  service = await startService((config) => {
    recordsConfig(peer.base)(config);
    config.logging = { format: 'json', stream: 'stdout' };
  });
  service.child.stdout.on('data', (d) => rawOut.push(d));
});
after(async () => {
  await service?.cleanup();
  await peer?.stop();
});

// Every stdout line so far, each of which must be one JSON object with the fixed fields.
function logLines() {
  return service.out.split('\n').filter((l) => l.length > 0).map((line) => {
    const event = JSON.parse(line);
    assert.match(event.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, line);
    assert.ok(['info', 'warning', 'error'].includes(event.level), line);
    assert.equal(typeof event.event, 'string', line);
    assert.equal(typeof event.message, 'string', line);
    return event;
  });
}

test('a hook call under a caller\'s traceparent: its trace id in the answer and in the log line', async () => {
  const r = await post(service, '/cds-services/selvhjelp-patient-view',
    hookRequest('patient-view', HOOK_PATIENT, { prefetch: fullPrefetch(HOOK_PATIENT, bergen) }),
    { headers: { traceparent: traceparent(HOOK_TRACE), 'x-request-id': 'lb-obs-1' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-request-id'), 'lb-obs-1');
  assert.match(r.headers.get('traceresponse'), new RegExp(`^00-${HOOK_TRACE}-[0-9a-f]{16}-01$`));
  const line = await waitFor(() => logLines().find((e) => e.event === 'http.request' && e.trace === HOOK_TRACE), 'the request logged');
  assert.equal(line.fields.path, '/cds-services/selvhjelp-patient-view');
  assert.equal(line.fields.status, '200');
  assert.equal(line.fields.requestId, 'lb-obs-1');
});

test('a hook call whose data is read from the FHIR server: the reads carry the trace and span of the answer', async () => {
  await peer.put(patient(FETCH_PATIENT, bergen));
  await peer.put(condition(`c-${FETCH_PATIENT}`, FETCH_PATIENT, F10));
  const r = await post(service, '/cds-services/selvhjelp-patient-view', hookRequest('patient-view', FETCH_PATIENT, { fhirServer: peer.base }),
    { headers: { traceparent: traceparent(FETCH_TRACE) } });
  assert.equal(r.status, 200, r.text);
  const span = r.headers.get('traceresponse').match(new RegExp(`^00-${FETCH_TRACE}-([0-9a-f]{16})-01$`))?.[1];
  assert.ok(span && span !== 'b7ad6b7169203331', r.headers.get('traceresponse'));  // our span, not the caller's
  const reads = (await peer.seenAuthorizations()).filter((s) => s.method === 'GET' && s.traceparent?.includes(FETCH_TRACE));
  assert.ok(reads.length >= 2, `the patient and the conditions read under the trace: ${JSON.stringify(reads)}`);
  for (const read of reads) assert.equal(read.traceparent, `00-${FETCH_TRACE}-${span}-01`);
});

// Sends `target` as sent (bytes, not a URL a client would normalise) and waits for the answer.
function rawGet(target) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(service.base).port), '127.0.0.1');
    const chunks = [];
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from('GET '), target,
      Buffer.from(' HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')])));
    socket.on('data', (d) => chunks.push(d));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

test('log lines stay UTF-8 JSON for raw bytes in a path; no query and no path outside the routes is written', async () => {
  const answer = await rawGet(Buffer.from([...Buffer.from('/records/'), 0xff, 0xfe]));
  assert.match(answer, /^HTTP\/1\.1 4\d\d /);  // 401: GET /records/{id} asks for a token first
  assert.match(await rawGet(Buffer.from(`/Patient/${FNR}`)), /^HTTP\/1\.1 404 /);  // a misdirected FHIR read
  assert.match(await rawGet(Buffer.from(`/records?patient=${FNR}`)), /^HTTP\/1\.1 /);
  const raw = await waitFor(() => {
    const all = Buffer.concat(rawOut);
    return all.includes(Buffer.from('"path":"(other)"')) && all.includes(Buffer.from('"path":"/records"')) && all;
  }, 'the three requests logged');
  const strict = new TextDecoder('utf-8', { fatal: true });
  const lines = [];
  for (let at = 0; at < raw.length;) {
    const end = raw.indexOf(0x0a, at);
    assert.ok(end >= 0, 'every line ends with a line feed');
    lines.push(JSON.parse(strict.decode(raw.subarray(at, end))));  // throws on bytes that are not UTF-8
    at = end + 1;
  }
  const requests = lines.filter((e) => e.event === 'http.request');
  assert.ok(requests.some((e) => e.fields.path === '/records/\ufffd\ufffd' && e.fields.route === 'records'),
    JSON.stringify(requests.map((e) => e.fields.path)));
  assert.ok(requests.some((e) => e.fields.path === '(other)' && e.fields.route === 'other' && e.fields.status === '404'));
  // FNR in the path and in the query: the last test checks that the whole log never names it.
});

test('a request without a trace gets one of its own, echoed', async () => {
  const r = await fetch(`${service.base}/health`);
  assert.equal(r.status, 200);
  const id = r.headers.get('x-request-id');
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.match(r.headers.get('traceresponse'), new RegExp(`^00-${id}-[0-9a-f]{16}-00$`));
});

test('a record posted under a traceparent is written back under the same trace id', async () => {
  const body = record();
  const r = await post(service, '/records', body, { headers: { traceparent: traceparent(RECORD_TRACE) } });
  assert.equal(r.status, 202, r.text);
  await delivered(service, 1);
  const writes = (await peer.seenAuthorizations()).filter((s) => s.method === 'POST');
  assert.equal(writes.length, 1);
  assert.match(writes[0].traceparent, new RegExp(`^00-${RECORD_TRACE}-[0-9a-f]{16}-01$`));
  const events = logLines().filter((e) => e.trace === RECORD_TRACE).map((e) => e.event);
  for (const event of ['http.request', 'record.committed', 'record.delivered']) assert.ok(events.includes(event), `${event} in ${events}`);
  const committed = logLines().find((e) => e.event === 'record.committed');
  assert.equal(committed.fields.record, body.id);
});

// A strict reading of the text format 0.0.4: HELP then TYPE before a family's samples, each family
// once, sample names of the declared family (histograms: _bucket with le, _sum, _count), label
// values quoted with only the allowed escapes, buckets cumulative and ending at +Inf = _count.
function parseExposition(text) {
  assert.ok(text.endsWith('\n'), 'ends with a line feed');
  const families = new Map();
  const samples = [];
  let current = null;
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  for (const line of text.slice(0, -1).split('\n')) {
    let m;
    if ((m = line.match(/^# HELP (\S+) (.*)$/))) {
      assert.ok(name.test(m[1]) && !families.has(m[1]), `HELP once per family: ${line}`);
      current = { name: m[1], type: null };
      families.set(m[1], current);
    } else if ((m = line.match(/^# TYPE (\S+) (counter|gauge|histogram)$/))) {
      assert.equal(m[1], current?.name, `TYPE after its HELP: ${line}`);
      current.type = m[2];
    } else {
      m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (\S+)$/);
      assert.ok(m, `a sample line: ${line}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
      const value = m[3] === '+Inf' ? Infinity : Number(m[3]);
      assert.ok(!Number.isNaN(value), `a number: ${line}`);
      const suffix = current?.type === 'histogram' ? ['_bucket', '_sum', '_count'].find((s) => m[1] === current.name + s) : '';
      assert.ok(current && (m[1] === current.name || suffix), `${m[1]} belongs to ${current?.name}`);
      if (m[1].endsWith('_bucket')) assert.ok('le' in labels, `le on ${line}`);
      samples.push({ name: m[1], labels, value });
    }
  }
  for (const f of families.values()) assert.ok(f.type, `${f.name} has a TYPE`);
  return { families, samples };
}

const find = (samples, name, labels = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

test('/metrics after real calls: valid exposition with the hook, request, record, source and store figures', async () => {
  const text = await (await fetch(`${service.base}/metrics`)).text();
  // Prometheus' own checker (Debian's prometheus package; scripts/install-deps.sh --tests).
  execFileSync('promtool', ['check', 'metrics'], { input: text });
  const { families, samples } = parseExposition(text);
  const one = (name, labels) => {
    const found = find(samples, name, labels);
    assert.equal(found.length, 1, `${name} ${JSON.stringify(labels)}`);
    return found[0].value;
  };
  assert.equal(families.get('selvhjelp_hook_duration_seconds').type, 'histogram');
  assert.equal(one('selvhjelp_hook_duration_seconds_count', { service: 'selvhjelp-patient-view' }), 2);  // prefetched, fetched
  const buckets = find(samples, 'selvhjelp_hook_duration_seconds_bucket', { service: 'selvhjelp-patient-view' });
  for (let i = 1; i < buckets.length; ++i) assert.ok(buckets[i].value >= buckets[i - 1].value, 'cumulative buckets');
  assert.equal(buckets.at(-1).labels.le, '+Inf');
  assert.equal(buckets.at(-1).value, 2);
  assert.ok(one('selvhjelp_http_requests_total', { route: 'cds-hooks', code: '2xx' }) >= 1);
  assert.ok(one('selvhjelp_http_requests_total', { route: 'records', code: '2xx' }) >= 1);
  assert.equal(one('selvhjelp_outbox_records', { state: 'delivered' }), 1);  // the name kept from before
  assert.equal(one('selvhjelp_delivery_seconds_count'), 1);
  assert.equal(one('selvhjelp_delivery_record_attempts_bucket', { le: '1' }), 1);
  assert.equal(one('selvhjelp_delivery_attempts_total'), 1);
  assert.ok(one('selvhjelp_group_source_last_success_age_seconds', { source: 'demo' }) >= 0);
  assert.equal(one('selvhjelp_group_source_errors_total', { source: 'demo' }), 0);
  for (const kind of ['disk_full', 'read_only', 'io', 'locked', 'cannot_open', 'other']) {
    assert.equal(one('selvhjelp_store_write_failures_total', { kind }), 0);
  }
});

test('the log of the run names no patient: neither the ids nor the fødselsnummer', () => {
  const log = service.out + service.log;
  assert.ok(logLines().length > 0);
  for (const secret of [FNR, HOOK_PATIENT, FETCH_PATIENT, 'pat-1', 'opaque-token']) assert.ok(!log.includes(secret), `the log contains ${secret}`);
});
