// The JSON API of entente-server (docs/http.md): POST /v1/<Service>/<Method>
// with the request message in the protobuf JSON mapping. Relative URLs, so
// the page works behind any prefix the server is mounted at.

const TOKEN_KEY = 'entente.token';

export class ApiError extends Error {
  // status: the HTTP status (0 when the server could not be reached); body:
  // the google.rpc.Status JSON the gateway sends, or null.
  constructor(method, status, body, fallback) {
    super(describe(method, status, body, fallback));
    this.method = method;
    this.status = status;
    this.body = body;
  }
}

const CODE_NAMES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED',
  'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL',
  'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

// One readable sentence: what failed, the gRPC code, the server's message
// and each field violation ("prefix: ...").
function describe(method, status, body, fallback) {
  const what = method.replace(/^.*\//, '');
  if (!body || typeof body !== 'object') {
    return `${what} failed: ${fallback || `HTTP ${status}`}`;
  }
  const code = CODE_NAMES[body.code] || `code ${body.code}`;
  let text = `${what} failed (${code}): ${body.message || fallback || ''}`.trim();
  for (const d of body.details || []) {
    for (const v of d.field_violations || d.fieldViolations || []) {
      // The message often is the first violation already.
      if (!text.includes(v.description)) text += ` [${v.field}: ${v.description}]`;
    }
  }
  if (status === 401 || status === 403) text += ' (set a token with the Token button)';
  return text;
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// Calls one RPC; resolves to the response message, rejects with ApiError.
export async function call(method, request, { signal } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(`v1/${method}`, {
      method: 'POST', headers, body: JSON.stringify(request), signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(method, 0, null, `the server did not answer (${e.message})`);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page, say: show its first words.
  }
  if (!response.ok) {
    throw new ApiError(method, response.status, body,
      `HTTP ${response.status} ${text.slice(0, 200)}`);
  }
  if (body === null) throw new ApiError(method, response.status, null, 'the answer is not JSON');
  return body;
}

export const Graph = {
  search: (prefix, pageSize = 12) =>
    call('GraphService/SearchEntities', { prefix, page_size: pageSize }),
  getEntity: (id) => call('GraphService/GetEntity', { id: String(id) }),
  // Traverse streams; over HTTP the body is the array of its chunks.
  traverse: (request) => call('GraphService/Traverse', request),
  listStatements: (request) => call('GraphService/ListStatements', request),
  timeline: (request) => call('GraphService/GetRelationTimeline', request),
  findPaths: (request) => call('GraphService/FindPaths', request),
};

// int64/uint64 come as JSON strings (proto3 JSON mapping).
export const num = (v) => (v === undefined || v === null || v === '' ? 0 : Number(v));
