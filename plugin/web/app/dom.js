// h(tag, attrs, ...children): builds an element. Attributes: `class`, `on<event>` (a listener),
// `true` (a boolean attribute), false/null/undefined (left out), anything else as text.
// Children: nodes or text (never parsed as HTML), nested arrays flattened, null/false skipped.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') el.className = value;
    else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// A fresh id for label/aria wiring: prefix + counter, unique on the page.
let counter = 0;
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}
