// Contact points and the attributes people choose by, through every source type and out again:
// json, csv, Meeting Guide, HSDS file, HSDS data package, HSDS API and a FHIR directory, read by
// the real binary; out through the directory's FHIR reads and the HSDS export. And the card a
// clinician gets for the demo Bergen patient: the LINK centre's contact point, national services last.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIN, ROOT, listenOnFreePort, post, startFhirPeer, startService } from './harness.mjs';
import { validateWithFhirJs, validateWithMedplum } from './validators.mjs';

const REPORT = 'mailto:katalog@selvhjelp.example';
const JOIN = 'https://www.selvhjelp.no/bli-med/hva-er-en-selvorganisert-selvhjelpsgruppe/';
const CHAR = 'https://selvhjelp.example/fhir/CodeSystem/group-characteristic';
const MIN_AGE = 'https://selvhjelp.example/fhir/StructureDefinition/listing-minimum-age';
const REPORT_TO = 'https://selvhjelp.example/fhir/StructureDefinition/listing-report-to';

// Per source: a contact point in Bergen that also covers Bjørnafjorden and Askøy (closed groups,
// 18+, wheelchair access, English and Norwegian, a report link) and a meeting group temporarily
// closed until 2099.
const contactName = (source) => `Kontaktpunkt ${source} (syntetisk)`;
const closedName = (source) => `Stengt gruppe ${source} (syntetisk)`;

function groupFile(source) {
  const base = { organisation: 'Selvhjelp Norge', themes: ['alcohol'], audience: 'person', format: 'in-person',
    address: { line: 'Eksempelkaien 6', municipality: '4601', postalCode: '5003', city: 'Bergen' }, synthetic: true };
  return { groups: [
    { ...base, id: 'cp', name: contactName(source), languages: ['en', 'nb'], kind: 'contact-point', access: 'closed',
      minAge: 18, wheelchair: true, email: 'link@selvhjelp.example', website: JOIN, reportTo: REPORT, areas: ['4624', '4627'] },
    { ...base, id: 'closed', name: closedName(source), languages: ['nb'], access: 'open', closedUntil: '2099-01-01',
      meetings: [{ rrule: 'FREQ=WEEKLY;BYDAY=TU', startTime: '19:00', duration: 'PT90M' }] },
  ] };
}

function groupCsv(source) {
  return 'id,name,organisation,themes,audience,format,languages,rrule,start_time,address_line,municipality,postal_code,city,' +
    'email,website,kind,access,min_age,wheelchair,closed_until,report_to,synthetic,areas\n' +
    `cp,${contactName(source)},Selvhjelp Norge,alcohol,person,in-person,en;nb,,,Eksempelkaien 6,4601,5003,Bergen,` +
    `link@selvhjelp.example,${JOIN},contact-point,closed,18,yes,,${REPORT},yes,4624;4627\n` +
    `closed,${closedName(source)},Selvhjelp Norge,alcohol,person,in-person,nb,FREQ=WEEKLY;BYDAY=TU,19:00,Eksempelkaien 6,` +
    '4601,5003,Bergen,,,,open,,,2099-01-01,,yes,\n';
}

// Meeting Guide has no age limit or reopening date: a meeting without a day is "by appointment"
// (a contact point), C/O/X/EN/TC its type codes, feedback_url its report link.
const meetingGuide = (source) => [
  { name: contactName(source), slug: 'cp', types: ['C', 'X', 'EN', 'NO', 'NB'], postal_code: '5003', city: 'Bergen',
    email: 'link@selvhjelp.example', feedback_url: 'https://feed.example/report' },
  { name: closedName(source), slug: 'closed', day: 2, time: '19:00', types: ['O', 'TC'], postal_code: '5003', city: 'Bergen' },
];

function hsdsServices(source) {
  const org = { id: '5d1e2f3a-0000-4000-8000-000000000009', name: 'Selvhjelp Norge' };
  const place = (accessibility) => [{ location: { location_type: 'physical', accessibility,
    addresses: [{ address_1: 'Eksempelkaien 6', city: 'Bergen', postal_code: '5003' }] } }];
  const term = (code, value) => ({ taxonomy_term: { code }, ...(value ? { value } : {}) });
  return [
    { id: `${source}-cp`, name: contactName(source), status: 'active', minimum_age: 18, email: 'link@selvhjelp.example',
      organization: org, schedules: [], languages: [{ code: 'en' }, { code: 'nb' }],
      attributes: [term('self-help-alcohol'), term('contact-point'), term('closed-group'), term('report-wrong-information', REPORT)],
      service_areas: [{ name: 'Bjørnafjorden' }, { name: '4627' }],  // by name or number
      service_at_locations: place([{ description: 'wheelchair' }]) },
    { id: `${source}-closed`, name: closedName(source), status: 'temporarily closed', organization: org,
      schedules: [{ freq: 'WEEKLY', byday: 'TU', opens_at: '19:00' }], languages: [{ code: 'nb' }],
      attributes: [term('self-help-alcohol'), term('open-group'), term('temporarily-closed-until', '2099-01-01')],
      service_at_locations: place([]) },
  ];
}

// What every source type must have kept (Meeting Guide: what it can say).
function expected(source) {
  const mg = source === 'meeting-guide';
  return { minAge: mg ? undefined : 18, report: mg ? 'https://feed.example/report' : REPORT, closedUntil: mg ? undefined : '2099-01-01',
    areas: mg ? [] : ['4624', '4627'] };
}

const codes = (hs) => (hs.characteristic ?? []).flatMap((c) => c.coding).filter((c) => c.system === CHAR).map((c) => c.code);
const ext = (hs, url) => (hs.extension ?? []).find((e) => e.url === url);

function run(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// The same without blocking: the HSDS API this file serves must answer the export meanwhile.
function runAsync(args) {
  return new Promise((resolve, reject) => {
    execFile(BIN, args, { encoding: 'utf8', maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${args.join(' ')}: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

describe('contact points and attributes through every source type', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-listings-'));
  const SOURCES = ['json', 'csv', 'meeting-guide', 'hsds', 'hsds-package', 'hsds-api', 'fhir'];
  let server;
  let peer;
  let service;

  before(async () => {
    fs.writeFileSync(path.join(dir, 'json.json'), JSON.stringify(groupFile('json')));
    fs.writeFileSync(path.join(dir, 'csv.csv'), groupCsv('csv'));
    fs.writeFileSync(path.join(dir, 'feed.json'), JSON.stringify(meetingGuide('meeting-guide')));
    fs.writeFileSync(path.join(dir, 'hsds.json'), JSON.stringify(hsdsServices('hsds')));
    // The HSDS package and the FHIR directory: our own exports of a group file, read back.
    const exportConfig = (name) => {
      const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'config/demo.json'), 'utf8'));
      config.mappings.directory = path.join(ROOT, 'mappings/data');
      config.auth.trustedIssuers[0].jwksFile = path.join(ROOT, 'config/demo/demo-ehr-jwks.json');
      fs.writeFileSync(path.join(dir, `${name}.groups.json`), JSON.stringify(groupFile(name)));
      config.groups.sources = [{ name, type: 'json', path: path.join(dir, `${name}.groups.json`) }];
      delete config.app;
      fs.writeFileSync(path.join(dir, `${name}.config.json`), JSON.stringify(config));
      return path.join(dir, `${name}.config.json`);
    };
    run(['directory', 'export', exportConfig('hsds-package'), '--format', 'hsds', '--out', path.join(dir, 'package')]);
    const fhirExport = JSON.parse(run(['directory', 'export', exportConfig('fhir'), '--format', 'fhir']));
    peer = await startFhirPeer();
    for (const entry of fhirExport.entry) await peer.put(entry.resource);
    server = http.createServer((req, res) => {
      const url = new URL(req.url, 'http://localhost');
      res.writeHead(url.pathname === '/hsds/services' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(url.pathname === '/hsds/services'
        ? { total_items: 2, total_pages: 1, page_number: 1, last_page: true, contents: hsdsServices('hsds-api') } : {}));
    });
    const port = await listenOnFreePort(server);
    service = await startService((config) => {
      config.groups.sources = [
        { name: 'json', type: 'json', path: path.join(dir, 'json.json') },
        { name: 'csv', type: 'csv', path: path.join(dir, 'csv.csv') },
        { name: 'meeting-guide', type: 'meeting-guide', path: path.join(dir, 'feed.json'), organisation: 'AA', themes: ['alcohol'] },
        { name: 'hsds', type: 'hsds', path: path.join(dir, 'hsds.json') },
        { name: 'hsds-package', type: 'hsds-package', path: path.join(dir, 'package') },
        { name: 'hsds-api', type: 'hsds-api', url: `http://127.0.0.1:${port}/hsds` },
        { name: 'fhir', type: 'fhir', url: peer.base },
      ];
    });
  });
  after(async () => {
    await service?.cleanup();
    await peer?.stop();
    server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('every source is read whole', async () => {
    const status = await (await fetch(`${service.base}/directory/status`)).json();
    assert.deepEqual(status.sources.map((s) => [s.name, s.groups, s.lastError ?? '']), SOURCES.map((s) => [s, 2, '']));
  });

  test('the directory\'s FHIR reads carry each contact point and attribute, and validate', async () => {
    const all = await (await fetch(`${service.base}/directory/HealthcareService?_count=1000`)).json();
    const byName = new Map(all.entry.map((e) => [e.resource.name, e]));
    for (const source of SOURCES) {
      const want = expected(source);
      const cp = byName.get(contactName(source));
      assert.ok(cp, `${source}: contact point listed`);
      const read = await (await fetch(cp.fullUrl)).json();  // every fullUrl resolves
      assert.deepEqual(validateWithMedplum(read), [], `${source}: Medplum`);
      assert.deepEqual(validateWithFhirJs(read), [], `${source}: fhir.js`);
      assert.equal(read.availableTime, undefined, `${source}: a contact point has no schedule`);
      for (const code of ['contact-point', 'closed-group', 'wheelchair-accessible']) assert.ok(codes(read).includes(code), `${source}: ${code}`);
      assert.deepEqual(read.communication.map((c) => c.coding[0].code), ['en', 'nb'], `${source}: languages`);
      assert.equal(ext(read, MIN_AGE)?.valueUnsignedInt, want.minAge, `${source}: age limit`);
      assert.equal(ext(read, REPORT_TO)?.valueUrl, want.report, `${source}: report link`);
      // The municipalities it covers: coverageArea, a contained Location with the municipality code each.
      const areaCode = (ref) => read.contained?.find((c) => `#${c.id}` === ref.reference)?.address?._district?.extension
        ?.find((e) => e.url === 'http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode')?.valueCoding?.code;
      assert.deepEqual((read.coverageArea ?? []).map(areaCode), want.areas, `${source}: areas`);
      const closed = (await (await fetch(byName.get(closedName(source)).fullUrl)).json());
      assert.ok(codes(closed).includes('open-group'), `${source}: open`);
      assert.equal(closed.notAvailable?.[0]?.description, 'Temporarily closed', `${source}: temporarily closed`);
      // Period.end is the last unavailable moment: the day before it opens again (2099-01-01).
      assert.equal(closed.notAvailable[0].during?.end, want.closedUntil && '2098-12-31', `${source}: until`);
      if (!want.closedUntil) assert.ok(closed.notAvailable[0].during?.start, `${source}: closed from a day`);
    }
  });

  test('cards\' order leaves out groups closed today and lists the contact points', async () => {
    const bergen = await (await fetch(`${service.base}/directory/groups?municipality=4601`)).json();
    const names = bergen.entry.map((e) => e.resource.name);
    for (const source of SOURCES) {
      assert.ok(names.includes(contactName(source)), `${source}: contact point offered`);
      assert.ok(!names.includes(closedName(source)), `${source}: temporarily closed group not offered`);
    }
  });

  test('the HSDS export carries them too, and validates', async () => {
    const out = path.join(dir, 'export');
    await runAsync(['directory', 'export', service.configPath, '--format', 'hsds', '--out', out]);
    const checked = spawnSync('/usr/bin/python3', [path.join(ROOT, 'tests/integration/hsds_schema_check.py'), out,
      path.join(ROOT, 'tests/data/hsds3/schema')], { encoding: 'utf8' });
    assert.equal(checked.status, 0, checked.stdout + checked.stderr);
    const table = (file) => {
      const [header, ...rows] = fs.readFileSync(path.join(out, file), 'utf8').trim().split('\n');
      const columns = header.split(',');
      return rows.map((row) => Object.fromEntries(row.split(',').map((cell, i) => [columns[i], cell.replace(/^"|"$/g, '')])));
    };
    const terms = new Map(table('taxonomy_terms.csv').map((t) => [t.id, t.code]));
    const attributes = table('attributes.csv');
    const services = table('services.csv');
    const areas = table('service_areas.csv');
    for (const source of SOURCES) {
      const want = expected(source);
      const cp = services.find((s) => s.name === contactName(source));
      assert.equal(cp.minimum_age, want.minAge ? String(want.minAge) : '', `${source}: minimum_age`);
      const its = attributes.filter((a) => a.link_id === cp.id).map((a) => [terms.get(a.taxonomy_term_id), a.value]);
      for (const code of ['contact-point', 'closed-group', 'wheelchair-accessible']) assert.ok(its.some(([c]) => c === code), `${source}: ${code}`);
      assert.ok(its.some(([c, v]) => c === 'report-wrong-information' && v === want.report), `${source}: report link`);
      assert.deepEqual(areas.filter((a) => a.service_id === cp.id).map((a) => a.name).sort(),
        want.areas.length ? ['Askøy', 'Bjørnafjorden'] : [], `${source}: service areas`);
      const closed = services.find((s) => s.name === closedName(source));
      assert.equal(closed.status, 'temporarily closed', `${source}: status`);
    }
  });
});

describe('the demo Bergen patient\'s card', () => {
  let service;
  before(async () => { service = await startService(); });
  after(async () => { await service?.cleanup(); });

  test('shows the LINK centre as a contact point, attributes and report links, and the national services last', async () => {
    const request = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/examples/patient-view-bergen.json'), 'utf8'));
    const r = await post(service, '/cds-services/selvhjelp-patient-view', request);
    assert.equal(r.status, 200, r.text);
    const [patient, relatives] = r.json.cards;
    const detail = patient.detail;
    assert.match(detail, /\*\*LINK Bergen og omegn: kontaktpunkt for selvhjelpsgrupper \(syntetisk\)\*\*: Selvhjelp Norge hjelper den som vil bli med i eller starte en gruppe \(lukket, 18\+\); kontakt /);
    assert.match(detail, /\[Meld feil\]\(mailto:katalog@selvhjelp\.example\)/);
    const national = detail.indexOf('**Nasjonale tilbud');
    assert.ok(national > detail.indexOf('LINK Bergen og omegn'), 'national services after the local listings');
    assert.ok(detail.indexOf('RUSinfo') > national, 'RUSinfo in the national section');
    assert.ok(!/Selvhjelpsgruppe avhengighet/.test(detail), 'no weekly Selvhjelp Norge meetings any more');
    assert.ok(relatives, 'a card for relatives');
    const relNational = relatives.detail.indexOf('**Nasjonale tilbud');
    assert.ok(relNational > 0 && relatives.detail.indexOf('Pårørendetelefonen') > relNational, relatives.detail);
    assert.match(relatives.detail, /Pårørendetelefonen\*\*: 800 40 567/);
  });
});
