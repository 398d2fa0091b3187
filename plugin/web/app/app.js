// The clinician app's page: loads the launch's context (docs/app-api.md), then shows, for this
// patient, why selvhjelp applies, what was recorded before, the local groups, the talking guide,
// the handout and the one-step record. Plain ES modules, no dependencies, no inline script/style.
import { h, uid } from './dom.js';
import { t, tOr, loadLanguage, formatDate } from './i18n.js';
import { getContext, endSession, ApiError } from './api.js';
import { renderGroups } from './groups.js';
import { renderRecord } from './record.js';
import { renderHandout } from './handout.js';
import { renderGuide } from './guide.js';

const root = document.getElementById('app');

function browserLanguage() {
  const wanted = (navigator.language || 'nb').toLowerCase();
  if (wanted.startsWith('nn')) return 'nn';
  if (wanted.startsWith('nb') || wanted.startsWith('no')) return 'nb';
  return wanted.slice(0, 2);
}

// Ends the session, for a shared workstation. A record begun and not sent is asked about first:
// it is the clinician's documentation, and a second Enter costs less than recording it again.
// Signed out, the page keeps nothing of the patient or the clinician; a 401 means the session had
// already ended, which is what was asked for. Any other failure keeps the page and says so.
// While the request is out the button says it is busy (aria-disabled: it keeps the focus) and
// further presses are ignored, so a double click sends one request.
async function signOut(ctx, unsent, button) {
  if (button.getAttribute('aria-disabled') === 'true') return;
  if (unsent() && !window.confirm(t('signOut.unsent'))) return;
  button.setAttribute('aria-disabled', 'true');
  try {
    await endSession(ctx.csrf);
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) {
      button.removeAttribute('aria-disabled');
      return showSignOutFailure(e);
    }
  }
  showMessage('signedOut').focus();
}

function showSignOutFailure(e) {
  const reasons = e instanceof ApiError ? e.issues.map((i) => i.text) : [];
  const main = document.getElementById('main');
  main.querySelector('.signout-error')?.remove();
  main.prepend(h('div', { class: 'error-summary signout-error', role: 'alert' }, h('p', {}, [t('signOut.failed'), ...reasons].join(' '))));
}

function header(ctx, unsent) {
  const p = ctx?.practitioner;
  const who = p ? [p.hpr ? t('app.hpr', { hpr: p.hpr }) : null, p.unit].filter(Boolean).join(' · ') : '';
  return h('header', { class: 'top' },
    h('p', { class: 'brand' }, t('app.title')),
    who ? h('p', { class: 'who' }, who) : null,
    ctx?.csrf ? h('button', { type: 'button', class: 'signout', onclick: (e) => signOut(ctx, unsent, e.currentTarget) }, t('app.signOut')) : null);
}

// `unsent`: whether the screen holds a record not yet sent (asked about before signing out).
function screen(ctx, content, unsent = () => false) {
  document.title = t('app.title');
  // Without the skip link, left out: replaceChildren would write a null as the text "null".
  root.replaceChildren(...[
    ctx?.inScope ? h('a', { class: 'skip', href: '#record' }, t('app.skipToRecord')) : null,
    header(ctx, unsent),
    h('main', { id: 'main' }, content)].filter(Boolean));
}

// A full-page message; its heading is returned for screens that move the focus there.
function showMessage(kind, ctx) {
  const headingId = uid('msg');
  const heading = h('h1', { id: headingId, tabindex: '-1' }, t(`${kind}.title`));
  screen(ctx, h('section', { class: `panel message message-${kind}`, 'aria-labelledby': headingId },
    heading,
    h('p', {}, t(`${kind}.text`)),
    kind === 'errorNetwork' ? h('button', { type: 'button', class: 'secondary', onclick: start }, t('errorNetwork.retry')) : null));
  return heading;
}

function lastRecordText(last) {
  if (!last) return t('summary.never');
  const what = [last.level ? tOr(`level.${last.level}`, last.level) : null,
    last.response ? tOr(`response.${last.response}`, last.response).toLowerCase() : null].filter(Boolean).join(', ');
  return t('summary.last', { date: formatDate(last.date), what, from: t(`summary.from.${last.from}`) });
}

function summary(ctx) {
  const p = ctx.place ?? {};
  const placeText = [p.municipality, p.county, p.region].filter(Boolean).join(', ');
  return h('section', { class: 'panel summary', 'aria-labelledby': 'summary-h' },
    h('h1', { id: 'summary-h' }, t('summary.heading')),
    h('p', { class: 'scope' }, ctx.reason ? t('summary.reason', { reason: ctx.reason }) : t('summary.inScope')),
    placeText ? h('p', {}, t('summary.place', { place: placeText })) : null,
    ctx.launch?.card ? h('p', { class: 'from-card' }, t('summary.fromCard')) : null,
    ctx.ehrRecordsUnknown ? h('p', { class: 'store-only' }, t('summary.storeOnly')) : null,
    h('ul', { class: 'history' }, ctx.recipients.map((r) => h('li', {},
      h('span', { class: 'history-who' }, t(`groups.for.${r.kind}`)), ' ',
      h('span', { class: r.due ? 'badge badge-due' : 'badge' }, t(r.due ? 'summary.due' : 'summary.notDue')), ' ',
      h('span', {}, lastRecordText(r.lastRecord))))));
}

function showMain(ctx) {
  const state = {
    ctx,
    filters: { theme: '', format: '', language: '' },
    selected: { patient: new Set(), relatives: new Set() },
    onSelect: [],
    select(kind, id, on) {
      if (on) this.selected[kind].add(id);
      else this.selected[kind].delete(id);
      for (const box of document.querySelectorAll(`input[data-group][data-kind="${kind}"]`)) {
        if (box.dataset.group === id) box.checked = on;
      }
      for (const listener of this.onSelect) listener();
    },
  };
  const guide = h('div', {});
  const groups = h('div', {});
  const handout = h('div', {});
  const record = h('div', {});
  renderGuide(guide);
  renderGroups(groups, state);
  renderHandout(handout, state);
  renderRecord(record, state);
  screen(ctx, h('div', { class: 'columns' }, h('div', { class: 'col-a' }, summary(ctx), guide, groups), h('div', { class: 'col-b' }, record, handout)),
    () => state.recordUnsent());
}

async function start() {
  let ctx;
  try {
    ctx = await getContext();
  } catch (e) {
    await loadLanguage(browserLanguage());
    return showMessage(e instanceof ApiError && e.status === 401 ? 'errorSession' : 'errorNetwork');
  }
  await loadLanguage(ctx.language || browserLanguage());
  if (!ctx.inScope) return showMessage('outOfScope', ctx);
  return showMain(ctx);
}

start();
