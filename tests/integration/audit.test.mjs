// The compliance audit end to end: the command line over a synthetic Bulk Data export, the same
// data read from a real FHIR server (Medplum's router), the $evaluate-measure endpoint for
// auditors, both reports validated, and the HTML report rendered in Debian's Chromium.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { ROOT, post, signToken, startFhirPeer, startService } from './harness.mjs';
import { validateWithFhirJs, validateWithMedplum } from './validators.mjs';

const run = promisify(execFile);
const BIN = process.env.SELVHJELP_BIN || path.join(ROOT, 'build/plugin/selvhjelp');
const DEMO = path.join(ROOT, 'config/demo.json');
const require = createRequire(path.join(ROOT, 'tests/peer/package.json'));

function readJson(file) { return JSON.parse(fs.readFileSync(file, 'utf8')); }
function population(group, code) { return group.population.find((p) => p.code.coding[0].code === code).count; }
function figures(report) {
  return Object.fromEntries(report.group.map((g) => [g.id, {
    initialPopulation: population(g, 'initial-population'), denominatorExclusion: population(g, 'denominator-exclusion'),
    numerator: population(g, 'numerator') }]));
}
// Rewrites the demo config for a test (absolute paths), with `audit` changes.
function writeConfig(dir, audit) {
  const config = readJson(DEMO);
  config.store.path = path.join(dir, 'store.db');
  config.mappings.directory = path.join(ROOT, 'mappings/data');
  config.groups.sources[0].path = path.join(ROOT, 'config/demo/groups.json');
  for (const source of config.groups.sources) if (source.path) source.path = path.resolve(ROOT, 'config', source.path);
  config.auth.trustedIssuers[0].jwksFile = path.join(ROOT, 'config/demo/demo-ehr-jwks.json');
  config.audit = { ...config.audit, ...audit };
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('selvhjelp audit over a Bulk Data export', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-audit-'));
  const bulk = path.join(tmp, 'bulk');
  const out = path.join(tmp, 'out');
  let expected;
  let stdout;

  before(async () => {
    const synth = await run(BIN, ['synth', '--patients', '1500', '--seed', '42', '--out', bulk]);
    assert.match(synth.stdout, /1500 synthetic patients written/);
    expected = readJson(path.join(bulk, 'expected.json'));
    // No units named in this config: the units are counted by their references, as expected.json has them.
    const config = writeConfig(tmp, { units: [] });
    ({ stdout } = await run(BIN, ['audit', '--config', config, '--from', '2026-01-01', '--to', '2026-06-30', '--bulk', bulk, '--out', out]));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the figures are the generator\'s ground truth, overall and per unit', () => {
    const report = readJson(path.join(out, 'measure-report.json'));
    assert.deepEqual(figures(report), expected.groups);
    const byUnit = report.group[0].stratifier.find((s) => s.code[0].coding[0].code === 'unit');
    for (const stratum of byUnit.stratum) {
      const want = expected.patientsByUnit[stratum.value.text];
      assert.equal(population(stratum, 'numerator'), want.numerator, stratum.value.text);
      assert.equal(population(stratum, 'denominator'), want.initialPopulation, stratum.value.text);
    }
    const p = expected.groups.patients;
    const score = p.numerator / (p.initialPopulation - p.denominatorExclusion);
    assert.ok(Math.abs(report.group[0].measureScore.value - score) < 0.0001);
    assert.match(stdout, new RegExp(`patients: +${p.initialPopulation} episodes, ${p.denominatorExclusion} excluded, ${p.numerator} informed`));
  });

  test('both MeasureReports are valid FHIR R4; identifiers only in the subject list and the drill-down', () => {
    const summary = readJson(path.join(out, 'measure-report.json'));
    const subjects = readJson(path.join(out, 'measure-report-subject-list.json'));
    for (const report of [summary, subjects]) {
      assert.deepEqual(validateWithMedplum(report), [], `Medplum: ${report.type}`);
      assert.deepEqual(validateWithFhirJs(report), [], `fhir.js: ${report.type}`);
      assert.equal(report.measure, 'https://selvhjelp.example/fhir/Measure/selvhjelp-information');
    }
    const notInformed = subjects.contained.find((c) => c.id === 'not-informed-patients').entry;
    assert.ok(notInformed.length > 0);
    assert.equal(subjects.group[0].population.find((p) => p.code.coding[0].code === 'denominator').subjectResults.reference, '#not-informed-patients');
    const csv = fs.readFileSync(path.join(out, 'drilldown.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length - 1, expected.groups.patients.initialPopulation, 'one row per patient-episode');
    assert.match(csv[1], /^p\d+,\d{11},EpisodeOfCare\/p\d+-e\d,Organization\/unit-\d,/);
    for (const file of ['measure-report.json', 'report.html']) {
      const text = fs.readFileSync(path.join(out, file), 'utf8');
      assert.ok(!/Patient\//.test(text), `${file} names a patient`);
      assert.ok(!/\b\d{11}\b/.test(text), `${file} holds a fødselsnummer`);
      assert.ok(!/"p\d+"|>p\d+</.test(text), `${file} holds a patient id`);
    }
  });

  test('the HTML report renders its charts in Chromium, offline', async () => {
    const { chromium } = require('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
      const requests = [];
      page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
      await page.goto(`file://${path.join(out, 'report.html')}`);
      assert.equal(await page.getAttribute('html', 'lang'), 'nb', 'in the config\'s language, nb by default');
      assert.match(await page.innerText('h1'), /Informasjon om selvhjelpsgrupper i rusbehandling/);
      const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((svg) => ({
        id: svg.id,
        bars: [...svg.querySelectorAll('rect.bar')].map((r) => { const b = r.getBoundingClientRect(); return [b.width, b.height]; }),
        box: (({ width, height }) => [width, height])(svg.getBoundingClientRect()),
      })));
      assert.deepEqual(charts.map((c) => c.id), ['by-unit', 'by-month', 'relatives-by-unit', 'level-mix', 'response-mix',
        'relatives-level-mix', 'relatives-response-mix']);
      for (const chart of charts) {
        assert.ok(chart.box[0] > 300 && chart.box[1] > 20, `${chart.id} is laid out`);
        assert.ok(chart.bars.length >= 2, `${chart.id} has bars`);
        assert.ok(chart.bars.every(([w, h]) => w >= 1 && h > 5), `${chart.id} bars are drawn`);
      }
      assert.equal(charts[0].bars.length, 4, 'one bar per unit');
      assert.equal(charts[1].bars.length, 6, 'one bar per month of the period');
      assert.deepEqual(requests, [], 'the report loads nothing from the network');
      const png = await page.screenshot({ fullPage: true });
      assert.ok(png.length > 10000);
      if (process.env.SELVHJELP_SCREENSHOT) fs.writeFileSync(process.env.SELVHJELP_SCREENSHOT, png);
    } finally {
      await browser.close();
    }
  });

  test('bad input: usage errors exit 2, a broken export names the file and line and exits 1', async () => {
    const config = writeConfig(tmp, {});
    const usage = await run(BIN, ['audit', '--config', config, '--from', '2026-01-01', '--to', '2026-06-30', '--out', out]).catch((e) => e);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--fhir or --bulk/);
    const date = await run(BIN, ['audit', '--config', config, '--from', '2026-13-01', '--to', '2026-06-30', '--bulk', bulk, '--out', out]).catch((e) => e);
    assert.equal(date.code, 2);
    assert.match(date.stderr, /--from: expected a date/);
    const lang = await run(BIN, ['audit', '--config', config, '--from', '2026-01-01', '--to', '2026-06-30', '--lang', 'de', '--bulk', bulk, '--out', out]).catch((e) => e);
    assert.equal(lang.code, 2);
    assert.match(lang.stderr, /--lang takes nb, nn or en/);
    const unit = await run(BIN, ['audit', '--config', config, '--from', '2026-01-01', '--to', '2026-06-30', '--unit', 'Nowhere', '--bulk', bulk, '--out', out]).catch((e) => e);
    assert.equal(unit.code, 2);
    const broken = path.join(tmp, 'broken');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'Patient.ndjson'), '{"resourceType":"Patient","id":"a"}\n{"resourceType":"Patient",\n');
    const bad = await run(BIN, ['audit', '--config', config, '--from', '2026-01-01', '--to', '2026-06-30', '--bulk', broken, '--out', path.join(tmp, 'bad-out')]).catch((e) => e);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Patient\.ndjson:2: not JSON/);
    assert.ok(!fs.existsSync(path.join(tmp, 'bad-out', 'measure-report.json')));
    const oneUnit = await run(BIN, ['audit', '--config', config, '--from', '2026-01-01', '--to', '2026-06-30', '--unit', 'Avrusning (syntetisk)', '--bulk', bulk, '--out', path.join(tmp, 'one')]);
    const report = readJson(path.join(tmp, 'one', 'measure-report.json'));
    assert.equal(population(report.group[0], 'initial-population'), expected.patientsByUnit['Organization/unit-2'].initialPopulation);
    assert.match(oneUnit.stdout, /patients:/);
  });
});

describe('the audit from a FHIR server: the command line and $evaluate-measure', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-audit-fhir-'));
  const bulk = path.join(tmp, 'bulk');
  const posted = path.join(tmp, 'bulk-posted');  // the export with only the Communications posted
  let peer;
  let service;
  let expected;

  before(async () => {
    await run(BIN, ['synth', '--patients', '60', '--seed', '5', '--out', bulk]);
    expected = readJson(path.join(bulk, 'expected.json'));
    peer = await startFhirPeer();
    for (const file of fs.readdirSync(bulk).filter((f) => f.endsWith('.ndjson'))) {
      for (const line of fs.readFileSync(path.join(bulk, file), 'utf8').split('\n').filter(Boolean)) await peer.put(JSON.parse(line));
    }
    service = await startService((config) => {
      config.audit = { ...config.audit, units: [], fhirServer: peer.base, allowHttp: true };
    });
  });
  after(async () => {
    await service?.cleanup();
    await peer?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('audit --fhir reads the server with paging and finds the export\'s figures', async () => {
    const config = writeConfig(tmp, { units: [], fhirServer: peer.base, allowHttp: true, pageSize: 25 });
    const out = path.join(tmp, 'out');
    const before = (await peer.seenAuthorizations()).length;
    await run(BIN, ['audit', '--config', config, '--from', '2026-01-01', '--to', '2026-06-30', '--fhir', '--out', out]);
    assert.deepEqual(figures(readJson(path.join(out, 'measure-report.json'))), expected.groups);
    const reads = (await peer.seenAuthorizations()).length - before;
    assert.ok(reads > 12, `followed next links (${reads} pages for 6 resource types)`);
  });

  test('$evaluate-measure answers auditors only, with the same MeasureReport', async () => {
    const url = `${service.base}/fhir/Measure/$evaluate-measure`;
    const ask = (sub, query = '?periodStart=2026-01-01&periodEnd=2026-06-30') =>
      fetch(`${url}${query}`, { headers: { authorization: `Bearer ${signToken({ aud: url, sub })}` } });
    const refused = await ask('dr-someone');
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).resourceType, 'OperationOutcome');
    const missing = await ask('demo-auditor', '?periodEnd=2026-06-30');
    assert.equal(missing.status, 400);
    assert.deepEqual((await missing.json()).issue[0].expression, ['periodStart']);
    const answer = await ask('demo-auditor');
    assert.equal(answer.status, 200);
    const report = await answer.json();
    assert.equal(report.resourceType, 'MeasureReport');
    assert.deepEqual(figures(report), expected.groups);
    assert.deepEqual(validateWithMedplum(report), []);
    assert.equal((await fetch(`${url}?periodStart=2026-01-01&periodEnd=2026-06-30`)).status, 401);
  });
});

// The /records body that records what a synthetic Communication says (its patient, recipient,
// sent, level and response), as a clinician's app would post it.
function recordBody(communication) {
  const code = (name) => communication.extension.find((e) => e.url.endsWith(`/${name}`)).valueCoding.code;
  const level = code('intervention-level');
  return {
    id: crypto.randomUUID(),
    patient: { reference: communication.subject.reference },
    recipient: communication.recipient,
    practitioner: { reference: 'Practitioner/prac-1' },
    sent: communication.sent,
    level,
    response: code('patient-response'),
    groups: ['demo-bgo-aa-1'],
    ...(level === 'brokered'
      ? { consent: { organization: { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.101', value: '974760673' }, display: 'Anonyme Alkoholikere' } } }
      : {}),
  };
}

// A copy of export `from` in `to`, its Communications left out or changed by `communications`.
function copyExport(from, to, communications = () => []) {
  fs.mkdirSync(to, { recursive: true });
  for (const file of fs.readdirSync(from).filter((f) => f.endsWith('.ndjson') && f !== 'Communication.ndjson')) {
    fs.copyFileSync(path.join(from, file), path.join(to, file));
  }
  const lines = fs.readFileSync(path.join(from, 'Communication.ndjson'), 'utf8').split('\n').filter(Boolean);
  fs.writeFileSync(path.join(to, 'Communication.ndjson'), communications(lines.map((l) => JSON.parse(l))).map((c) => JSON.stringify(c)).join('\n'));
}

describe('selvhjelp audit --store: the records from our own store', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-audit-store-'));
  const bulk = path.join(tmp, 'bulk');
  const posted = path.join(tmp, 'bulk-posted');  // the export with only the Communications posted
  let peer;
  let service;
  let communications;
  const ids = new Map();  // Communication id -> record id
  const audit = async (name, input, ...flags) => {
    const out = path.join(tmp, name);
    await run(BIN, ['audit', '--config', service.configPath, '--from', '2026-01-01', '--to', '2026-06-30', '--bulk', input, ...flags, '--out', out]);
    return { figures: figures(readJson(path.join(out, 'measure-report.json'))), out };
  };

  before(async () => {
    await run(BIN, ['synth', '--patients', '300', '--seed', '11', '--out', bulk]);
    // A record's `sent` may not be in the future (POST /records refuses it), and the synthetic
    // export's dates are fixed: only those already past are posted, and compared with an export
    // holding the same ones.
    communications = fs.readFileSync(path.join(bulk, 'Communication.ndjson'), 'utf8').split('\n').filter(Boolean)
      .map((l) => JSON.parse(l)).filter((c) => Date.parse(c.sent) <= Date.now());
    copyExport(bulk, posted, (all) => all.filter((c) => Date.parse(c.sent) <= Date.now()));
    peer = await startFhirPeer();
    service = await startService((config) => {
      config.records = { fhirServer: peer.base, allowHttp: true, retryInitialMs: 100, retryMaxMs: 800 };
      config.audit = { ...config.audit, units: [] };
    });
    for (const c of communications) {
      const body = recordBody(c);
      const answer = await post(service, '/records', body);
      assert.equal(answer.status, 202, answer.text);
      ids.set(c.id, body.id);
    }
  });
  after(async () => {
    await service?.cleanup();
    await peer?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the same records give the same figures from the store as from the export', async () => {
    assert.deepEqual((await audit('out-bulk-all', bulk)).figures, readJson(path.join(bulk, 'expected.json')).groups);
    const expected = (await audit('out-bulk', posted)).figures;
    assert.ok(expected.patients.numerator > 0, 'records were posted');
    assert.deepEqual((await audit('out-store', bulk, '--store')).figures, expected);
    // The export's Communications play no part with --store: without them the figures are the same.
    const bare = path.join(tmp, 'bulk-without-records');
    copyExport(bulk, bare);
    assert.deepEqual((await audit('out-bare-store', bare, '--store')).figures, expected);
    assert.equal((await audit('out-bare', bare)).figures.patients.numerator, 0);
  });

  test('entered-in-error: left out by audit --store, and by the audit of an export that says so', async () => {
    const before = (await audit('out-before', bulk, '--store')).figures;
    // A patient with one episode, informed by their only record.
    const rows = fs.readFileSync(path.join(tmp, 'out-before', 'drilldown.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const rowsOf = (p) => rows.filter((r) => r[0] === p);
    const communicationsOf = (p) => communications.filter((c) => c.subject.reference === `Patient/${p}`);
    const chosen = communications.find((c) => {
      const p = c.subject.reference.slice(8);
      const episodes = rowsOf(p);
      return communicationsOf(p).length === 1 && c.recipient[0].reference.startsWith('Patient/') &&
        episodes.length === 1 && episodes[0][6] === '' && episodes[0][7] === 'yes';
    });
    assert.ok(chosen, 'a patient informed once');
    const marked = await run(BIN, ['records', 'entered-in-error', ids.get(chosen.id), '--config', service.configPath]);
    assert.match(marked.stdout, /marked entered-in-error/);
    const again = await run(BIN, ['records', 'entered-in-error', ids.get(chosen.id), '--config', service.configPath]);
    assert.match(again.stdout, /already marked/);
    const after = (await audit('out-after', bulk, '--store')).figures;
    assert.deepEqual(after, { ...before, patients: { ...before.patients, numerator: before.patients.numerator - 1 } });
    // The EHR's side: an export whose copy of that Communication is entered-in-error counts it no more.
    const corrected = path.join(tmp, 'bulk-corrected');
    copyExport(posted, corrected, (all) => all.map((c) => (c.id === chosen.id ? { ...c, status: 'entered-in-error' } : c)));
    assert.deepEqual((await audit('out-corrected', corrected)).figures, after);
    const unknown = await run(BIN, ['records', 'entered-in-error', crypto.randomUUID(), '--config', service.configPath]).catch((e) => e);
    assert.equal(unknown.code, 1);
  });
});
