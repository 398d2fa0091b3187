// The page's calls to its own server (docs/app-api.md). Paths are relative to this module, so the
// page works wherever /app/ is mounted. Errors throw ApiError with the HTTP status and the
// OperationOutcome's issues.
const base = new URL('./', import.meta.url);

export class ApiError extends Error {
  constructor(status, outcome) {
    super(`HTTP ${status}`);
    this.status = status;
    this.issues = (outcome?.issue ?? []).map((i) => ({
      text: i.diagnostics ?? i.details?.text ?? i.code ?? '',
      field: (i.expression ?? [])[0] ?? '',
    }));
  }
}

async function call(path, options = {}) {
  let response;
  try {
    response = await fetch(new URL(path, base), {
      credentials: 'same-origin',
      cache: 'no-store',
      ...options,
      headers: { accept: 'application/json', ...(options.headers ?? {}) },
    });
  } catch {
    throw new ApiError(0);
  }
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export const getContext = () => call('api/context');

export const postRecord = (csrf, record) =>
  call('api/records', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(record),
  });

// Ends the session on every instance and clears the cookie (204, no body).
export const endSession = (csrf) => call('api/session', { method: 'DELETE', headers: { 'x-csrf-token': csrf } });

export const getRecord = (id) => call(`api/records/${encodeURIComponent(id)}`);

// The handout's URL: recipient patient|relatives, the chosen group ids, language, pdf|html, and
// printName only when the clinician asked for the name on the sheet.
export function handoutUrl({ recipient, groups, lang, format, printName }) {
  const url = new URL('api/handout', base);
  url.searchParams.set('recipient', recipient);
  url.searchParams.set('groups', groups.join(','));
  url.searchParams.set('lang', lang);
  url.searchParams.set('format', format);
  if (printName) url.searchParams.set('printName', '1');
  return url.href;
}
