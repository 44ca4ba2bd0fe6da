// Transport and retries: one HTTP request at a time with XMLHttpRequest (it reports upload progress), the
// three ways a request can end badly, and the retry loop with capped exponential backoff and jitter.
// Knows nothing about uploads, the page or the service's URLs.

const STALL_MS = 30_000;             // no upload progress for this long: abort and retry
export const RESPONSE_MS = 180_000;  // body sent, waiting for the answer (the server may be storing the chunk)
const BACKOFF_CAP_MS = 30_000;
const RETRY_AFTER_CAP_MS = 300_000;
const TRIES_WITHOUT_AUTO_RESUME = 5; // with auto-resume off, give up (pause) after this many failed tries

/** The request was stopped on purpose (pause, cancel): not an error to show. */
export class Stopped extends Error {}

/** Worth trying again: network down, server busy or restarting, stalled transfer. */
export class Transient extends Error {
  constructor(message, retryAfterMs = null, network = false) {
    super(message);
    this.retryAfterMs = retryAfterMs;
    this.network = network;
  }
}

/** The server refused the request; trying again unchanged would not help. */
export class Refused extends Error {
  constructor(status, problem) {
    super(problemSentence(status, problem));
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code || '';
  }
}

function problemSentence(status, problem) {
  const p = problem || {};
  let text = (p.detail || p.title || `The server answered ${status}.`).trim();
  if (!/[.!?]$/.test(text)) text += '.';
  return text;
}

/**
 * Azure Storage answers errors in XML (`<Error><Code>Md5Mismatch</Code><Message>…</Message></Error>`); as a
 * problem: code `storage.<Code>`, detail its message's first line. Null for anything else.
 */
function storageError(text) {
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(text || '');
  if (!code) return null;
  const message = /<Message>([^<]{0,500})/.exec(text);
  return { code: `storage.${code[1]}`, detail: message ? message[1].split('\n')[0].trim() : code[1] };
}

function parseRetryAfter(value) {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, RETRY_AFTER_CAP_MS);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.min(Math.max(0, date - Date.now()), RETRY_AFTER_CAP_MS);
}

export const jsonHeaders = (extra = {}) => ({ Accept: 'application/json, application/problem+json', ...extra });
export const jsonBodyHeaders = (extra = {}) => jsonHeaders({ 'Content-Type': 'application/json', ...extra });

/**
 * One HTTP request. Resolves with {status, data} for 2xx (data: the parsed JSON answer or null);
 * rejects with Transient (retry), Refused (show), or Stopped (signal aborted).
 */
export function request(method, url, { body = null, headers = {}, signal, onProgress, stallMs = STALL_MS, responseMs = RESPONSE_MS } = {}) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) { reject(new Stopped()); return; }
    const xhr = new XMLHttpRequest();
    let timer = null, stalled = false, settled = false;
    const arm = (ms) => {
      clearTimeout(timer);
      timer = setTimeout(() => { stalled = true; xhr.abort(); }, ms);
    };
    const onAbortSignal = () => xhr.abort();
    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (signal) signal.removeEventListener('abort', onAbortSignal);
      fn(value);
    };

    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && value !== null && value !== '') xhr.setRequestHeader(name, value);
    }
    if (body !== null) {
      xhr.upload.onprogress = (e) => { arm(stallMs); if (onProgress) onProgress(e.loaded); };
      xhr.upload.onload = () => arm(responseMs);
    }
    xhr.onload = () => {
      const status = xhr.status;
      let data = null;
      try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { data = null; }
      if (status >= 200 && status < 300) { finish(resolve, { status, data }); return; }
      const problem = data && typeof data === 'object' ? data : storageError(xhr.responseText);
      const retryAfter = parseRetryAfter(xhr.getResponseHeader('Retry-After'));
      const code = problem && problem.code;
      // 5xx, 408, 429: the server asks us to come back. A 404 without a problem document is not ours: the
      // application is not deployed yet (the server is starting), so it is worth another try too.
      if (status >= 500 || status === 408 || status === 429 || code === 'upload.transfer-interrupted'
          || (status === 404 && !code) || status === 0) {
        const why = status === 503 || status === 502 || status === 504 || (status === 404 && !code)
          ? 'The server is not available right now.'
          : problemSentence(status, problem);
        finish(reject, new Transient(why, retryAfter, status === 404 && !code));
        return;
      }
      finish(reject, new Refused(status, problem));
    };
    xhr.onerror = () => finish(reject, new Transient('The server cannot be reached.', null, true));
    xhr.ontimeout = () => finish(reject, new Transient('The request timed out.', null, true));
    xhr.onabort = () => {
      if (stalled) finish(reject, new Transient('The transfer stalled; trying again.', null, true));
      else finish(reject, new Stopped());
    };
    if (signal) signal.addEventListener('abort', onAbortSignal, { once: true });
    arm(body !== null ? stallMs : responseMs);
    xhr.send(body);
  });
}

/** Sleepers that a returning connection may wake early (only those waiting after a network failure). */
const sleepers = new Set();

export function sleep(ms, signal, wakeable) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) { reject(new Stopped()); return; }
    const sleeper = { wake: () => done() };
    const timer = setTimeout(() => done(), ms);
    const onAbort = () => { cleanup(); reject(new Stopped()); };
    function cleanup() {
      clearTimeout(timer);
      sleepers.delete(sleeper);
      if (signal) signal.removeEventListener('abort', onAbort);
    }
    function done() { cleanup(); resolve(); }
    if (wakeable) sleepers.add(sleeper);
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The connection is back: requests waiting out a backoff after a network failure try again now. */
export function wakeSleepers() {
  for (const s of [...sleepers]) s.wake();
}

export function backoffMs(attempt, retryAfterMs) {
  const jitter = Math.random() * 1000;
  if (retryAfterMs !== null && retryAfterMs !== undefined) return retryAfterMs + jitter;
  return Math.min(BACKOFF_CAP_MS, 1000 * 2 ** Math.min(attempt, 10)) + jitter;
}

/**
 * Runs send() until it succeeds, retrying transient failures with capped exponential backoff and jitter.
 * The observer hears about it: retrying(message) before each wait, retrySucceeded() after a success,
 * keepsTrying() asks whether to go on while the server stays unreachable (auto-resume); when it says no,
 * after a few tries giveUp(message) is called and the call ends with Stopped.
 */
export async function withRetry(observer, signal, send) {
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await send();
      observer.retrySucceeded();
      return result;
    } catch (e) {
      if (e instanceof Stopped || (signal && signal.aborted)) throw new Stopped();
      if (!(e instanceof Transient)) throw e;
      if (!observer.keepsTrying() && attempt + 1 >= TRIES_WITHOUT_AUTO_RESUME) {
        observer.giveUp(`${e.message} Paused after ${attempt + 1} failed tries: press Resume to try again.`);
        throw new Stopped();
      }
      const wait = backoffMs(attempt, e.retryAfterMs);
      observer.retrying(`${e.message} Trying again in ${Math.max(1, Math.round(wait / 1000))} s (try ${attempt + 2}).`);
      await sleep(wait, signal, e.retryAfterMs === null);
    }
  }
}
