// The fidelity text for the clinician: what self-help is and is not, the common objections and
// how to talk about them, and the evidence as the guideline quotes it. Folded by default; opened
// for printing.
import { h, uid } from './dom.js';
import { t, list } from './i18n.js';

function fold(titleKey, ...body) {
  return h('details', { class: 'fold' }, h('summary', {}, t(titleKey)), h('div', { class: 'fold-body' }, body));
}

export function renderGuide(container) {
  const headingId = uid('guide-h');
  container.replaceChildren(h('section', { class: 'panel guide', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, t('guide.heading')),
    h('p', {}, t('guide.lead')),
    fold('guide.isTitle',
      h('ul', {}, list('guide.is').map((line) => h('li', {}, line))),
      h('p', { class: 'subhead' }, t('guide.isNotTitle')),
      h('ul', {}, list('guide.isNot').map((line) => h('li', {}, line)))),
    fold('guide.objectionsTitle',
      h('dl', { class: 'objections' }, list('guide.objections').map((o) => [h('dt', {}, o.q), h('dd', {}, o.a)]))),
    fold('guide.evidenceTitle',
      list('guide.evidence').map((line) => h('p', {}, line)))));
  window.addEventListener('beforeprint', () => {
    for (const d of container.querySelectorAll('details')) d.open = true;
  });
}
