// The handout: a printable sheet (PDF or HTML) for the patient or the relatives with the groups
// ticked for them and the fidelity text, in the chosen language. The patient's name is printed
// only when the clinician ticks the box.
import { h, uid } from './dom.js';
import { t, map, language } from './i18n.js';
import { handoutUrl } from './api.js';

export function renderHandout(container, state) {
  const ctx = state.ctx;
  const kinds = ctx.recipients.map((r) => r.kind);
  const headingId = uid('handout-h');
  const forName = uid('handout-for');
  const langId = uid('handout-lang');
  const nameId = uid('handout-name');
  const countId = uid('handout-count');
  const count = h('p', { class: 'hint', id: countId });
  const langSelect = h('select', { id: langId },
    Object.entries(map('handout.languages')).map(([code, name]) => h('option', { value: code, selected: code === language() }, name)));
  const printName = h('input', { type: 'checkbox', id: nameId });
  const nameChoice = h('div', { class: 'choice' }, printName, h('label', { for: nameId }, t('handout.printName')));

  const recipient = () => container.querySelector(`input[name="${forName}"]:checked`)?.value ?? kinds[0];
  const chosen = () => [...state.selected[recipient()]];
  const update = () => {
    const n = chosen().length;
    count.textContent = n ? t(n === 1 ? 'handout.countOne' : 'handout.count', { n }) : t('handout.noGroups');
    nameChoice.hidden = recipient() !== 'patient';
  };
  const open = (format) => {
    const url = handoutUrl({ recipient: recipient(), groups: chosen(), lang: langSelect.value, format,
      printName: recipient() === 'patient' && printName.checked });
    window.open(url, '_blank', 'noopener');
  };
  state.onSelect.push(update);

  container.replaceChildren(h('section', { class: 'panel handout', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, t('handout.heading')),
    h('p', { class: 'hint' }, t('handout.hint')),
    kinds.length > 1 ? h('fieldset', { class: 'fieldset inline' }, h('legend', {}, t('handout.for')),
      kinds.map((kind, i) => {
        const id = uid(`handout-${kind}`);
        return h('div', { class: 'choice' },
          h('input', { type: 'radio', name: forName, value: kind, id, checked: i === 0, onchange: update }),
          h('label', { for: id }, t(`groups.for.${kind}`)));
      })) : null,
    h('div', { class: 'field' }, h('label', { for: langId }, t('handout.language')), langSelect),
    nameChoice,
    count,
    h('div', { class: 'buttons' },
      h('button', { type: 'button', class: 'secondary', 'aria-describedby': countId, onclick: () => open('pdf') }, t('handout.pdf')),
      h('button', { type: 'button', class: 'secondary', 'aria-describedby': countId, onclick: () => open('html') }, t('handout.print')))));
  update();
}
