// The upload state machine: one file from "queued" to "completed" (or "paused", "failed", "cancelled"),
// its chunks sent a few at a time, picked up again from the resume memory and the server's answer.
// It touches no DOM: it tells listeners what changed through events.
//
// The server keeps every whole block of a chunk that arrived (a chunk is one or more blocks). After a pause, a
// reload, a lost connection or a server restart the page asks the server what it holds (resume/{id}) and goes on
// inside each partly received chunk from its durable prefix (chunks.js), so it sends again at most the block
// that was in progress in each request; the progress never shows less than the server holds (progress.js).
// When the server offers direct mode, the chunks go straight to Azure Storage instead (direct.js), with the
// same pause, retry and resume behaviour: the server then tells what Azure holds.
//
//   queued → uploading ⇄ retrying → completing → completed
//   any active state → paused (by hand or the network) → queued;  → failed → queued;  → cancelled
import { withRetry, wakeSleepers, sleep, Refused, Stopped } from './transport.js';
import * as api from './api.js';
import { BlockDigests, hex } from './digest.js';
import { fingerprintOf, known, memory } from './memory.js';
import { Progress } from './progress.js';
import { formatBytes, formatDuration } from './format.js';
import { sendChunks } from './chunks.js';
import { directOffered } from './direct.js';

const MAX_COMPLETE_ROUNDS = 5;  // complete → 409 missing_chunks → send them → complete …
const SETTLE_ASKS = 6;          // after a pause: ask the server what it holds until two answers agree, this often at most
const SETTLE_MS = 1000;         // … this far apart (the server may still be storing the last blocks that arrived)

/** States in which the upload is under way or waiting for its turn. */
export const ACTIVE_STATES = ['queued', 'uploading', 'retrying', 'completing'];
/** States in which bytes move (or are about to): progress, speed and time left are shown. */
export const MOVING_STATES = ['uploading', 'retrying', 'completing'];

/**
 * One file's upload. Events (all synchronous):
 * - `change`: state or message changed;
 * - `announce` (detail: a sentence): something a screen reader should hear;
 * - `schedule`: it started waiting or stopped running, so the queue may start another file;
 * - `claimed`: it now owns its file's resume memory (a list of remembered uploads drops the file).
 */
export class Upload extends EventTarget {
  /** @param {File} file @param {{keepsTrying: () => boolean}} options keepsTrying: auto-resume is on */
  constructor(file, { keepsTrying }) {
    super();
    this.file = file;
    this.fp = fingerprintOf(file);
    this.options = { keepsTrying };
    this.id = null;
    this.token = null;
    this.chunkSize = 0;
    this.blockSize = 0;
    this.totalChunks = 0;
    this.transfer = 'proxy';   // 'direct': the chunks go straight to Azure Storage (direct.js), chosen at init
    this.toSend = [];          // chunk indexes still to send (whole or the rest of them), ascending
    this.next = 0;             // position in toSend
    this.progress = new Progress();
    this.digests = new BlockDigests();
    this.asking = null;        // a resume/{id} request that chunks in flight share
    this.settleRound = 0;      // the pause whose answers from the server are still awaited
    this.settledHeld = null;   // the bytes the server held once its answers agreed during the last pause
    this.serverHeld = null;    // received_bytes of the last resume answer
    this.serverPartials = 0;   // partly received chunks in the last resume answer
    this.state = 'queued';
    this.message = '';
    this.phase = 'uploading';  // what "not retrying" means right now: uploading or completing
    this.running = false;
    this.controller = null;
    this.pausedForNetwork = false;
    this.announcedStart = false;
    this.movingMs = 0;         // time spent moving bytes (uploading, retrying, completing) on this page
    this.movingSince = null;
    this.heldAtStart = null;   // bytes the server held when this page first asked: not sent by this page
    this.result = null;        // the complete answer: digests, for the summary
  }

  // -- what listeners read --
  get isActive() { return ACTIVE_STATES.includes(this.state); }
  get isMoving() { return MOVING_STATES.includes(this.state); }

  /** Bytes the server holds plus bytes in flight, at most the file's size (see progress.js). */
  sentBytes() {
    if (this.state === 'completed') return this.file.size;
    return this.progress.bytes();
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  setState(state, message) {
    const now = Date.now();
    const wasMoving = this.isMoving;
    this.state = state;
    if (!wasMoving && this.isMoving) this.movingSince = now;
    if (wasMoving && !this.isMoving && this.movingSince !== null) { this.movingMs += now - this.movingSince; this.movingSince = null; }
    if (message !== undefined) this.message = message;
    this.emit('change');
  }

  setMessage(message) {
    this.message = message;
    this.emit('change');
  }

  // -- the retry observer (transport.withRetry) --
  keepsTrying() { return this.options.keepsTrying(); }

  retrying(message) {
    if (this.state === 'paused' || this.state === 'cancelled') return;
    if (this.state !== 'retrying') this.setState('retrying', message);
    else this.setMessage(message);
  }

  retrySucceeded() {
    if (this.state === 'retrying') {
      this.setState(this.phase, '');
      wakeSleepers(); // the connection is back: other waiting requests need not wait out their backoff
    }
  }

  giveUp(message) {
    if (this.state === 'paused' || this.state === 'cancelled') return;
    this.pausedForNetwork = true;
    this.stop();
    this.setState('paused', message);
    this.emit('announce', `${this.file.name}: paused, the server cannot be reached.`);
    this.emit('schedule');
  }

  // -- what a person can do --
  pause() {
    if (!this.isActive) return;
    this.pausedForNetwork = false;
    this.stop();
    this.setState('paused', 'Paused. What the server holds stays there; only the rest is sent on resume.');
    this.emit('schedule');
    if (this.id) this.settleWhilePaused();
  }

  resume() {
    if (this.state !== 'paused' && this.state !== 'failed') return;
    this.pausedForNetwork = false;
    this.settleRound++;
    this.setState('queued', '');
    this.emit('schedule');
  }

  async cancel() {
    if (this.state === 'completed' || this.state === 'cancelled') return;
    this.stop();
    const id = this.id, token = this.token;
    this.setState('cancelled', 'Cancelled.');
    memory.remove(this.fp);
    if (id) known.remove(id);
    this.emit('announce', `${this.file.name}: upload cancelled.`);
    this.emit('schedule');
    if (id) await api.deleteUpload(id, token);
  }

  /** Stops starting chunks and aborts those in flight (what the server kept of them is not sent again). */
  stop() {
    if (this.controller) this.controller.abort();
    this.controller = null;
    this.progress.interruptAll();
  }

  /**
   * While paused, shows what the server holds: asks resume/{id} until two answers a second apart agree (the
   * server may still be storing the bytes the stopped requests had on the way). Until then the progress keeps the
   * blocks those requests had begun, so it never shows less than the server holds.
   */
  async settleWhilePaused() {
    const round = ++this.settleRound;
    const current = () => this.state === 'paused' && round === this.settleRound;
    let last = null;
    for (let ask = 0; ask < SETTLE_ASKS; ask++) {
      if (ask > 0) await sleep(SETTLE_MS);
      if (!current()) return;
      let data;
      try {
        ({ data } = await api.resumeInfo(this.id, this.token));
      } catch {
        return; // unreachable or gone: resume finds out
      }
      if (!current() || !data || data.completed) return;
      const held = heldBytesOf(data);
      const settled = held !== null && held === last;
      this.takeServerView(data, { keepFloors: !settled });
      if (settled) {
        this.settledHeld = held;
        this.setMessage(`Paused. The server holds ${percentOf(this.progress.heldBytes(), this.file.size)} of the file; `
          + 'only the rest is sent on resume.');
        return;
      }
      last = held;
      this.emit('change');
    }
  }

  fail(message) {
    this.stop();
    this.setState('failed', message);
    this.emit('announce', `${this.file.name}: upload failed. ${message}`);
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
      if (!this.announcedStart) { this.announcedStart = true; this.emit('announce', `${this.file.name}: upload started.`); }
      const cfg = await api.loadConfig(this, signal);
      const finished = await this.prepare(cfg, signal);
      if (finished) return;
      for (let round = 0; ; round++) {
        await sendChunks(this, cfg, signal);
        const missing = await this.complete(signal);
        if (missing === null) return;
        if (round + 1 >= MAX_COMPLETE_ROUNDS) {
          this.fail(`The server still misses ${missing.length} chunk(s) after several rounds; press Try again.`);
          return;
        }
        this.phase = 'uploading';
        this.setState('uploading', `Sending ${missing.length} chunk(s) the server did not have.`);
        const state = await this.askServer(signal); // which of them it holds a part of
        if (state === 'completed') return;
        if (state === 'gone') throw new Refused(410, { detail: 'The upload is gone on the server.' });
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
      this.progress.interruptAll();
      this.emit('schedule');
    }
  }

  setToSend(indexes) {
    this.toSend = [...new Set(indexes.map(Number))].filter((i) => this.chunkLength(i) > 0).sort((a, b) => a - b);
    this.next = 0;
  }

  /** Plans the blocks: the server's block size when it is a whole divisor of the chunk size, else one block a chunk. */
  setPlan(chunkSize, blockSize) {
    this.chunkSize = chunkSize;
    this.blockSize = blockSize > 0 && chunkSize % blockSize === 0 ? blockSize : chunkSize;
    this.totalChunks = Math.ceil(this.file.size / this.chunkSize);
    this.progress.plan(this.file.size, this.chunkSize, this.blockSize);
  }

  /** What a resume answer says the server holds goes into the progress; returns the chunks not yet whole. */
  takeServerView(data, options) {
    const missing = Array.isArray(data.missing_chunks) ? data.missing_chunks : [];
    const partials = Array.isArray(data.partial_chunks) ? data.partial_chunks : [];
    this.progress.fromServer(missing, partials, options);
    if (this.heldAtStart === null) this.heldAtStart = this.progress.heldBytes();
    this.emit('rebase'); // what is shown jumped to the server's word: not bytes sent now (speed starts over)
    return [...missing, ...partials.map((p) => p.chunk_index)];
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
        this.blockSize = known.block_size || 0;
        this.transfer = known.transfer === 'direct' ? 'direct' : 'proxy';
      }
    }
    if (this.id) {
      const state = await this.askServerSettled(signal);
      if (state === 'completed') return true;
      if (state === 'active') return false;
      // gone or expired: start over
    }
    await this.init(cfg, signal);
    return false;
  }

  /**
   * askServer, again a second later until two answers agree when chunks are partly received: requests stopped by
   * a pause or a reload may still be arriving (the bytes the browser had handed to its connections), and going on
   * before they are stored would send those bytes twice. A pause whose answers agreed counts as the first answer.
   */
  async askServerSettled(signal) {
    let last = this.settledHeld;
    this.settledHeld = null;
    for (let ask = 1; ; ask++) {
      const state = await this.askServer(signal);
      if (state !== 'active' || this.serverPartials === 0 || this.serverHeld === null
          || this.serverHeld === last || ask >= SETTLE_ASKS) return state;
      last = this.serverHeld;
      this.setMessage('Checking what the server holds: the bytes still on the way are being stored.');
      await sleep(SETTLE_MS, signal);
    }
  }

  /** GET resume/{id}: 'active' (toSend: the chunks not yet whole, progress: what it holds), 'completed' or 'gone'. */
  async askServer(signal) {
    let data;
    try {
      ({ data } = await withRetry(this, signal, () => api.resumeInfo(this.id, this.token, signal)));
    } catch (e) {
      if (e instanceof Refused && (e.status === 404 || e.status === 410)) {
        memory.remove(this.fp);
        this.id = null; this.token = null;
        this.setMessage(e.status === 410
          ? 'The earlier upload expired; starting over.' : 'The earlier upload is gone; starting over.');
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
    if (data.transfer) this.transfer = data.transfer === 'direct' ? 'direct' : 'proxy';
    this.setPlan(Number(data.chunk_size) || this.chunkSize, Number(data.block_size) || this.blockSize);
    this.setToSend(this.takeServerView(data));
    this.serverHeld = heldBytesOf(data);
    this.serverPartials = Array.isArray(data.partial_chunks) ? data.partial_chunks.length : 0;
    if (this.toSend.length < this.totalChunks || this.progress.heldBytes() > 0) {
      this.setMessage(`Resuming: the server holds ${percentOf(this.progress.heldBytes(), this.file.size)} of the file.`);
    }
    return 'active';
  }

  async init(cfg, signal) {
    const wanted = directOffered(cfg) ? 'direct' : null; // null: the server's default (proxy)
    const { data } = await withRetry(this, signal, () => api.initUpload(this.file, signal, wanted));
    if (!data || !data.upload_id) throw new Error('The server did not return an upload id.');
    this.id = data.upload_id;
    this.token = data.upload_token || null;
    this.transfer = data.transfer === 'direct' ? 'direct' : 'proxy';
    const chunkSize = Number(data.chunk_size) || Number(cfg.chunk_size);
    this.setPlan(chunkSize, Number(data.block_size) || chunkSize);
    memory.set(this.fp, {
      upload_id: this.id, upload_token: this.token, chunk_size: this.chunkSize, block_size: this.blockSize,
      transfer: this.transfer,
      name: this.file.name, size: this.file.size, last_modified: this.file.lastModified, saved_at: Date.now(),
    });
    known.add({ upload_id: this.id, upload_token: this.token, name: this.file.name, size: this.file.size, fp: this.fp, saved_at: Date.now() });
    this.emit('claimed');
    if (signal.aborted) {
      // Cancelled while init was under way: the upload now exists on the server, remove it there too.
      if (this.state === 'cancelled') { memory.remove(this.fp); await api.deleteUpload(this.id, this.token); }
      throw new Stopped();
    }
    const all = Array.from({ length: this.totalChunks }, (_, i) => i);
    this.progress.fromServer(all, []);
    if (this.heldAtStart === null) this.heldAtStart = 0;
    this.setToSend(all);
  }

  /** POST complete. Returns null when done, or the chunk indexes the server still misses. */
  async complete(signal) {
    this.phase = 'completing';
    this.setState('completing', '');
    const composite = this.transfer === 'direct' ? null // see chunks.js: nothing the server could check it against
      : await this.digests.composite(this.id, Math.ceil(this.file.size / this.blockSize));
    try {
      const { data } = await withRetry(this, signal, () => api.completeUpload(this.id, this.token, composite && hex(composite), signal));
      this.result = data || null;
    } catch (e) {
      if (e instanceof Refused && e.status === 409 && Array.isArray(e.problem.missing_chunks)
          && e.problem.missing_chunks.length > 0) {
        return e.problem.missing_chunks;
      }
      // Completed meanwhile (an earlier answer was lost, or another tab finished it)?
      if (e instanceof Refused && e.status === 409 && (await this.askServer(signal)) === 'completed') return null;
      throw e;
    }
    this.markCompleted();
    return null;
  }

  markCompleted() {
    this.stop();
    memory.remove(this.fp);
    if (this.id && this.result && this.result.composite_sha256) known.update(this.id, { composite_sha256: this.result.composite_sha256 });
    this.emit('claimed');
    this.setState('completed', this.summary());
    this.emit('announce', `${this.file.name}: upload completed. ${this.summary()}`);
  }

  /**
   * One sentence on a finished upload: how long this page spent sending it, the average speed of the bytes it
   * sent (not those the server held before), and which digest the server verified.
   */
  summary() {
    const seconds = (this.movingMs + (this.movingSince !== null ? Date.now() - this.movingSince : 0)) / 1000;
    const sent = Math.max(0, this.file.size - (this.heldAtStart || 0));
    const parts = [];
    if (seconds > 0 && sent > 0) parts.push(`Sent ${formatBytes(sent)} in ${formatDuration(seconds)} (${formatBytes(sent / seconds)}/s on average).`);
    const r = this.result || {};
    if (r.sha256) parts.push(`SHA-256 ${String(r.sha256).slice(0, 16)}… verified by the server.`);
    else if (r.composite_sha256) parts.push(`Composite SHA-256 of its blocks ${String(r.composite_sha256).slice(0, 16)}… verified by the server.`);
    return parts.join(' ');
  }
}

/** The bytes the server holds, from a resume or status answer (received_bytes, else uploaded_bytes); null when absent. */
function heldBytesOf(data) {
  const value = data.received_bytes != null ? data.received_bytes : data.uploaded_bytes;
  return value != null && Number.isFinite(Number(value)) ? Number(value) : null;
}

const percentOf = (bytes, total) => `${(total > 0 ? (100 * bytes) / total : 0).toFixed(1)} %`;
