// Record in one step: who was informed, the level, the response, the groups named (ticked in the
// group lists) and, for brokered contact, the consent. One POST per recipient kind (the patient;
// the relatives), then the delivery state of each, polled until delivered or parked.
import { h, uid } from './dom.js';
import { t } from './i18n.js';
import { postRecord, getRecord, ApiError } from './api.js';
import { groupsOf } from './groups.js';

const LEVELS = ['written', 'conversation', 'brokered'];
const RESPONSES = ['interested', 'thinking', 'declined', 'already-attends'];
const SHARES = ['name-and-phone', 'name-and-email', 'name-only'];
const POLL_MS = [500, 1000, 1000, 2000, 2000, 4000];
const POLL_LIMIT = 40;

// `texts`: the key prefix of the choices' labels and hints (the name's own by default).
function radioGroup(name, values, legendKey, { hints = false, onchange, texts = name } = {}) {
  const id = uid(`fs-${name}`);
  const errorId = `${id}-error`;
  return h('fieldset', { id, class: 'fieldset', 'data-field': name },
    h('legend', {}, t(legendKey)),
    h('p', { class: 'field-error', id: errorId, hidden: true }),
    values.map((value) => {
      const inputId = uid(`${name}-${value}`);
      const hintId = hints ? `${inputId}-hint` : null;
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', name, value, id: inputId, 'aria-describedby': hintId, onchange }),
        h('label', { for: inputId }, t(`${texts}.${value}`),
          hints ? h('span', { class: 'choice-hint', id: hintId }, t(`${texts}Hint.${value}`)) : null));
    }));
}

// "1 gruppe nevnt", "3 grupper nevnt".
function groupsNamed(n) {
  return t(n === 1 ? 'record.receiptGroupsOne' : 'record.receiptGroups', { n });
}

function checked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

// The organisations brokered contact can go to: those of the patient's groups whose organisation
// number is known (the consent names the organisation by it), the chosen groups' first.
function organisations(ctx, state) {
  const groups = groupsOf(ctx, 'patient');
  const chosen = groups.filter((g) => state.selected.patient.has(g.id));
  const byNumber = new Map();
  for (const g of [...chosen, ...groups]) {
    const id = g.organisationIdentifier;
    if (g.organisation && id?.value && !byNumber.has(id.value)) byNumber.set(id.value, { display: g.organisation, identifier: id });
  }
  return [...byNumber.values()];
}

export function renderRecord(container, state) {
  const ctx = state.ctx;
  const headingId = uid('record-h');
  const summaryId = uid('errors');
  const errorList = h('ul', {});
  const errorSummary = h('div', { class: 'error-summary', id: summaryId, tabindex: '-1', hidden: true, 'aria-labelledby': `${summaryId}-h` },
    h('h3', { id: `${summaryId}-h` }, t('record.errorsHeading')), errorList);
  const live = h('div', { class: 'record-status', role: 'status', 'aria-live': 'polite' });

  const recipients = h('fieldset', { id: uid('fs-recipients'), class: 'fieldset', 'data-field': 'recipients' },
    h('legend', {}, t('record.who')),
    h('p', { class: 'field-error', hidden: true }),
    ctx.recipients.some((r) => r.kind === 'patient')
      ? (() => {
        const id = uid('who-patient');
        const ref = ctx.recipients.find((r) => r.kind === 'patient').refs[0];
        return h('div', { class: 'choice' }, h('input', { type: 'checkbox', name: 'who', value: ref, id, 'data-kind': 'patient' }),
          h('label', { for: id }, t('record.thePatient')));
      })() : null,
    (ctx.relatedPersons ?? []).map((rp) => {
      const id = uid('who-rp');
      return h('div', { class: 'choice' }, h('input', { type: 'checkbox', name: 'who', value: rp.reference, id, 'data-kind': 'relatives' }),
        h('label', { for: id }, rp.display || t('record.aRelative')));
    }));
  const level = radioGroup('level', LEVELS, 'record.level', { hints: true, onchange: () => syncConsent() });
  const response = radioGroup('response', RESPONSES, 'record.response', { hints: true });
  // With the patient and relatives both ticked, each answer is their own: relatives get a question
  // of theirs (a patient's "declined" is not recorded for the sister who was there).
  const responseRelatives = radioGroup('responseRelatives', RESPONSES, 'record.responseRelatives', { hints: true, texts: 'response' });
  responseRelatives.hidden = true;
  function syncResponses() {
    const kinds = new Set([...recipients.querySelectorAll('input[name="who"]:checked')].map((b) => b.dataset.kind));
    const both = kinds.size === 2;
    responseRelatives.hidden = !both;
    response.querySelector('legend').textContent = t(both ? 'record.responsePatient' : 'record.response');
  }
  recipients.addEventListener('change', syncResponses);
  const named = h('div', { class: 'named' });

  const orgId = uid('consent-org');
  const orgSelect = h('select', { id: orgId, name: 'organisation', 'aria-describedby': `${orgId}-error` });
  const orgField = h('div', { class: 'field', 'data-field': 'organisation' },
    h('label', { for: orgId }, t('consent.organisation')),
    h('p', { class: 'field-error', id: `${orgId}-error`, hidden: true }), orgSelect);
  const shares = radioGroup('shares', SHARES, 'consent.shares');
  const confirmId = uid('consent-confirm');
  const confirm = h('div', { class: 'field', 'data-field': 'confirm' },
    h('p', { class: 'field-error', id: `${confirmId}-error`, hidden: true }),
    h('div', { class: 'choice' },
      h('input', { type: 'checkbox', id: confirmId, name: 'confirm', 'aria-describedby': `${confirmId}-error` }),
      h('label', { for: confirmId }, t('consent.confirm'))));
  const consent = h('fieldset', { class: 'fieldset consent', hidden: true },
    h('legend', {}, t('consent.heading')), h('p', { class: 'hint' }, t('consent.hint')), orgField, shares, confirm);

  const submit = h('button', { type: 'submit', class: 'primary' }, t('record.submit'));
  const form = h('form', { novalidate: true, 'aria-labelledby': headingId }, recipients, level, response, responseRelatives,
    named, consent, submit);
  const again = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => reset() }, t('record.another'));
  const receiptHeading = h('h3', { tabindex: '-1', class: 'receipt-h', hidden: true }, t('record.receiptHeading'));
  const receipt = h('p', { class: 'receipt', hidden: true });

  function syncConsent() {
    const brokered = form.querySelector('input[name="level"]:checked')?.value === 'brokered';
    consent.hidden = !brokered;
    const current = orgSelect.value;
    orgSelect.replaceChildren(h('option', { value: '' }, t('consent.chooseOrganisation')),
      ...organisations(ctx, state).map((o) => h('option', { value: o.identifier.value, selected: o.identifier.value === current }, o.display)));
  }

  function drawNamed() {
    const items = ['patient', 'relatives'].flatMap((kind) => groupsOf(ctx, kind)
      .filter((g) => state.selected[kind].has(g.id))
      .map((g) => h('li', {}, g.name, ' ', h('span', { class: 'muted' }, `(${t(`groups.for.${kind}`).toLowerCase()})`))));
    named.replaceChildren(h('p', { class: 'named-title' }, t('record.named')),
      items.length ? h('ul', {}, items) : h('p', { class: 'muted' }, t('record.noneNamed')));
    syncConsent();
  }
  state.onSelect.push(drawNamed);

  function showErrors(errors) {
    for (const el of form.querySelectorAll('.field-error')) el.hidden = true;
    for (const el of form.querySelectorAll('.has-error')) el.classList.remove('has-error');
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    errorList.replaceChildren();
    errorSummary.hidden = errors.length === 0;
    for (const { field, text } of errors) {
      const box = form.querySelector(`[data-field="${field}"]`);
      const target = box?.querySelector('input, select');
      if (box) {
        box.classList.add('has-error');
        const message = box.querySelector('.field-error');
        message.textContent = text;
        message.hidden = false;
        if (box.tagName === 'FIELDSET') {
          message.id ||= uid('err');
          box.setAttribute('aria-describedby', message.id);
        } else {
          target?.setAttribute('aria-invalid', 'true');
        }
      }
      errorList.append(h('li', {}, target
        ? h('a', { href: `#${target.id}`, onclick: (e) => { e.preventDefault(); target.focus(); } }, text)
        : text));
    }
    if (errors.length) errorSummary.focus();
  }

  function validate() {
    const errors = [];
    const who = checked(form, 'who');
    const lvl = checked(form, 'level')[0];
    if (!who.length) errors.push({ field: 'recipients', text: t('errors.recipients') });
    if (!lvl) errors.push({ field: 'level', text: t('errors.level') });
    if (!checked(form, 'response')[0]) errors.push({ field: 'response', text: t('errors.response') });
    if (!responseRelatives.hidden && !checked(form, 'responseRelatives')[0]) {
      errors.push({ field: 'responseRelatives', text: t('errors.responseRelatives') });
    }
    if (lvl === 'brokered') {
      if (who.some((ref) => !ref.startsWith('Patient/'))) errors.push({ field: 'recipients', text: t('errors.brokeredRelatives') });
      if (!orgSelect.value) errors.push({ field: 'organisation', text: t('errors.organisation') });
      if (!checked(form, 'shares')[0]) errors.push({ field: 'shares', text: t('errors.shares') });
      if (!form.querySelector('input[name="confirm"]').checked) errors.push({ field: 'confirm', text: t('errors.confirm') });
    }
    return errors;
  }

  function bodies() {
    const lvl = checked(form, 'level')[0];
    const base = { level: lvl };
    if (lvl === 'brokered') {
      const org = organisations(ctx, state).find((o) => o.identifier.value === orgSelect.value);
      base.consent = { organization: { display: org.display, identifier: org.identifier }, shares: checked(form, 'shares')[0] };
    }
    const boxes = [...form.querySelectorAll('input[name="who"]:checked')];
    return ['patient', 'relatives'].map((kind) => ({
      kind,
      body: {
        recipients: boxes.filter((b) => b.dataset.kind === kind).map((b) => b.value),
        ...base,
        response: checked(form, kind === 'relatives' && !responseRelatives.hidden ? 'responseRelatives' : 'response')[0],
        groups: groupsOf(ctx, kind).filter((g) => state.selected[kind].has(g.id)).map((g) => g.id),
      },
    })).filter((r) => r.body.recipients.length);
  }

  function stateLine(kind, id, text) {
    let line = live.querySelector(`[data-record="${kind}"]`);
    if (!line) {
      line = h('p', { 'data-record': kind });
      live.append(line);
    }
    if (id) line.dataset.id = id;
    line.className = `state state-${text}`;
    line.textContent = `${t(`groups.for.${kind}`)}: ${t(`delivery.${text}`)}`;
  }

  async function follow(kind, id) {
    for (let i = 0; i < POLL_LIMIT; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS[Math.min(i, POLL_MS.length - 1)]));
      try {
        const record = await getRecord(id);
        if (record.state === 'delivered' || record.state === 'parked') return stateLine(kind, id, record.state);
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return stateLine(kind, id, 'sessionEnded');
      }
    }
    return stateLine(kind, id, 'stillPending');
  }

  async function send(event) {
    event.preventDefault();
    const errors = validate();
    showErrors(errors);
    if (errors.length) return;
    submit.disabled = true;
    live.replaceChildren();
    const done = [];
    const failures = [];
    for (const { kind, body } of bodies()) {
      try {
        const answer = await postRecord(state.ctx.csrf, body);
        if (answer.state === 'stored') {  // records.writeBack "none": kept here, nothing to follow
          stateLine(kind, answer.id, 'stored');
        } else {
          stateLine(kind, answer.id, 'pending');
          done.push(follow(kind, answer.id));
        }
      } catch (e) {
        const status = e instanceof ApiError ? e.status : 0;
        const issues = e instanceof ApiError && e.issues.length ? e.issues.map((i) => i.text) : [t(`errors.http.${status}`) === `errors.http.${status}` ? t('errors.http.other') : t(`errors.http.${status}`)];
        failures.push(...issues.map((text) => ({ field: '', text: `${t(`groups.for.${kind}`)}: ${text}` })));
      }
    }
    if (failures.length) {
      submit.disabled = false;
      showErrors(failures);
      return;
    }
    const sent = bodies();
    const answers = sent.length === 1 ? t(`response.${sent[0].body.response}`)
      : sent.map((b) => `${t(`groups.for.${b.kind}`)}: ${t(`response.${b.body.response}`).toLowerCase()}`).join(', ');
    receipt.textContent = [t(`level.${sent[0].body.level}`), answers,
      groupsNamed(new Set(sent.flatMap((b) => b.body.groups)).size)].join(' · ');
    form.hidden = true;
    receipt.hidden = false;
    receiptHeading.hidden = false;
    again.hidden = false;
    receiptHeading.focus();
    await Promise.all(done);
  }

  function reset() {
    form.reset();
    syncResponses();
    form.hidden = false;
    submit.disabled = false;
    receiptHeading.hidden = true;
    receipt.hidden = true;
    again.hidden = true;
    live.replaceChildren();
    showErrors([]);
    syncConsent();
    form.querySelector('input')?.focus();
  }

  // Whether signing out would lose a record begun here and not yet sent.
  state.recordUnsent = () => !form.hidden && form.querySelector('input:checked') !== null;

  form.addEventListener('submit', send);
  drawNamed();
  container.replaceChildren(h('section', { class: 'panel record', id: 'record', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, t('record.heading')),
    h('p', { class: 'hint' }, t(ctx.writeBack === 'none' ? 'record.hintKeptHere' : 'record.hint')),
    errorSummary, receiptHeading, receipt, form, live, again));
}
