// Browser tests of the clinician app's page (plugin/web/app/) in Debian's Chromium, driven by
// playwright-core, against the mock of its API (mock-app-api.mjs): every screen at 400 px (an EHR's
// narrow tab) and 1280 px with 0 axe-core violations at WCAG 2.1 AA (screenshots into docs/), a
// record completed by keyboard only, each level and each response, relatives, brokered contact
// with consent, and the request bodies the API received.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMock } from './mock-app-api.mjs';

const peer = createRequire(new URL('../peer/package.json', import.meta.url));
const { chromium } = peer('playwright-core');
const { AxeBuilder } = peer('@axe-core/playwright');

const DOCS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs');
const ISS = 'https://ehr.example/fhir';
const WIDTHS = [400, 1280];
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let mock;
let browser;

before(async () => {
  mock = await startMock();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  await mock?.close();
});

async function received() {
  return (await fetch(`${mock.base}/mock/received`)).json();
}

async function resetReceived() {
  await fetch(`${mock.base}/mock/reset`, { method: 'POST' });
}

// A fresh browser context launched as the EHR would (`launch` picks the mock's scenario); the
// page is ready when its main content is drawn.
async function launch(t, { width = 1280, launch: scenario = 'bergen', ready = '#record', expectedErrors = null } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'nb-NO' });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !expectedErrors?.test(m.text())) errors.push(m.text()); });
  t.after(() => assert.deepEqual(errors, [], 'no script errors and no CSP violations'));
  await page.goto(`${mock.base}/app/launch?iss=${encodeURIComponent(ISS)}&launch=${scenario}`);
  await page.waitForSelector(ready);
  return page;
}

async function axe(page, what) {
  const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const summary = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(summary, [], `${what}: axe violations`);
}

async function shoot(page, name, width) {
  await page.screenshot({ path: path.join(DOCS, `app-${name}-${width}.png`), fullPage: true });
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
async function tabTo(page, label, { name, max = 120 } = {}) {
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
const tickGroup = (page, kind, id) => page.check(`input[data-kind="${kind}"][data-group="${id}"]`);
const statusText = (page) => page.locator('.record-status').innerText();

async function waitDelivered(page, count) {
  await page.waitForFunction((n) => document.querySelectorAll('.record-status .state-delivered').length === n, count);
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
    await page.locator('.guide').screenshot({ path: path.join(DOCS, `app-guide-${width}.png`) });

    await pick(page, 'level', 'brokered');
    await page.click('button[type="submit"]');
    await page.waitForSelector('.error-summary:not([hidden])');
    await axe(page, `errors ${width}`);
    await page.locator('#record').screenshot({ path: path.join(DOCS, `app-errors-${width}.png`) });

    await page.check('input[name="who"][value="Patient/pat-1"]');
    await tickGroup(page, 'patient', 'bgo-sh-1');
    await pick(page, 'response', 'interested');
    await page.selectOption('select[name="organisation"]', 'Selvhjelp Norge');
    await pick(page, 'shares', 'name-and-phone');
    await page.check('input[name="confirm"]');
    await page.locator('#record').screenshot({ path: path.join(DOCS, `app-consent-${width}.png`) });
    await page.click('button[type="submit"]');
    await waitDelivered(page, 1);
    await axe(page, `receipt ${width}`);
    await page.locator('#record').screenshot({ path: path.join(DOCS, `app-recorded-${width}.png`) });
  }
  for (const width of WIDTHS) {
    const out = await launch(t, { width, launch: 'out-of-scope', ready: 'main h1' });
    assert.match(await out.innerText('main'), /Ikke aktuelt/);
    await axe(out, `out of scope ${width}`);
    await shoot(out, 'out-of-scope', width);

    const context = await browser.newContext({ viewport: { width, height: 700 }, locale: 'nb-NO' });
    t.after(() => context.close());
    const expired = await context.newPage();
    await expired.goto(`${mock.base}/app/`);
    await expired.waitForSelector('main h1');
    assert.match(await expired.innerText('main h1'), /Økten er avsluttet/);
    await axe(expired, `session ended ${width}`);
    await shoot(expired, 'session-ended', width);
  }
  for (const [scenario, lang, heading] of [['bergen-nn', 'nn', 'Sjølvhjelp for denne pasienten'], ['bergen-en', 'en', 'Self-help for this patient']]) {
    const page = await launch(t, { width: 400, launch: scenario });
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.equal(await page.innerText('main h1'), heading);
    await axe(page, `main ${lang}`);
    await page.screenshot({ path: path.join(DOCS, `app-main-${lang}-400.png`) });
  }
});

test('a record completed by keyboard only: Tab, Space, arrow keys, Enter', async (t) => {
  await resetReceived();
  const page = await launch(t, { width: 400 });
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).label, 'Gå til registrering', 'the first Tab reaches the skip link');
  await page.keyboard.press('Shift+Tab');

  let f = await tabTo(page, 'AA Bergen sentrum');
  await page.keyboard.press('Space');
  f = await focused(page);
  assert.ok(f.checked, 'Space ticks the group');
  await tabTo(page, 'Al-Anon Bergen');
  await page.keyboard.press('Space');

  await tabTo(page, 'Pasienten', { name: 'who' });
  await page.keyboard.press('Space');
  await tabTo(page, 'Kari Nordmann');
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
  await tabTo(page, 'Registrer');
  await page.keyboard.press('Enter');
  await waitDelivered(page, 2);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Registrert', 'focus moves to the receipt');
  assert.match(await statusText(page), /Pasienten: Skrevet til journalen\.\s+Pårørende: Skrevet til journalen\./);

  const { records } = await received();
  assert.deepEqual(records, [
    { recipients: ['Patient/pat-1'], level: 'conversation', response: 'thinking', groups: ['bgo-aa-1'] },
    { recipients: ['RelatedPerson/rp-1'], level: 'conversation', response: 'thinking', groups: ['bgo-alanon-1'] },
  ]);
});

test('each level and each response, relatives, and brokered contact with consent reach the API as the contract says', async (t) => {
  const cases = [
    { level: 'written', response: 'interested', who: ['Patient/pat-1'], groups: [['patient', 'bgo-aa-1'], ['patient', 'dig-aa-1']] },
    { level: 'conversation', response: 'declined', who: ['Patient/pat-1'], groups: [] },
    { level: 'brokered', response: 'interested', who: ['Patient/pat-1'], groups: [['patient', 'bgo-sh-1']],
      consent: { organization: 'Selvhjelp Norge', shares: 'name-only' } },
    { level: 'written', response: 'thinking', who: ['RelatedPerson/rp-1', 'RelatedPerson/rp-2'], groups: [['relatives', 'bgo-par-1']] },
    { level: 'conversation', response: 'already-attends', who: ['RelatedPerson/rp-2'], groups: [['relatives', 'bgo-alanon-1']] },
    { level: 'brokered', response: 'interested', who: ['RelatedPerson/rp-1'], groups: [['relatives', 'bgo-alanon-1']],
      consent: { organization: 'Al-Anon', shares: 'name-and-email' } },
  ];
  const page = await launch(t, { width: 1280 });
  for (const c of cases) {
    await resetReceived();
    for (const [kind, id] of c.groups) await tickGroup(page, kind, id);
    for (const ref of c.who) await page.check(`input[name="who"][value="${ref}"]`);
    await pick(page, 'level', c.level);
    await pick(page, 'response', c.response);
    if (c.consent) {
      assert.ok(await page.isVisible('.consent'), 'brokered shows the consent step');
      await page.selectOption('select[name="organisation"]', c.consent.organization);
      await pick(page, 'shares', c.consent.shares);
      await page.check('input[name="confirm"]');
    } else {
      assert.ok(!(await page.isVisible('.consent')), 'no consent step unless brokered');
    }
    await page.click('button[type="submit"]');
    await waitDelivered(page, 1);
    const { records } = await received();
    const expected = { recipients: c.who, level: c.level, response: c.response, groups: c.groups.map(([, id]) => id) };
    if (c.consent) expected.consent = { organization: { display: c.consent.organization }, shares: c.consent.shares };
    assert.deepEqual(records, [expected], `${c.level}/${c.response}`);
    await page.click('text=Registrer en ny samtale');
    for (const [kind, id] of c.groups) await page.uncheck(`input[data-kind="${kind}"][data-group="${id}"] >> nth=0`);
  }
});

test('the error summary names each missing answer, is focused, and its links move focus to the field', async (t) => {
  await resetReceived();
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
  assert.equal((await received()).records.length, 0, 'nothing sent');
});

test('the server refuses a POST without the session cookie or the CSRF token, and the page says so', async (t) => {
  await resetReceived();
  const body = JSON.stringify({ recipients: ['Patient/pat-1'], level: 'written', response: 'interested', groups: [] });
  const noSession = await fetch(`${mock.base}/app/api/records`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': 'x' }, body });
  assert.equal(noSession.status, 401);
  const page = await launch(t, { width: 1280, expectedErrors: /status of 403/ });
  const noCsrf = await page.evaluate(async (b) => (await fetch('/app/api/records', { method: 'POST', headers: { 'content-type': 'application/json' }, body: b })).status, body);
  assert.equal(noCsrf, 403, 'the cookie alone is not enough');
  await page.route('**/app/api/records', (route) => route.continue({ headers: { ...route.request().headers(), 'x-csrf-token': 'forged' } }));
  await page.check('input[name="who"][value="Patient/pat-1"]');
  await pick(page, 'level', 'written');
  await pick(page, 'response', 'interested');
  await page.click('button[type="submit"]');
  await page.waitForSelector('.error-summary:not([hidden])');
  assert.match(await page.innerText('.error-summary'), /Pasienten: X-CSRF-Token missing or wrong/);
  assert.equal((await received()).records.length, 0);
});

test('filters narrow the lists; the handout opens for the ticked groups, with the name only when asked', async (t) => {
  await resetReceived();
  const page = await launch(t, { width: 1280 });
  await page.selectOption('select >> nth=2', 'en');
  assert.match(await page.innerText('.filter-count'), /Viser 2 av 11 grupper/);
  assert.equal(await page.locator('.group').count(), 2);
  await page.selectOption('select >> nth=2', '');
  await page.selectOption('select >> nth=1', 'digital');
  assert.deepEqual(await page.locator('.group-name label').allInnerTexts(), ['AA på nett (syntetisk)', 'Pårørendegruppe på nett (syntetisk)']);
  await page.selectOption('select >> nth=1', '');

  await tickGroup(page, 'patient', 'bgo-aa-1');
  await tickGroup(page, 'patient', 'bgo-sh-1');
  await tickGroup(page, 'relatives', 'bgo-alanon-1');
  assert.match(await page.innerText('.named'), /AA Bergen sentrum.*\n.*Selvhjelpsgruppe om rus.*\n.*Al-Anon Bergen/);
  const open = async (button) => {
    const [popup] = await Promise.all([page.context().waitForEvent('page'), page.click(`text=${button}`)]);
    await popup.waitForLoadState();
    const url = new URL(popup.url());
    await popup.close();
    return Object.fromEntries(url.searchParams);
  };
  assert.deepEqual(await open('Åpne utdelingsark (PDF)'), { recipient: 'patient', groups: 'bgo-aa-1,bgo-sh-1', lang: 'nb', format: 'pdf' });
  await page.check('text=Skriv pasientens navn på arket');
  await page.selectOption('.handout select', 'nn');
  assert.deepEqual(await open('Utskriftsvennlig side'), { recipient: 'patient', groups: 'bgo-aa-1,bgo-sh-1', lang: 'nn', format: 'html', printName: '1' });
  await page.check('.handout input[value="relatives"]');
  assert.ok(!(await page.isVisible('text=Skriv pasientens navn på arket')), 'no name choice on the relatives\' sheet');
  assert.deepEqual(await open('Åpne utdelingsark (PDF)'), { recipient: 'relatives', groups: 'bgo-alanon-1', lang: 'nn', format: 'pdf' });
});

test('prints the groups and the guide without the controls; honours reduced motion', async (t) => {
  const page = await launch(t, { width: 1280 });
  await page.emulateMedia({ media: 'print' });
  assert.ok(!(await page.isVisible('#record')), 'the record form is not printed');
  assert.ok(!(await page.isVisible('.filters')), 'nor the filters');
  assert.ok(await page.isVisible('.group'), 'the groups are');
  await page.emulateMedia({ media: 'screen', reducedMotion: 'reduce' });
  await page.check('input[name="who"][value="Patient/pat-1"]');
  await pick(page, 'level', 'written');
  await pick(page, 'response', 'interested');
  await page.route('**/app/api/records/*', () => {});  // keep it pending
  await page.click('button[type="submit"]');
  await page.waitForSelector('.state-pending');
  const animation = await page.evaluate(() => getComputedStyle(document.querySelector('.state-pending'), '::before').animationName);
  assert.equal(animation, 'none');
});
