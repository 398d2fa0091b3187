// The page's text: one JSON file per language in i18n/ (adding a language = adding a file).
// t('a.b', {x}) looks a key up and fills {x}; list('a.b') gives an array (paragraphs, objections).
let strings = {};
let current = 'nb';

export async function loadLanguage(code) {
  const wanted = /^[a-z]{2,3}$/.test(code ?? '') ? code : 'nb';
  let response = await fetch(new URL(`i18n/${wanted}.json`, import.meta.url));
  if (!response.ok && wanted !== 'nb') response = await fetch(new URL('i18n/nb.json', import.meta.url));
  if (!response.ok) throw new Error(`i18n: HTTP ${response.status}`);
  strings = await response.json();
  current = response.url.match(/([a-z]{2,3})\.json$/)[1];
  document.documentElement.lang = current;
}

export function language() {
  return current;
}

function lookup(key) {
  return key.split('.').reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), strings);
}

export function t(key, vars = {}) {
  const text = lookup(key);
  if (typeof text !== 'string') return key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

// The text for `key`, or `fallback` when the language has none (codes from the data, e.g. a theme).
export function tOr(key, fallback) {
  const text = lookup(key);
  return typeof text === 'string' ? text : fallback;
}

export function list(key) {
  const value = lookup(key);
  return Array.isArray(value) ? value : [];
}

// A date (YYYY-MM-DD or a dateTime) in the page's language, e.g. "1. mars 2026".
export function formatDate(value) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  // Browsers without nynorsk's data fall back to the next locale: bokmål writes dates alike.
  const locale = current === 'nn' ? ['nn-NO', 'nb-NO'] : current === 'nb' ? 'nb-NO' : current;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'Europe/Oslo' }).format(date);
}

// An object of the language file, e.g. the names of the handout's languages.
export function map(key) {
  const value = lookup(key);
  return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
}
