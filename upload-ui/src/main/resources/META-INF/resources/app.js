// The upload page: resumable, chunked, parallel uploads through the service's HTTP API.
// Plain ES2020, no framework, no build step. Files are never read into memory: only file.slice() Blobs are sent.
'use strict';

(() => {
  // ---- settings ---------------------------------------------------------------------------------------------------
  const MAX_ACTIVE_FILES = 2;          // files uploading at the same time (each with up to max_concurrent_chunks)
  const STALL_MS = 30_000;             // no upload progress for this long: abort and retry
  const RESPONSE_MS = 180_000;         // body sent, waiting for the answer (the server may be storing the chunk)
  const BACKOFF_CAP_MS = 30_000;
  const RETRY_AFTER_CAP_MS = 300_000;
  const TRIES_WITHOUT_AUTO_RESUME = 5; // with auto-resume off, pause a file after this many failed tries
  const MAX_COMPLETE_ROUNDS = 5;       // complete → 409 missing_chunks → send them → complete …
  const RENDER_MS = 250;               // progress, speed and ETA refresh (4 times a second)
  const SPEED_WINDOW_MS = 8_000;
  const STORAGE_PREFIX = 'largeupload.v1:';
  const MAX_HASHED_CHUNK = 512 * 1024 * 1024; // larger chunks are sent without a digest (hashing needs them in memory)
  const DEFAULT_CONFIG = { chunk_size: null, max_concurrent_chunks: 3, upload_token_header: 'Upload-Token' };

  const $ = (id) => document.getElementById(id);
  const els = {
    dropZone: $('drop-zone'), input: $('file-input'), autoResume: $('auto-resume'), resumeAll: $('resume-all'),
    queue: $('queue'), queueEmpty: $('queue-empty'), remembered: $('remembered'), rememberedList: $('remembered-list'),
    announcer: $('announcer'), connection: $('connection'),
  };

  /** @type {Upload[]} */
  const uploads = [];
  let config = null;

  // ---- errors -----------------------------------------------------------------------------------------------------
  /** The request was stopped on purpose (pause, cancel): not an error to show. */
  class Stopped extends Error {}
  /** Worth trying again: network down, server busy or restarting, stalled transfer. */
  class Transient extends Error {
    constructor(message, retryAfterMs = null, network = false) {
      super(message);
      this.retryAfterMs = retryAfterMs;
      this.network = network;
    }
  }
  /** The server refused the request; trying again unchanged would not help. */
  class Refused extends Error {
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

  // ---- formatting -------------------------------------------------------------------------------------------------
  const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function base64(bytes) {
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary);
  }

  function formatBytes(n) {
    if (!Number.isFinite(n) || n < 0) return '–';
    let i = 0;
    while (n >= 1000 && i < UNITS.length - 1) { n /= 1000; i++; }
    return `${i === 0 ? n : n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ${UNITS[i]}`;
  }
  function formatDuration(seconds) {
    if (!Number.isFinite(seconds) || seconds < 0) return '–';
    seconds = Math.ceil(seconds);
    if (seconds < 60) return `${seconds} s`;
    const m = Math.floor(seconds / 60), s = seconds % 60;
    if (m < 60) return `${m} min ${String(s).padStart(2, '0')} s`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
    return `${Math.floor(h / 24)} d ${h % 24} h`;
  }

  function announce(text) {
    const p = document.createElement('p');
    p.textContent = text;
    els.announcer.append(p);
    while (els.announcer.childElementCount > 5) els.announcer.firstElementChild.remove();
  }

  // ---- resume memory (localStorage) ------------------------------------------------------------------------------
  const fingerprintOf = (file) => `${file.name}|${file.size}|${file.lastModified}`;
  const memory = {
    get(fp) {
      try {
        const raw = localStorage.getItem(STORAGE_PREFIX + fp);
        return raw ? JSON.parse(raw) : null;
      } catch { return null; }
    },
    set(fp, value) {
      try { localStorage.setItem(STORAGE_PREFIX + fp, JSON.stringify(value)); } catch { /* private mode, quota: the upload still runs */ }
    },
    remove(fp) {
      try { localStorage.removeItem(STORAGE_PREFIX + fp); } catch { /* ignore */ }
    },
    all() {
      const out = [];
      try {
        for (let i = 0; i < localStorage.length; i++) {
          const key = localStorage.key(i);
          if (!key || !key.startsWith(STORAGE_PREFIX)) continue;
          try {
            const value = JSON.parse(localStorage.getItem(key));
            if (value && value.upload_id) out.push({ fp: key.slice(STORAGE_PREFIX.length), ...value });
          } catch { /* unreadable entry: skip */ }
        }
      } catch { /* storage unavailable */ }
      return out.sort((a, b) => (a.saved_at || 0) - (b.saved_at || 0));
    },
  };

  // ---- HTTP -------------------------------------------------------------------------------------------------------
  function parseRetryAfter(value) {
    if (!value) return null;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, RETRY_AFTER_CAP_MS);
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? null : Math.min(Math.max(0, date - Date.now()), RETRY_AFTER_CAP_MS);
  }

  /**
   * One HTTP request with XMLHttpRequest (for upload progress). Resolves with {status, data} for 2xx;
   * rejects with Transient (retry), Refused (show), or Stopped (signal aborted).
   */
  function request(method, url, { body = null, headers = {}, signal, onProgress, stallMs = STALL_MS, responseMs = RESPONSE_MS } = {}) {
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
        const problem = data && typeof data === 'object' ? data : null;
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

  const jsonHeaders = (extra = {}) => ({ Accept: 'application/json, application/problem+json', ...extra });
  const jsonBodyHeaders = (extra = {}) => jsonHeaders({ 'Content-Type': 'application/json', ...extra });

  // ---- waiting and waking -----------------------------------------------------------------------------------------
  /** Sleepers that a returning connection may wake early (only those waiting after a network failure). */
  const sleepers = new Set();
  function sleep(ms, signal, wakeable) {
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
  function wakeSleepers() {
    for (const s of [...sleepers]) s.wake();
  }

  function backoffMs(attempt, retryAfterMs) {
    const jitter = Math.random() * 1000;
    if (retryAfterMs !== null && retryAfterMs !== undefined) return retryAfterMs + jitter;
    return Math.min(BACKOFF_CAP_MS, 1000 * 2 ** Math.min(attempt, 10)) + jitter;
  }

  /**
   * Runs one request for an upload, retrying transient failures with capped exponential backoff and jitter.
   * With auto-resume on it keeps trying while the server is unreachable; with it off, it pauses the file after a few tries.
   */
  async function withRetry(upload, signal, send) {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await send();
        upload.retrySucceeded();
        return result;
      } catch (e) {
        if (e instanceof Stopped || (signal && signal.aborted)) throw new Stopped();
        if (!(e instanceof Transient)) throw e;
        if (!els.autoResume.checked && attempt + 1 >= TRIES_WITHOUT_AUTO_RESUME) {
          upload.pauseForNetwork(`${e.message} Paused after ${attempt + 1} failed tries: press Resume to try again.`);
          throw new Stopped();
        }
        const wait = backoffMs(attempt, e.retryAfterMs);
        upload.retrying(`${e.message} Trying again in ${Math.max(1, Math.round(wait / 1000))} s (try ${attempt + 2}).`);
        await sleep(wait, signal, e.retryAfterMs === null);
      }
    }
  }

  async function loadConfig(upload, signal) {
    if (config) return config;
    try {
      const { data } = await withRetry(upload, signal, () => request('GET', '/api/config', { headers: jsonHeaders(), signal }));
      config = { ...DEFAULT_CONFIG, ...(data || {}) };
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      config = { ...DEFAULT_CONFIG }; // an old server without /api/config: the server's defaults apply
    }
    return config;
  }

  // ---- one upload -------------------------------------------------------------------------------------------------
  class Upload {
    constructor(file) {
      this.file = file;
      this.fp = fingerprintOf(file);
      this.id = null;
      this.token = null;
      this.chunkSize = 0;
      this.totalChunks = 0;
      this.toSend = [];          // chunk indexes still to send, ascending
      this.next = 0;             // position in toSend
      this.inflight = new Map(); // chunk index → bytes of it sent so far
      this.digests = new Map();  // chunk index → its SHA-256 (Uint8Array), for chunks hashed by this page of this upload id
      this.digestsOf = null;     // the upload id those digests belong to
      this.confirmedBytes = 0;   // bytes of chunks the server has acknowledged
      this.state = 'queued';
      this.phase = 'uploading';  // what "not retrying" means right now: uploading or completing
      this.running = false;
      this.controller = null;
      this.pausedForNetwork = false;
      this.announcedStart = false;
      this.samples = [];
      this.speed = 0;
      this.buildElement();
      this.setState('queued');
    }

    // -- view --
    buildElement() {
      const li = document.createElement('li');
      li.className = 'upload';
      li.dataset.name = this.file.name;
      const make = (tag, cls, text) => {
        const el = document.createElement(tag);
        if (cls) el.className = cls;
        if (text !== undefined) el.textContent = text;
        return el;
      };
      const head = make('div', 'upload-head');
      this.nameEl = make('span', 'name', this.file.name);
      this.sizeEl = make('span', 'size', formatBytes(this.file.size));
      this.stateEl = make('span', 'state', 'queued');
      head.append(this.nameEl, this.sizeEl, this.stateEl);

      this.progressEl = make('progress');
      this.progressEl.max = Math.max(1, this.file.size);
      this.progressEl.value = 0;
      this.progressEl.setAttribute('aria-label', `Upload progress of ${this.file.name}`);

      const stats = make('div', 'stats');
      this.percentEl = make('span', 'percent', '0 %');
      this.bytesEl = make('span', 'bytes', `0 B / ${formatBytes(this.file.size)}`);
      this.speedEl = make('span', 'speed', '');
      this.etaEl = make('span', 'eta', '');
      stats.append(this.percentEl, this.bytesEl, this.speedEl, this.etaEl);

      this.messageEl = make('p', 'message', '');

      const actions = make('div', 'actions');
      this.pauseBtn = make('button', 'pause', 'Pause');
      this.resumeBtn = make('button', 'resume', 'Resume');
      this.cancelBtn = make('button', 'cancel', 'Cancel');
      this.removeBtn = make('button', 'remove', 'Remove from list');
      for (const b of [this.pauseBtn, this.resumeBtn, this.cancelBtn, this.removeBtn]) b.type = 'button';
      this.pauseBtn.setAttribute('aria-label', `Pause ${this.file.name}`);
      this.resumeBtn.setAttribute('aria-label', `Resume ${this.file.name}`);
      this.cancelBtn.setAttribute('aria-label', `Cancel ${this.file.name}`);
      this.removeBtn.setAttribute('aria-label', `Remove ${this.file.name} from the list`);
      this.pauseBtn.addEventListener('click', () => this.pause());
      this.resumeBtn.addEventListener('click', () => this.resume());
      this.cancelBtn.addEventListener('click', () => this.cancel());
      this.removeBtn.addEventListener('click', () => this.removeFromList());
      actions.append(this.pauseBtn, this.resumeBtn, this.cancelBtn, this.removeBtn);
      this.actionsEl = actions;

      li.append(head, this.progressEl, stats, this.messageEl, actions);
      this.el = li;
    }

    setState(state, message) {
      this.state = state;
      this.el.dataset.state = state;
      this.stateEl.textContent = state;
      if (message !== undefined) this.messageEl.textContent = message;
      const active = ['queued', 'uploading', 'retrying', 'completing'].includes(state);
      this.pauseBtn.hidden = !active;
      this.resumeBtn.hidden = !(state === 'paused' || state === 'failed');
      this.resumeBtn.textContent = state === 'failed' ? 'Try again' : 'Resume';
      this.cancelBtn.hidden = !(active || state === 'paused' || state === 'failed');
      this.removeBtn.hidden = !(state === 'completed' || state === 'cancelled');
      if (!active) { this.speed = 0; this.samples = []; }
      this.render();
      renderSummary();
    }

    sentBytes() {
      let bytes = this.confirmedBytes;
      for (const loaded of this.inflight.values()) bytes += loaded;
      return Math.min(bytes, this.file.size);
    }

    /** Called about 4 times a second; also measures the speed over a sliding window. */
    render(now = performance.now()) {
      const total = this.file.size;
      const sent = this.state === 'completed' ? total : this.sentBytes();
      const fraction = total > 0 ? sent / total : (this.state === 'completed' ? 1 : 0);
      this.progressEl.value = total > 0 ? sent : fraction;
      this.progressEl.max = Math.max(1, total);
      this.progressEl.setAttribute('aria-valuetext', `${(fraction * 100).toFixed(1)} percent`);
      this.percentEl.textContent = `${(fraction * 100).toFixed(fraction < 1 ? 1 : 0)} %`;
      this.bytesEl.textContent = `${formatBytes(sent)} / ${formatBytes(total)}`;
      if (this.state === 'uploading' || this.state === 'retrying' || this.state === 'completing') {
        this.samples.push([now, sent]);
        while (this.samples.length > 2 && now - this.samples[0][0] > SPEED_WINDOW_MS) this.samples.shift();
        const [t0, b0] = this.samples[0];
        const dt = (now - t0) / 1000;
        if (dt >= 0.5) this.speed = Math.max(0, (sent - b0) / dt);
        this.speedEl.textContent = this.speed > 0 ? `${formatBytes(this.speed)}/s` : '';
        this.etaEl.textContent = this.speed > 0 && sent < total
          ? `${formatDuration((total - sent) / this.speed)} left` : '';
      } else {
        this.speedEl.textContent = '';
        this.etaEl.textContent = '';
      }
    }

    // -- transitions --
    retrying(message) {
      if (this.state === 'paused' || this.state === 'cancelled') return;
      if (this.state !== 'retrying') this.setState('retrying', message);
      else this.messageEl.textContent = message;
    }

    retrySucceeded() {
      if (this.state === 'retrying') {
        this.setState(this.phase, '');
        wakeSleepers(); // the connection is back: other waiting requests need not wait out their backoff
      }
    }

    pauseForNetwork(message) {
      if (this.state === 'paused' || this.state === 'cancelled') return;
      this.pausedForNetwork = true;
      this.stop();
      this.setState('paused', message);
      announce(`${this.file.name}: paused, the server cannot be reached.`);
      schedule();
    }

    pause() {
      if (!['queued', 'uploading', 'retrying', 'completing'].includes(this.state)) return;
      this.pausedForNetwork = false;
      this.stop();
      this.setState('paused', 'Paused. Chunks in flight will be sent again on resume.');
      schedule();
    }

    resume() {
      if (this.state !== 'paused' && this.state !== 'failed') return;
      this.pausedForNetwork = false;
      this.setState('queued', '');
      schedule();
    }

    async cancel() {
      if (this.state === 'completed' || this.state === 'cancelled') return;
      this.stop();
      const id = this.id, token = this.token;
      this.setState('cancelled', 'Cancelled.');
      memory.remove(this.fp);
      announce(`${this.file.name}: upload cancelled.`);
      schedule();
      if (id) await deleteOnServer(id, token);
    }

    removeFromList() {
      this.el.remove();
      const i = uploads.indexOf(this);
      if (i >= 0) uploads.splice(i, 1);
      renderSummary();
      $('queue-heading').focus();
    }

    /** Stops starting chunks and aborts those in flight (they will be sent again). */
    stop() {
      if (this.controller) this.controller.abort();
      this.controller = null;
      this.inflight.clear();
    }

    fail(message) {
      this.stop();
      this.setState('failed', message);
      announce(`${this.file.name}: upload failed. ${message}`);
    }

    // -- the work --
    async run() {
      this.running = true;
      const controller = new AbortController();
      this.controller = controller;
      const signal = controller.signal;
      try {
        this.phase = 'uploading';
        this.setState('uploading', '');
        if (!this.announcedStart) { this.announcedStart = true; announce(`${this.file.name}: upload started.`); }
        const cfg = await loadConfig(this, signal);
        const finished = await this.prepare(cfg, signal);
        if (finished) return;
        for (let round = 0; ; round++) {
          await this.sendChunks(cfg, signal);
          const missing = await this.complete(cfg, signal);
          if (missing === null) return;
          if (round + 1 >= MAX_COMPLETE_ROUNDS) {
            this.fail(`The server still misses ${missing.length} chunk(s) after several rounds; press Try again.`);
            return;
          }
          this.setToSend(missing);
          this.phase = 'uploading';
          this.setState('uploading', `Sending ${missing.length} chunk(s) the server did not have.`);
        }
      } catch (e) {
        if (e instanceof Stopped || signal.aborted) return;
        if (e instanceof Refused) {
          if ((e.status === 404 || e.status === 410) && this.id) {
            memory.remove(this.fp);
            this.id = null; this.token = null;
            this.fail(`${e.message} Press Try again to start this file over.`);
          } else {
            this.fail(e.message);
          }
          return;
        }
        this.fail(e && e.message ? e.message : String(e));
      } finally {
        if (this.controller === controller) this.controller = null;
        this.running = false;
        this.inflight.clear();
        schedule();
      }
    }

    setToSend(indexes) {
      this.toSend = [...indexes].sort((a, b) => a - b);
      this.next = 0;
      let missingBytes = 0;
      for (const i of this.toSend) missingBytes += this.chunkLength(i);
      this.confirmedBytes = Math.max(0, this.file.size - missingBytes);
    }

    chunkLength(index) {
      const start = index * this.chunkSize;
      return Math.max(0, Math.min(this.chunkSize, this.file.size - start));
    }

    /** Starts a new upload or picks up a known one. Returns true when nothing is left to do. */
    async prepare(cfg, signal) {
      if (!this.id) {
        const known = memory.get(this.fp);
        if (known && known.upload_id) {
          this.id = known.upload_id;
          this.token = known.upload_token || null;
          this.chunkSize = known.chunk_size || 0;
        }
      }
      if (this.id) {
        const state = await this.askServer(cfg, signal);
        if (state === 'completed') return true;
        if (state === 'active') return false;
        // gone or expired: start over
      }
      await this.init(cfg, signal);
      return false;
    }

    /** GET resume/{id}: 'active' (toSend set to the missing chunks), 'completed' or 'gone'. */
    async askServer(cfg, signal) {
      let data;
      try {
        ({ data } = await withRetry(this, signal, () => request('GET', `/api/upload/resume/${encodeURIComponent(this.id)}`, {
          headers: jsonHeaders({ [cfg.upload_token_header]: this.token }), signal,
        })));
      } catch (e) {
        if (e instanceof Refused && (e.status === 404 || e.status === 410)) {
          memory.remove(this.fp);
          this.id = null; this.token = null;
          this.messageEl.textContent = e.status === 410
            ? 'The earlier upload expired; starting over.' : 'The earlier upload is gone; starting over.';
          return 'gone';
        }
        throw e;
      }
      data = data || {};
      if (data.file_size !== undefined && Number(data.file_size) !== this.file.size) {
        memory.remove(this.fp);
        this.id = null; this.token = null;
        return 'gone';
      }
      if (data.completed || data.state === 'completed' || data.state === 'COMPLETED') {
        this.markCompleted();
        return 'completed';
      }
      this.chunkSize = Number(data.chunk_size) || this.chunkSize;
      this.totalChunks = Number(data.total_chunks) || Math.ceil(this.file.size / this.chunkSize);
      const missing = Array.isArray(data.missing_chunks) ? data.missing_chunks : [];
      this.setToSend(missing);
      if (missing.length < this.totalChunks) {
        this.messageEl.textContent = `Resuming: ${missing.length} of ${this.totalChunks} chunk(s) left to send.`;
      }
      return 'active';
    }

    async init(cfg, signal) {
      const body = { filename: this.file.name, file_size: this.file.size };
      if (this.file.type) body.content_type = this.file.type;
      const { data } = await withRetry(this, signal, () => request('POST', '/api/upload/init', {
        headers: jsonBodyHeaders(), body: JSON.stringify(body), signal,
      }));
      if (!data || !data.upload_id) throw new Error('The server did not return an upload id.');
      this.id = data.upload_id;
      this.token = data.upload_token || null;
      this.chunkSize = Number(data.chunk_size) || Number(cfg.chunk_size);
      this.totalChunks = Number(data.total_chunks) || Math.ceil(this.file.size / this.chunkSize);
      memory.set(this.fp, {
        upload_id: this.id, upload_token: this.token, chunk_size: this.chunkSize,
        name: this.file.name, size: this.file.size, last_modified: this.file.lastModified, saved_at: Date.now(),
      });
      removeRememberedItem(this.fp);
      if (signal.aborted) {
        // Cancelled while init was under way: the upload now exists on the server, remove it there too.
        if (this.state === 'cancelled') { memory.remove(this.fp); await deleteOnServer(this.id, this.token); }
        throw new Stopped();
      }
      this.setToSend(Array.from({ length: this.totalChunks }, (_, i) => i));
    }

    async sendChunks(cfg, signal) {
      const parallel = Math.max(1, Number(cfg.max_concurrent_chunks) || 3);
      const failure = new AbortController(); // one chunk refused: the others stop
      const onStop = () => failure.abort();
      signal.addEventListener('abort', onStop, { once: true });
      const worker = async () => {
        while (!failure.signal.aborted && this.next < this.toSend.length) {
          const index = this.toSend[this.next++];
          try {
            await this.sendChunk(cfg, index, failure.signal);
          } catch (e) {
            failure.abort();
            throw e;
          }
        }
      };
      const results = await Promise.allSettled(Array.from({ length: parallel }, worker));
      signal.removeEventListener('abort', onStop);
      if (signal.aborted) throw new Stopped();
      const refused = results.find((r) => r.status === 'rejected' && !(r.reason instanceof Stopped));
      if (refused) throw refused.reason;
      const stopped = results.find((r) => r.status === 'rejected');
      if (stopped) throw stopped.reason;
    }

    async sendChunk(cfg, index, signal) {
      const start = index * this.chunkSize;
      const length = this.chunkLength(index);
      const blob = this.file.slice(start, start + length); // a reference into the file, never its bytes in memory
      const digest = await this.chunkDigest(cfg, index, blob);
      const headers = { 'Content-Type': 'application/octet-stream', [cfg.upload_token_header]: this.token };
      if (digest) headers['Content-Digest'] = `sha-256=:${base64(digest)}:`;
      try {
        const { data } = await withRetry(this, signal, () => {
          this.inflight.set(index, 0);
          return request('PUT', `/api/upload/${encodeURIComponent(this.id)}/chunks/${index}`, {
            body: blob,
            headers,
            signal,
            onProgress: (loaded) => { if (this.inflight.has(index)) this.inflight.set(index, Math.min(loaded, length)); },
          }).catch((e) => { this.inflight.set(index, 0); throw e; });
        });
        if (digest && data && data.sha256 && data.sha256 !== hex(digest)) {
          // The server checked our digest, so this cannot happen unless something between us is broken.
          throw new Refused(422, { code: 'upload.checksum-mismatch', detail: `Chunk ${index} was stored with another digest.` });
        }
        this.inflight.delete(index);
        this.confirmedBytes += length;
      } catch (e) {
        this.inflight.delete(index);
        throw e;
      }
    }

    /**
     * The SHA-256 of one chunk, sent as Content-Digest so that the server refuses a chunk damaged on the way.
     * WebCrypto hashes whole buffers only, so the chunk is read once into memory for this (bounded by
     * chunk size × chunks in flight) and released before the upload streams the slice from disk. Without
     * WebCrypto (a page served over plain HTTP from another host) or for huge chunks, no digest is sent.
     */
    async chunkDigest(cfg, index, blob) {
      const digestHeaders = cfg.chunk_digest_headers || [];
      if (!digestHeaders.includes('Content-Digest') || !(window.crypto && crypto.subtle) || blob.size > MAX_HASHED_CHUNK) {
        return null;
      }
      if (this.digestsOf !== this.id) { this.digests = new Map(); this.digestsOf = this.id; }
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
      this.digests.set(index, digest);
      return digest;
    }

    /** SHA-256 over the chunk digests in order, when this page hashed every chunk of this upload; else null. */
    async compositeDigest() {
      if (this.digestsOf !== this.id || this.digests.size !== this.totalChunks) return null;
      const all = new Uint8Array(32 * this.totalChunks);
      for (let i = 0; i < this.totalChunks; i++) {
        const d = this.digests.get(i);
        if (!d) return null;
        all.set(d, 32 * i);
      }
      return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
    }

    /** POST complete. Returns null when done, or the chunk indexes the server still misses. */
    async complete(cfg, signal) {
      this.phase = 'completing';
      this.setState('completing', '');
      const composite = await this.compositeDigest();
      const body = { upload_id: this.id };
      if (composite) body.composite_sha256 = hex(composite);
      try {
        await withRetry(this, signal, () => request('POST', '/api/upload/complete', {
          headers: jsonBodyHeaders({ [cfg.upload_token_header]: this.token }),
          body: JSON.stringify(body), signal, stallMs: RESPONSE_MS,
        }));
      } catch (e) {
        if (e instanceof Refused && e.status === 409 && Array.isArray(e.problem.missing_chunks)
            && e.problem.missing_chunks.length > 0) {
          return e.problem.missing_chunks;
        }
        // Completed meanwhile (an earlier answer was lost, or another tab finished it)?
        if (e instanceof Refused && e.status === 409 && (await this.askServer(cfg, signal)) === 'completed') return null;
        throw e;
      }
      this.markCompleted();
      return null;
    }

    markCompleted() {
      this.stop();
      memory.remove(this.fp);
      removeRememberedItem(this.fp);
      this.confirmedBytes = this.file.size;
      this.setState('completed', '');
      if (!this.el.querySelector('a.download')) {
        const a = document.createElement('a');
        a.className = 'download';
        a.href = `/api/files/${encodeURIComponent(this.id)}`;
        a.textContent = 'Download';
        a.setAttribute('aria-label', `Download ${this.file.name}`);
        a.setAttribute('download', this.file.name);
        this.actionsEl.prepend(a);
      }
      announce(`${this.file.name}: upload completed.`);
    }
  }

  async function deleteOnServer(id, token) {
    const header = (config && config.upload_token_header) || DEFAULT_CONFIG.upload_token_header;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await request('DELETE', `/api/upload/${encodeURIComponent(id)}`, { headers: jsonHeaders({ [header]: token }) });
        return true;
      } catch (e) {
        if (!(e instanceof Transient)) return false; // already gone, or refused: nothing more to do
        await sleep(backoffMs(attempt, e.retryAfterMs));
      }
    }
    return false;
  }

  // ---- the queue --------------------------------------------------------------------------------------------------
  function schedule() {
    let active = uploads.filter((u) => u.running).length;
    for (const u of uploads) {
      if (active >= MAX_ACTIVE_FILES) break;
      if (u.state === 'queued' && !u.running) {
        active++;
        u.run();
      }
    }
  }

  function renderSummary() {
    els.queueEmpty.hidden = uploads.length > 0;
    const active = uploads.filter((u) => ['uploading', 'retrying', 'completing'].includes(u.state));
    if (active.length === 0) { document.title = 'Large File Upload'; return; }
    let sent = 0, total = 0;
    for (const u of active) { sent += u.sentBytes(); total += u.file.size; }
    const pct = total > 0 ? Math.floor((sent / total) * 100) : 0;
    document.title = `${pct} % – Large File Upload`;
  }

  function addFiles(fileList) {
    const files = Array.from(fileList || []);
    for (const file of files) {
      const fp = fingerprintOf(file);
      const existing = uploads.find((u) => u.fp === fp && !['completed', 'cancelled'].includes(u.state));
      if (existing) {
        if (existing.state === 'paused' || existing.state === 'failed') existing.resume();
        announce(`${file.name} is already in the list.`);
        continue;
      }
      const upload = new Upload(file);
      uploads.push(upload);
      els.queue.append(upload.el);
      removeRememberedItem(fp);
    }
    renderSummary();
    schedule();
  }

  // ---- remembered, unfinished uploads -----------------------------------------------------------------------------
  function removeRememberedItem(fp) {
    for (const li of els.rememberedList.querySelectorAll('li')) {
      if (li.dataset.fingerprint === fp) li.remove();
    }
    els.remembered.hidden = els.rememberedList.childElementCount === 0;
  }

  function showRemembered() {
    const entries = memory.all();
    for (const entry of entries) {
      const li = document.createElement('li');
      li.className = 'remembered-item';
      li.dataset.fingerprint = entry.fp;
      li.dataset.name = entry.name || entry.fp.split('|')[0];
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = li.dataset.name;
      const detail = document.createElement('span');
      detail.className = 'detail';
      detail.textContent = `${formatBytes(Number(entry.size))} · select the same file again to resume`;
      const forget = document.createElement('button');
      forget.type = 'button';
      forget.className = 'forget';
      forget.textContent = 'Forget';
      forget.setAttribute('aria-label', `Forget ${li.dataset.name} and delete its partial upload`);
      forget.addEventListener('click', async () => {
        memory.remove(entry.fp);
        removeRememberedItem(entry.fp);
        announce(`${li.dataset.name}: forgotten.`);
        await deleteOnServer(entry.upload_id, entry.upload_token);
      });
      li.append(name, detail, forget);
      els.rememberedList.append(li);
      // How far it got, and whether it still exists (best effort).
      request('GET', `/api/upload/resume/${encodeURIComponent(entry.upload_id)}`, { headers: jsonHeaders() })
        .then(({ data }) => {
          if (!data) return;
          if (data.completed) { memory.remove(entry.fp); removeRememberedItem(entry.fp); return; }
          const pct = Number(data.progress_percentage);
          if (Number.isFinite(pct)) {
            detail.textContent = `${formatBytes(Number(entry.size))} · ${pct.toFixed(1)} % uploaded · select the same file again to resume`;
          }
        })
        .catch((e) => {
          if (e instanceof Refused && (e.status === 404 || e.status === 410)) {
            memory.remove(entry.fp);
            removeRememberedItem(entry.fp);
          }
        });
    }
    els.remembered.hidden = els.rememberedList.childElementCount === 0;
  }

  // ---- connection -------------------------------------------------------------------------------------------------
  function resumeAfterNetwork() {
    wakeSleepers();
    if (!els.autoResume.checked) return;
    for (const u of uploads) if (u.state === 'paused' && u.pausedForNetwork) u.resume();
  }

  window.addEventListener('online', () => {
    els.connection.hidden = true;
    resumeAfterNetwork();
  });
  window.addEventListener('offline', () => {
    els.connection.textContent = els.autoResume.checked
      ? 'You are offline. Uploads will continue when the connection comes back.'
      : 'You are offline. Press Resume when the connection is back.';
    els.connection.hidden = false;
  });
  els.autoResume.addEventListener('change', () => { if (els.autoResume.checked) resumeAfterNetwork(); });

  els.resumeAll.addEventListener('click', () => {
    for (const u of uploads) if (u.state === 'paused' || u.state === 'failed') u.resume();
    wakeSleepers();
  });

  window.addEventListener('beforeunload', (e) => {
    if (uploads.some((u) => ['uploading', 'retrying', 'completing', 'queued'].includes(u.state))) {
      e.preventDefault();
      e.returnValue = '';
    }
  });

  // ---- picking and dropping files ---------------------------------------------------------------------------------
  els.input.addEventListener('change', () => {
    addFiles(els.input.files);
    els.input.value = ''; // selecting the same file again (to resume) must fire change again
  });
  els.dropZone.addEventListener('click', () => els.input.click());
  els.dropZone.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ' || e.key === 'Spacebar') {
      e.preventDefault();
      els.input.click();
    }
  });
  let dragDepth = 0;
  els.dropZone.addEventListener('dragenter', (e) => { e.preventDefault(); dragDepth++; els.dropZone.classList.add('dragover'); });
  els.dropZone.addEventListener('dragover', (e) => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; });
  els.dropZone.addEventListener('dragleave', () => { dragDepth = Math.max(0, dragDepth - 1); if (dragDepth === 0) els.dropZone.classList.remove('dragover'); });
  els.dropZone.addEventListener('drop', (e) => {
    e.preventDefault();
    dragDepth = 0;
    els.dropZone.classList.remove('dragover');
    if (e.dataTransfer && e.dataTransfer.files) addFiles(e.dataTransfer.files);
  });
  // A file dropped next to the zone must not make the browser navigate away from a running upload.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  // ---- refresh ----------------------------------------------------------------------------------------------------
  setInterval(() => {
    const now = performance.now();
    for (const u of uploads) {
      if (['uploading', 'retrying', 'completing'].includes(u.state)) u.render(now);
    }
    renderSummary();
  }, RENDER_MS);

  if (navigator.onLine === false) window.dispatchEvent(new Event('offline'));
  showRemembered();
  renderSummary();
})();
