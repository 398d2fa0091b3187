// Browser tests of the clinician app in Debian's Chromium (playwright-core) against the running
// service and the demo record system (demo/ehr.mjs: oidc-provider and the pinned FHIR server): an
// EHR launch goes through the real SMART flow to the real page, whose records reach the FHIR
// server, where they are read back and validated. Every screen at 400 px (an EHR's narrow tab) and
// 1280 px with 0 axe-core violations at WCAG 2.1 AA (screenshots: docs/testing.md); a record completed
// by keyboard only; each level and each response, relatives, brokered contact with consent; the
// launch from a card's smart link; the page's language from the launch, the clinician's profile
// and the browser; the handout's PDF text in nb, nn and en; logging out by keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, startDemoEhr, startProxy, startService } from '../integration/harness.mjs';
import { validateWithFhirJs, validateWithMedplum, validateWithOurProfiles } from '../integration/validators.mjs';

const peer = createRequire(new URL('../peer/package.json', import.meta.url));
const { chromium } = peer('playwright-core');
const { AxeBuilder } = peer('@axe-core/playwright');

// The screenshots go into docs/ only when asked (SELVHJELP_DOCS_SCREENSHOTS=1, docs/testing.md);
// otherwise into a temporary folder, so a test run leaves the source tree as it found it.
const SCREENSHOTS = process.env.SELVHJELP_DOCS_SCREENSHOTS === '1'
  ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs')
  : fs.mkdtempSync(path.join(os.tmpdir(), 'selvhjelp-screenshots-'));
const WIDTHS = [400, 1280];
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const RECORDS_TOKEN = 'demo-records-token';  // the demo EHR's token for selvhjelp's write-back
const ORGNR = 'urn:oid:2.16.578.1.12.4.1.4.101';

let proxy;    // selvhjelp's address, known before selvhjelp starts (the demo EHR registers it)
let app;      // http://127.0.0.1:<proxy port>
let ehr;
let fhirBase;
let service;
let browser;
let patients;  // the demo's patient ids: oslo, bergen, trondheim, tromsø, bergen without a diagnosis

before(async () => {
  proxy = await startProxy(0);
  app = `http://127.0.0.1:${proxy.port}`;
  ehr = await startDemoEhr(app);
  fhirBase = `${ehr.base}/fhir/R4`;
  service = await startService((config) => {
    config.service.publicBaseUrl = app;
    config.app = { clientId: 'selvhjelp-demo', allowedIssuers: [fhirBase], allowHttp: true,
      redirectUri: `${app}/app/callback`, webDirectory: path.join(ROOT, 'plugin/web/app') };
    config.records = { fhirServer: fhirBase, allowHttp: true, auth: { type: 'bearer', token: RECORDS_TOKEN },
      retryInitialMs: 100, retryMaxMs: 800 };
    config.fhirServer = { ...(config.fhirServer ?? {}), allowHttp: true };
  });
  proxy.retarget(service.port);
  const list = await (await fetch(`${ehr.base}/`)).text();
  patients = [...list.matchAll(/href="\/patient\/([\w.-]+)"/g)].map((m) => m[1]);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  await service?.cleanup();
  await proxy?.stop();
  await ehr?.stop();
  if (process.env.SELVHJELP_DOCS_SCREENSHOTS !== '1') fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
});

const BERGEN = () => patients[1];

// The demo EHR's FHIR API with selvhjelp's write-back token.
async function fhir(pathname, init = {}) {
  const r = await fetch(`${fhirBase}/${pathname}`, { ...init, headers: { authorization: `Bearer ${RECORDS_TOKEN}`,
    'content-type': 'application/fhir+json', ...(init.headers ?? {}) } });
  assert.ok(r.ok, `FHIR ${pathname}: HTTP ${r.status}`);
  return r.json();
}

// A fresh browser launched by the demo EHR as its EHR launch does (`query`: the EHR's launch
// options, e.g. locale); the page is ready when `ready` is drawn.
// `prepare(context)`, when given, runs before the launch (to route the page's requests).
async function launch(t, { width = 1280, patient = BERGEN(), query = '', ready = '#record', locale = 'nb-NO', expectedErrors = null, prepare = null } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale });
  t.after(() => context.close());
  if (prepare) await prepare(context);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !expectedErrors?.test(m.text())) errors.push(m.text()); });
  t.after(() => assert.deepEqual(errors, [], 'no script errors and no CSP violations'));
  await page.goto(`${ehr.base}/launch/${patient}${query}`);
  assert.equal(new URL(page.url()).origin + new URL(page.url()).pathname, `${app}/app/`, 'the launch ends on the page');
  await page.waitForSelector(ready);
  return page;
}

// The page's own API, called from the page (its session cookie).
const api = (page, pathname) => page.evaluate(async (p) => {
  const r = await fetch(p);
  return { status: r.status, body: await r.json().catch(() => null) };
}, pathname);

async function axe(page, what) {
  const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const summary = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(summary, [], `${what}: axe violations`);
}

async function shoot(page, name, width) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `app-${name}-${width}.png`), fullPage: true });
}

// What has the keyboard focus: its tag, type, label and state.
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const label = el.labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.textContent ?? '';
    const style = getComputedStyle(el);
    return { tag: el.tagName.toLowerCase(), type: el.type ?? '', label: label.trim(), checked: el.checked ?? false,
      name: el.name ?? '', value: el.value ?? '', outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px' };
  });
}

// Presses Tab until the focused element's label starts with `label` (and its name is `name`, when
// given). Fails when the focus never gets there: the page's tab order must reach it.
async function tabTo(page, label, { name, max = 150 } = {}) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.label.startsWith(label) && (!name || f.name === name)) {
      assert.ok(f.outline, `visible focus on "${f.label}"`);
      return f;
    }
  }
  throw new Error(`Tab never reached "${label}"`);
}

const pick = (page, name, value) => page.check(`input[name="${name}"][value="${value}"]`);
const tickGroup = (page, kind, id) => page.check(`input[data-kind="${kind}"][data-group="${id}"] >> nth=0`);
const statusText = (page) => page.locator('.record-status').innerText();

async function waitDelivered(page, count) {
  await page.waitForFunction((n) => document.querySelectorAll('.record-status .state-delivered').length === n, count,
    { timeout: 60000 });
}

// The records the page just made: their ids (from the delivery lines) and where the EHR stored each.
async function delivered(page) {
  const ids = await page.$$eval('.record-status [data-id]', (lines) => lines.map((l) => l.dataset.id));
  const out = [];
  for (const id of ids) {
    const { status, body } = await api(page, `/app/api/records/${id}`);
    assert.equal(status, 200);
    assert.equal(body.state, 'delivered');
    out.push({ id, location: body.location.replace(/\/_history.*/, '') });
  }
  return out;
}

const communications = async (patient) => ((await fhir(`Communication?subject=Patient/${patient}&_count=1000`)).entry ?? []).length;

function assertValid(resource) {
  const what = `${resource.resourceType}/${resource.id}`;
  assert.deepEqual(validateWithMedplum(resource), [], `${what}: Medplum`);
  assert.deepEqual(validateWithFhirJs(resource), [], `${what}: fhir.js`);
  assert.deepEqual(validateWithOurProfiles(resource), [], `${what}: our profiles`);
}

test('every screen at 400 and 1280 px: 0 axe violations at WCAG 2.1 AA, no horizontal scroll, screenshots', async (t) => {
  for (const width of WIDTHS) {
    const page = await launch(t, { width });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `fits ${width} px`);
    assert.equal(await page.getAttribute('html', 'lang'), 'nb');
    await axe(page, `main ${width}`);
    await shoot(page, 'main', width);

    for (const d of await page.$$('details')) await d.evaluate((el) => { el.open = true; });
    await axe(page, `guide open ${width}`);
    await page.locator('.guide').screenshot({ path: path.join(SCREENSHOTS, `app-guide-${width}.png`) });

    await pick(page, 'level', 'brokered');
    await page.click('button[type="submit"]');
    await page.waitForSelector('.error-summary:not([hidden])');
    await axe(page, `errors ${width}`);
    await page.locator('#record').screenshot({ path: path.join(SCREENSHOTS, `app-errors-${width}.png`) });

    await page.check('input[name="who"][data-kind="patient"]');
    await tickGroup(page, 'patient', 'demo-bgo-sh-1');
    await pick(page, 'response', 'interested');
    await page.selectOption('select[name="organisation"]', { label: 'Selvhjelp Norge' });
    await pick(page, 'shares', 'name-and-phone');
    await page.check('input[name="confirm"]');
    await page.locator('#record').screenshot({ path: path.join(SCREENSHOTS, `app-consent-${width}.png`) });
    await page.click('button[type="submit"]');
    await waitDelivered(page, 1);
    assert.match(await page.innerText('p.receipt'), / · 1 gruppe nevnt$/, 'one group: singular');
    await axe(page, `receipt ${width}`);
    await page.locator('#record').screenshot({ path: path.join(SCREENSHOTS, `app-recorded-${width}.png`) });
  }
  for (const width of WIDTHS) {
    const out = await launch(t, { width, patient: patients[4], ready: 'main h1' });
    assert.match(await out.innerText('main'), /Ikke aktuelt/);
    assert.ok(!(await out.innerText('body')).includes('null'), 'no stray text');
    await axe(out, `out of scope ${width}`);
    await shoot(out, 'out-of-scope', width);

    const context = await browser.newContext({ viewport: { width, height: 700 }, locale: 'nb-NO' });
    t.after(() => context.close());
    const expired = await context.newPage();
    await expired.goto(`${app}/app/`);
    await expired.waitForSelector('main h1');
    assert.match(await expired.innerText('main h1'), /Økten er avsluttet/);
    assert.ok(!(await expired.innerText('body')).includes('null'), 'no stray text');
    await axe(expired, `session ended ${width}`);
    await shoot(expired, 'session-ended', width);
  }
});

test('the language: the launch\'s locale, then the clinician\'s profile, then the browser', async (t) => {
  const lang = async (options) => {
    const page = await launch(t, { width: 400, ...options });
    return { lang: await page.getAttribute('html', 'lang'), heading: await page.innerText('main h1'), page };
  };
  const nn = await lang({ query: '?locale=nn-NO', locale: 'en-GB' });
  assert.deepEqual([nn.lang, nn.heading], ['nn', 'Sjølvhjelp for denne pasienten'], 'the launch\'s locale beats the browser');
  await axe(nn.page, 'main nn');
  await nn.page.screenshot({ path: path.join(SCREENSHOTS, 'app-main-nn-400.png') });

  const [practitioner] = (await fhir('Practitioner?identifier=urn:oid:2.16.578.1.12.4.1.4.4|9144889')).entry.map((e) => e.resource);
  await fhir(`Practitioner/${practitioner.id}`, { method: 'PUT', body: JSON.stringify({ ...practitioner,
    communication: [{ coding: [{ system: 'urn:ietf:bcp:47', code: 'en' }] }] }) });
  try {
    const en = await lang({ locale: 'nn-NO' });
    assert.deepEqual([en.lang, en.heading], ['en', 'Self-help for this patient'], 'the profile beats the browser');
    await axe(en.page, 'main en');
    await en.page.screenshot({ path: path.join(SCREENSHOTS, 'app-main-en-400.png') });
    assert.equal((await lang({ query: '?locale=nb-NO', locale: 'nn-NO' })).lang, 'nb', 'the launch\'s locale beats the profile');
  } finally {
    await fhir(`Practitioner/${practitioner.id}`, { method: 'PUT', body: JSON.stringify(practitioner) });
  }
  assert.equal((await lang({ locale: 'nn-NO' })).lang, 'nn', 'without either, the browser\'s Accept-Language');
  assert.equal((await lang({ locale: 'de-DE' })).lang, 'nb', 'and nb when none of them is a language the page has');
});

test('logging out by keyboard: a failure keeps the page, a record begun is asked about, then nothing of the patient is left and the session is over', async (t) => {
  const page = await launch(t, { width: 400, expectedErrors: /status of (401|503)/ });
  const patient = await fhir(`Patient/${BERGEN()}`);
  const traces = [BERGEN(), patient.name[0].family, '9144889'];
  const before = await page.content();
  for (const trace of traces) assert.ok(before.includes(trace), `the page shows ${trace} before`);

  // The answer is held until both presses are in: the second must send nothing.
  let deletes = 0;
  let answer;
  const held = new Promise((resolve) => { answer = resolve; });
  await page.route('**/app/api/session', async (route) => {
    deletes += 1;
    await held;
    await route.fulfill({ status: 503, contentType: 'application/fhir+json',
      body: JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'transient', diagnostics: 'Store unavailable.' }] }) });
  });
  await tabTo(page, 'Logg ut');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.waitForSelector('header button[aria-disabled="true"]');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Logg ut', 'the busy button keeps the focus');
  answer();
  await page.waitForSelector('.signout-error');
  assert.equal(deletes, 1, 'two presses, one request');
  assert.equal(await page.getAttribute('header button', 'aria-disabled'), null, 'after a failure the button works again');
  assert.equal(await page.innerText('[role="alert"]'), 'Du ble ikke logget ut. Prøv igjen. Store unavailable.');
  assert.ok(await page.isVisible('#record'), 'a failure keeps the page');
  assert.equal((await api(page, 'api/context')).status, 200, 'and the session');
  await axe(page, 'log out failed');
  await page.unroute('**/app/api/session');

  await page.check('input[name="who"][data-kind="patient"]');
  await page.focus('header button');
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); return d.dismiss(); });
  await page.keyboard.press('Enter');
  assert.match(asked, /Registreringen er ikke lagret/, 'a record begun is asked about');
  assert.ok(await page.isChecked('input[name="who"][data-kind="patient"]'), 'and kept when the clinician says no');
  page.once('dialog', (d) => d.accept());
  await page.keyboard.press('Enter');

  await page.waitForSelector('.message-signedOut');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Du er logget ut', 'focus moves to the message');
  assert.match(await page.innerText('main'), /Start appen på nytt fra journalen for å fortsette\./);
  assert.ok(!(await page.innerText('body')).includes('null'), 'no stray text');
  const after = await page.content();
  for (const trace of traces) assert.ok(!after.includes(trace), `nothing of ${trace} left`);
  assert.equal(await page.locator('header button, form, .signout-error').count(), 0);
  assert.equal((await api(page, 'api/context')).status, 401, 'the session is over');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'fits 400 px');
  await axe(page, 'logged out 400');
  await shoot(page, 'logged-out', 400);
});

test('a record completed by keyboard only: Tab, Space, arrow keys, Enter; it reaches the EHR', async (t) => {
  const page = await launch(t, { width: 400 });
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).label, 'Gå til registrering', 'the first Tab reaches the skip link');
  await page.keyboard.press('Shift+Tab');

  let f = await tabTo(page, 'AA-gruppe Bergen sentrum');
  await page.keyboard.press('Space');
  f = await focused(page);
  assert.ok(f.checked, 'Space ticks the group');
  await tabTo(page, 'Al-Anon-gruppe Bergen');
  await page.keyboard.press('Space');

  await tabTo(page, 'Pasienten', { name: 'who' });
  await page.keyboard.press('Space');
  await tabTo(page, 'Eva Prøvesen', { name: 'who' });
  await page.keyboard.press('Space');
  f = await tabTo(page, 'Skriftlig', { name: 'level' });
  await page.keyboard.press('ArrowDown');
  f = await focused(page);
  assert.equal(f.value, 'conversation');
  assert.ok(f.checked, 'an arrow key selects the next level');
  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f.name, 'response', 'Tab leaves the radio group for the next one');
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  assert.equal((await focused(page)).value, 'thinking');
  // Patient and relative both ticked: each answers for themselves.
  assert.equal(await page.innerText('fieldset[data-field="response"] legend'), 'Hva svarte pasienten?');
  f = await tabTo(page, 'Interessert', { name: 'responseRelatives' });
  await page.keyboard.press('Space');
  await tabTo(page, 'Registrer');
  await page.keyboard.press('Enter');
  await waitDelivered(page, 2);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Registrert', 'focus moves to the receipt');
  assert.match(await page.innerText('p.receipt'), /Pasienten: vil tenke på det, Pårørende: interessert · 2 grupper nevnt$/);
  assert.match(await statusText(page), /Pasienten: Skrevet til journalen\.\s+Pårørende: Skrevet til journalen\./);

  const [toPatient, toRelative] = await delivered(page);
  const patientCommunication = await fhir(toPatient.location);
  assert.deepEqual(patientCommunication.recipient.map((r) => r.reference), [`Patient/${BERGEN()}`]);
  const relativeCommunication = await fhir(toRelative.location);
  assert.equal(relativeCommunication.recipient.length, 1);
  const relative = await fhir(relativeCommunication.recipient[0].reference);
  assert.equal(relative.name[0].given[0], 'Eva', 'the relative ticked by name');
  for (const c of [patientCommunication, relativeCommunication]) assertValid(c);
  const answer = (c) => c.extension.find((e) => e.url.endsWith('patient-response')).valueCoding.code;
  assert.deepEqual([answer(patientCommunication), answer(relativeCommunication)], ['thinking', 'interested'], 'each their own answer');
});

test('with records.writeBack "none" the page promises nothing of the journal: the hint and the receipt say the record is kept here', async (t) => {
  // The service of this suite writes back; a hospital running "none" answers the context with
  // writeBack "none" and each record with state "stored" (tests/integration/write_back_modes.test.mjs).
  // Both answers are rewritten here as that service gives them.
  const keptHere = async (context) => {
    await context.route('**/app/api/context', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...(await response.json()), writeBack: 'none' } });
    });
    await context.route('**/app/api/records', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({ response, json: response.status() === 202 ? { ...body, state: 'stored' } : body });
    });
  };
  const polled = [];
  const page = await launch(t, { width: 400, prepare: keptHere });
  page.on('request', (r) => { if (/\/app\/api\/records\/./.test(r.url())) polled.push(r.url()); });
  assert.match(await page.innerText('#record'), /Registreringen lagres her, ikke i journalen/);
  assert.doesNotMatch(await page.innerText('#record'), /skrives til journalen/);
  await tickGroup(page, 'patient', 'demo-bgo-aa-1');
  await page.check('input[name="who"][data-kind="patient"]');
  await page.check('input[name="level"][value="written"]');
  await page.check('input[name="response"][value="interested"]');
  await page.click('button[type="submit"]');
  await page.waitForSelector('.record-status .state-stored');
  assert.match(await statusText(page), /Pasienten: Lagret her, ikke i journalen\./);
  assert.deepEqual(polled, [], 'a record kept here is not followed');
});

test('each level and each response, relatives, and brokered contact with consent: the resources arrive on the FHIR server and validate', async (t) => {
  const page = await launch(t, { width: 1280 });
  const ctx = (await api(page, '/app/api/context')).body;
  const relatives = ctx.relatedPersons.map((r) => r.reference);
  assert.equal(relatives.length, 2);
  assert.deepEqual(ctx.relatedPersons.map((r) => r.display), ['Nils Prøvesen (syntetisk) (far)', 'Eva Prøvesen (syntetisk) (søster)']);
  const sh = ctx.recipients[0].sections.municipality.find((g) => g.id === 'demo-bgo-sh-1');
  assert.deepEqual(sh.organisationIdentifier, { system: ORGNR, value: '310900400' });
  const cases = [
    { level: 'written', response: 'interested', who: [`Patient/${BERGEN()}`], groups: [['patient', 'demo-bgo-aa-1'], ['patient', 'demo-dig-sh-1']] },
    { level: 'conversation', response: 'declined', who: [`Patient/${BERGEN()}`], groups: [] },
    { level: 'brokered', response: 'interested', who: [`Patient/${BERGEN()}`], groups: [['patient', 'demo-bgo-sh-1']],
      consent: { organization: 'Selvhjelp Norge', orgnr: '310900400', shares: 'name-only' } },
    { level: 'written', response: 'thinking', who: relatives, groups: [['relatives', 'demo-bgo-alanon-1']] },
    { level: 'conversation', response: 'already-attends', who: [relatives[1]], groups: [['relatives', 'demo-dig-par-1']] },
  ];
  for (const c of cases) {
    for (const [kind, id] of c.groups) await tickGroup(page, kind, id);
    for (const ref of c.who) await page.check(`input[name="who"][value="${ref}"]`);
    await pick(page, 'level', c.level);
    await pick(page, 'response', c.response);
    if (c.consent) {
      assert.ok(await page.isVisible('.consent'), 'brokered shows the consent step');
      await page.selectOption('select[name="organisation"]', { label: c.consent.organization });
      await pick(page, 'shares', c.consent.shares);
      await page.check('input[name="confirm"]');
    } else {
      assert.ok(!(await page.isVisible('.consent')), 'no consent step unless brokered');
    }
    await page.click('button[type="submit"]');
    await waitDelivered(page, 1);
    const [record] = await delivered(page);
    const communication = await fhir(record.location);
    assertValid(communication);
    const ext = (name) => communication.extension.find((e) => e.url.endsWith(name))?.valueCoding?.code;
    assert.equal(ext('level'), c.level, `${c.level}/${c.response}: level`);
    assert.equal(ext('response'), c.response, `${c.level}/${c.response}: response`);
    assert.deepEqual(communication.recipient.map((r) => r.reference).sort(), [...c.who].sort());
    assert.equal(communication.subject.reference, `Patient/${BERGEN()}`);
    assert.equal(communication.sender.identifier.value, '9144889', 'the launching clinician\'s HPR number');
    for (const [, id] of c.groups) {
      const name = ctx.recipients.flatMap((r) => Object.values(r.sections).flat()).find((g) => g.id === id).name;
      assert.ok(JSON.stringify(communication.payload).includes(name), `${id} named in the record`);
    }
    for (const part of communication.partOf ?? []) assertValid(await fhir(part.reference));
    if (c.consent) {
      const consents = (await fhir(`Consent?patient=Patient/${BERGEN()}`)).entry.map((e) => e.resource);
      const consent = consents.find((r) => r.identifier?.some((i) => i.value === `${record.id}/consent`));
      assert.ok(consent, 'the consent arrived with the record');
      assertValid(consent);
      assert.deepEqual(consent.provision.actor[0].reference.identifier, { system: ORGNR, value: c.consent.orgnr });
      assert.equal(consent.provision.actor[0].reference.display, c.consent.organization);
      assert.deepEqual(consent.provision.code[0].coding.map((x) => x.code), [c.consent.shares], 'what the patient agreed may be shared');
    }
    await page.click('text=Registrer en ny samtale');
    for (const [kind, id] of c.groups) await page.uncheck(`input[data-kind="${kind}"][data-group="${id}"] >> nth=0`);
  }
});

test('brokered contact for a relative, and a missing answer, are named in the error summary, which is focused and links to each field', async (t) => {
  const page = await launch(t, { width: 400 });
  await pick(page, 'level', 'brokered');
  await page.click('button[type="submit"]');
  await page.waitForSelector('.error-summary:not([hidden])');
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('error-summary')), true);
  const items = await page.locator('.error-summary li').allInnerTexts();
  assert.deepEqual(items, ['Velg hvem som fikk informasjon.', 'Velg hva svaret var.', 'Velg organisasjonen som får kontaktopplysningene.',
    'Velg hva som kan deles.', 'Bekreft at samtykket er gitt.']);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).name, 'response', 'the second link focuses the response');
  assert.equal(await page.getAttribute('select[name="organisation"]', 'aria-invalid'), 'true');

  await page.check('input[name="who"][data-kind="relatives"] >> nth=0');
  await page.click('button[type="submit"]');
  assert.match(await page.innerText('.error-summary'), /Formidlet kontakt registreres for pasienten alene/);
  assert.equal(await page.locator('.record-status [data-id]').count(), 0, 'nothing sent');
});

test('a cross-site POST without the CSRF token, or with a forged one, is refused, the page says so, and nothing is recorded', async (t) => {
  const before = await communications(patients[3]);
  const page = await launch(t, { width: 1280, patient: patients[3], expectedErrors: /status of 403/ });
  const body = JSON.stringify({ recipients: [`Patient/${patients[3]}`], level: 'written', response: 'interested', groups: [] });
  const noCsrf = await page.evaluate(async (b) => (await fetch('/app/api/records', { method: 'POST', headers: { 'content-type': 'application/json' }, body: b })).status, body);
  assert.equal(noCsrf, 403, 'the cookie alone is not enough');
  const noSession = await fetch(`${app}/app/api/records`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': 'x' }, body });
  assert.equal(noSession.status, 401);
  await page.route('**/app/api/records', (route) => route.continue({ headers: { ...route.request().headers(), 'x-csrf-token': 'forged' } }));
  await page.check('input[name="who"][data-kind="patient"]');
  await pick(page, 'level', 'written');
  await pick(page, 'response', 'interested');
  await page.click('button[type="submit"]');
  await page.waitForSelector('.error-summary:not([hidden])');
  assert.match(await page.innerText('.error-summary'), /Pasienten: .*X-CSRF-Token/);
  assert.equal(await page.locator('.record-status [data-id]').count(), 0, 'no record was accepted');
  assert.equal(await communications(patients[3]), before, 'nothing reached the EHR');
});

test('a record\'s state is only for sessions of its patient', async (t) => {
  const bergen = await launch(t, { width: 1280 });
  await bergen.check('input[name="who"][data-kind="patient"]');
  await pick(bergen, 'level', 'written');
  await pick(bergen, 'response', 'thinking');
  await bergen.click('button[type="submit"]');
  await waitDelivered(bergen, 1);
  const [record] = await delivered(bergen);
  const oslo = await launch(t, { width: 1280, patient: patients[0], expectedErrors: /status of 404/ });
  assert.equal((await api(oslo, `/app/api/records/${record.id}`)).status, 404, 'another patient\'s record is not found');
  assert.equal((await api(oslo, '/app/api/records/00000000-0000-7000-8000-000000000000')).status, 404);
  assert.equal((await api(bergen, `/app/api/records/${record.id}`)).status, 200);
});

test('a card\'s smart link launches the app with the card as appContext, beside the card in the demo EHR', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(`${ehr.base}/`);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'demo-ehr-list-1280.png') });
  await page.goto(`${ehr.base}/patient/${patients[0]}`);
  const frame = page.frameLocator('iframe[name="app"]');
  await frame.locator('#record').waitFor();  // the EHR's own launch of the app, beside the card
  await page.screenshot({ path: path.join(SCREENSHOTS, 'demo-ehr-patient-1280.png') });
  assert.equal(await frame.locator('.from-card').count(), 0);
  const link = page.locator('.cards a.smart-link').first();
  const href = new URL(await link.getAttribute('href'), ehr.base);
  const card = JSON.parse(href.searchParams.get('appContext')).card;
  assert.match(card, /^[0-9a-f-]{36}$/, 'the appContext names the card');
  await link.click();
  await frame.locator('.from-card').waitFor();
  assert.match(await frame.locator('.from-card').innerText(), /Åpnet fra beslutningsstøttekortet/);
  const ctx = await frame.locator('body').evaluate(async () => (await fetch('/app/api/context')).json());
  assert.equal(ctx.launch.card, card, 'the page knows which card it was opened from');
  assert.equal(ctx.place.municipality, 'Oslo');

  // The next patient in the same browser session is launched with that patient's context.
  await page.goto(`${ehr.base}/patient/${patients[3]}`);
  await page.frameLocator('iframe[name="app"]').locator('#record').waitFor();
  const next = await page.frameLocator('iframe[name="app"]').locator('body').evaluate(async () => (await fetch('/app/api/context')).json());
  assert.equal(next.place.municipality, 'Tromsø');
  assert.equal(next.launch, undefined, 'launched from the list, not from a card');
});

test('filters narrow the lists; the handout opens for the ticked groups, its PDF in nb, nn and en, the name only when asked', async (t) => {
  const page = await launch(t, { width: 1280 });
  // Listings, once each: a national service for patient and relatives is in both lists.
  const listings = async () => new Set(await page.locator('.group input[data-group]').evaluateAll((els) => els.map((e) => e.dataset.group))).size;
  const all = await listings();
  // A contact point says how to join or start a group; open/closed is a tag (its meaning varies
  // by organisation), not "X starts closed groups here".
  const point = await page.locator('.group:has(.contact-point)').first().innerText();
  assert.match(point, /ta kontakt for å bli med i eller starte en gruppe/);
  assert.match(point, /Lukket/);
  assert.ok(!/starter lukkede/.test(point), point);
  await page.selectOption('select >> nth=1', 'digital');
  const digital = await listings();
  assert.ok(digital > 0 && digital < all, `the format filter narrows ${all} groups to ${digital}`);
  assert.match(await page.innerText('.filter-count'), new RegExp(`Viser ${digital} av ${all} grupper`));
  await page.selectOption('select >> nth=1', '');

  await tickGroup(page, 'patient', 'demo-bgo-aa-1');
  await tickGroup(page, 'patient', 'demo-bgo-sh-1');
  await tickGroup(page, 'relatives', 'demo-bgo-alanon-1');
  const open = async (button) => {
    const [popup] = await Promise.all([page.context().waitForEvent('page'), page.click(`text=${button}`)]);
    await popup.waitForLoadState();
    const url = new URL(popup.url());
    await popup.close();
    return Object.fromEntries(url.searchParams);
  };
  assert.deepEqual(await open('Åpne utdelingsark (PDF)'), { recipient: 'patient', groups: 'demo-bgo-aa-1,demo-bgo-sh-1', lang: 'nb', format: 'pdf' });
  await page.check('text=Skriv pasientens navn på arket');
  await page.selectOption('.handout select', 'nn');
  assert.deepEqual(await open('Utskriftsvennlig side'), { recipient: 'patient', groups: 'demo-bgo-aa-1,demo-bgo-sh-1', lang: 'nn', format: 'html', printName: '1' });
  await page.check('.handout input[value="relatives"]');
  assert.ok(!(await page.isVisible('text=Skriv pasientens navn på arket')), 'no name choice on the relatives\' sheet');
  assert.deepEqual(await open('Åpne utdelingsark (PDF)'), { recipient: 'relatives', groups: 'demo-bgo-alanon-1', lang: 'nn', format: 'pdf' });

  const pdfText = async (query) => {
    const base64 = await page.evaluate(async (q) => {
      const r = await fetch(`/app/api/handout?${q}`);
      const bytes = new Uint8Array(await r.arrayBuffer());
      let s = '';
      for (const b of bytes) s += String.fromCharCode(b);
      return btoa(s);
    }, query);
    return execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(base64, 'base64') }).toString();
  };
  const patient = await fhir(`Patient/${BERGEN()}`);
  for (const [lang, word] of [['nb', /selvhjelp/i], ['nn', /sjølvhjelp/i], ['en', /self-help/i]]) {
    const text = await pdfText(`recipient=patient&groups=demo-bgo-aa-1&lang=${lang}&format=pdf`);
    assert.match(text, word, `the ${lang} handout`);
    assert.ok(text.includes('AA-gruppe Bergen sentrum'), `the chosen group on the ${lang} handout`);
    assert.ok(!text.includes(patient.name[0].family), 'no name unless asked');
  }
  assert.ok((await pdfText('recipient=patient&groups=demo-bgo-aa-1&lang=nb&format=pdf&printName=1')).includes(patient.name[0].family));
});

test('one group is counted as one: "Viser 1 av 1 gruppe"', async (t) => {
  // The context the service answers, cut to the patient's first group (no demo patient has one).
  const oneGroup = (context) => context.route('**/app/api/context', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    let kept = false;
    for (const recipient of body.recipients) {
      for (const [section, groups] of Object.entries(recipient.sections ?? {})) {
        recipient.sections[section] = kept ? [] : groups.slice(0, 1);
        kept ||= groups.length > 0;
      }
    }
    assert.ok(kept, 'the patient has a group to keep');
    await route.fulfill({ response, json: body });
  });
  const page = await launch(t, { width: 400, prepare: oneGroup });
  assert.equal(await page.innerText('.filter-count'), 'Viser 1 av 1 gruppe.');
});

test('prints the groups and the guide without the controls; honours reduced motion', async (t) => {
  const page = await launch(t, { width: 1280, patient: patients[3] });
  await page.emulateMedia({ media: 'print' });
  assert.ok(!(await page.isVisible('#record')), 'the record form is not printed');
  assert.ok(!(await page.isVisible('.filters')), 'nor the filters');
  assert.ok(await page.isVisible('.group'), 'the groups are');
  await page.emulateMedia({ media: 'screen', reducedMotion: 'reduce' });
  await page.check('input[name="who"][data-kind="patient"]');
  await pick(page, 'level', 'written');
  await pick(page, 'response', 'interested');
  await page.route('**/app/api/records/*', () => {});  // keep it pending
  await page.click('button[type="submit"]');
  await page.waitForSelector('.state-pending');
  const animation = await page.evaluate(() => getComputedStyle(document.querySelector('.state-pending'), '::before').animationName);
  assert.equal(animation, 'none');
});
