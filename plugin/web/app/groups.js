// The groups for the patient and, apart, for relatives: section by section (municipality, county,
// health region, digital, alternatives to 12-step, national services last), filtered by theme,
// format and language. Each group has a checkbox: ticked groups are the ones named in the
// conversation (record, handout). A contact point (no meeting times) says whom to contact to join
// or start a group; every listing with a known place to report wrong information links to it.
import { h, uid } from './dom.js';
import { t, tOr } from './i18n.js';

export const SECTIONS = ['municipality', 'county', 'region', 'digital', 'alternatives', 'national'];

function allGroups(ctx) {
  return ctx.recipients.flatMap((r) => SECTIONS.flatMap((s) => r.sections?.[s] ?? []));
}

// Every group of a recipient kind, once, in section order.
export function groupsOf(ctx, kind) {
  const recipient = ctx.recipients.find((r) => r.kind === kind);
  const seen = new Map();
  for (const s of SECTIONS) for (const g of recipient?.sections?.[s] ?? []) if (!seen.has(g.id)) seen.set(g.id, g);
  return [...seen.values()];
}

function matches(group, filters) {
  if (filters.theme && !(group.themes ?? []).includes(filters.theme)) return false;
  if (filters.format && group.format !== filters.format) return false;
  if (filters.language && !(group.languages ?? []).includes(filters.language)) return false;
  return true;
}

function filterSelect(state, name, values, label, rerender) {
  const id = uid(`filter-${name}`);
  const select = h('select', {
    id,
    onchange: (e) => {
      state.filters[name] = e.target.value;
      rerender();
    },
  }, h('option', { value: '' }, t('filters.all')),
  values.map((v) => h('option', { value: v, selected: state.filters[name] === v }, label(v))));
  return h('div', { class: 'field' }, h('label', { for: id }, t(`filters.${name}`)), select);
}

function place(ctx, section) {
  const p = ctx.place ?? {};
  return { municipality: p.municipality, county: p.county, region: p.region }[section] ?? '';
}

function contact(group) {
  const items = [];
  if (group.phone) items.push(h('a', { href: `tel:${group.phone.replace(/\s+/g, '')}` }, group.phone));
  if (group.email) items.push(h('a', { href: `mailto:${group.email}` }, group.email));
  if (group.website && /^https?:\/\//.test(group.website)) {
    items.push(h('a', { href: group.website, target: '_blank', rel: 'noopener noreferrer' }, new URL(group.website).host));
  }
  return items.length ? items.flatMap((item, i) => (i ? [' · ', item] : [item])) : null;
}

// The listing's "report wrong information" link: mailto: or http(s) only.
function reportLink(group) {
  if (!group.reportTo || !/^(https?:\/\/|mailto:)/i.test(group.reportTo)) return null;
  const external = /^https?:/i.test(group.reportTo);
  return h('p', { class: 'report' }, h('a', {
    href: group.reportTo,
    'aria-label': t('groups.reportLabel', { name: group.name }),
    ...(external ? { target: '_blank', rel: 'noopener noreferrer' } : {}),
  }, t('groups.report')));
}

function groupCard(state, kind, group) {
  const id = uid(`group-${kind}`);
  const box = h('input', {
    type: 'checkbox', id, 'data-kind': kind, 'data-group': group.id,
    checked: state.selected[kind].has(group.id),
    onchange: (e) => state.select(kind, group.id, e.target.checked),
  });
  const where = [group.where, group.distanceKm !== undefined && group.format !== 'digital'
    ? t('groups.distance', { km: group.distanceKm.toLocaleString(document.documentElement.lang) }) : null]
    .filter(Boolean).join(' · ');
  const languages = (group.languages ?? []).map((l) => tOr(`languageNames.${l}`, l)).join(', ');
  const tags = [
    group.national ? null  // a helpline is not an alternative to a 12-step group
      : h('span', { class: group.twelveStep ? 'tag' : 'tag tag-alt' }, t(group.twelveStep ? 'groups.twelveStep' : 'groups.alternative')),
    h('span', { class: 'tag' }, tOr(`format.${group.format}`, group.format)),
    group.national ? h('span', { class: 'tag' }, t('groups.national')) : null,
    group.access ? h('span', { class: 'tag' }, t(`groups.${group.access === 'open' ? 'open' : 'closed'}`)) : null,
    group.minAge ? h('span', { class: 'tag' }, t('groups.minAge', { age: group.minAge })) : null,
    group.wheelchair ? h('span', { class: 'tag' }, t('groups.wheelchair')) : null,
    group.stale ? h('span', { class: 'tag tag-stale' }, t('groups.stale')) : null,
  ].filter(Boolean);
  const contactPoint = group.kind === 'contact-point' && !group.national;
  const how = contactPoint
    ? h('p', { class: 'contact-point' }, t('groups.contactPoint'))  // open/closed is a tag: its meaning varies
    : null;
  const links = contact(group);
  return h('li', { class: 'group' },
    h('div', { class: 'choice group-name' }, box, h('label', { for: id }, group.name)),
    h('p', { class: 'org' }, group.organisation, ' ', tags),
    how,
    h('dl', { class: 'facts' },
      group.when && group.kind !== 'contact-point' ? [h('dt', {}, t('groups.when')), h('dd', {}, group.when)] : null,
      where ? [h('dt', {}, t('groups.where')), h('dd', {}, where)] : null,
      languages ? [h('dt', {}, t('groups.language')), h('dd', {}, languages)] : null,
      links ? [h('dt', {}, t('groups.contact')), h('dd', {}, links)] : null),
    reportLink(group));
}

function recipientBlock(state, recipient) {
  const kind = recipient.kind;
  const headingId = uid(`groups-${kind}`);
  const sections = [];
  let shown = 0;
  for (const section of SECTIONS) {
    const groups = (recipient.sections?.[section] ?? []).filter((g) => matches(g, state.filters));
    if (!groups.length) continue;
    shown += groups.length;
    sections.push(h('div', { class: 'section' },
      h('h4', {}, t(`sections.${section}`, { place: place(state.ctx, section) })),
      h('ul', { class: 'groups' }, groups.map((g) => groupCard(state, kind, g)))));
  }
  return {
    shown,
    node: h('section', { class: 'recipient', 'aria-labelledby': headingId },
      h('h3', { id: headingId }, t(`groups.for.${kind}`)),
      sections.length ? sections : h('p', { class: 'empty' }, t('groups.none'))),
  };
}

// Renders the groups panel into `container`; re-renders itself when a filter changes.
export function renderGroups(container, state) {
  const ctx = state.ctx;
  const groups = allGroups(ctx);
  const uniq = (values) => [...new Set(values)].sort();
  const total = new Set(groups.map((g) => g.id)).size;
  const headingId = uid('groups-h');
  const status = h('p', { class: 'filter-count', role: 'status' });
  const lists = h('div', { class: 'recipients' });
  const draw = () => {
    const blocks = ctx.recipients.map((r) => recipientBlock(state, r));
    lists.replaceChildren(...blocks.map((b) => b.node));
    const shown = new Set(groups.filter((g) => matches(g, state.filters)).map((g) => g.id)).size;
    status.textContent = t(total === 1 ? 'filters.countOfOne' : 'filters.count', { shown, total });
  };
  const filtersId = uid('filters-h');
  container.replaceChildren(h('section', { class: 'panel', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, t('groups.heading')),
    h('p', { class: 'hint' }, t('groups.hint')),
    h('div', { class: 'filters', role: 'group', 'aria-labelledby': filtersId },
      h('p', { id: filtersId, class: 'filters-title' }, t('filters.heading')),
      filterSelect(state, 'theme', uniq(groups.flatMap((g) => g.themes ?? [])), (v) => tOr(`theme.${v}`, v), draw),
      filterSelect(state, 'format', uniq(groups.map((g) => g.format).filter(Boolean)), (v) => tOr(`format.${v}`, v), draw),
      filterSelect(state, 'language', uniq(groups.flatMap((g) => g.languages ?? [])), (v) => tOr(`languageNames.${v}`, v), draw)),
    status,
    lists));
  draw();
}
