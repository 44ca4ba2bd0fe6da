// The upload state machine: one file from "queued" to "completed" (or "paused", "failed", "cancelled"),
// its chunks sent a few at a time, picked up again from the resume memory and the server's answer.
// It touches no DOM: it tells listeners what changed through events.
//
//   queued → uploading ⇄ retrying → completing → completed
//   any active state → paused (by hand or the network) → queued;  → failed → queued;  → cancelled
import { withRetry, wakeSleepers, Refused, Stopped } from './transport.js';
import * as api from './api.js';
import { ChunkDigests, contentDigest, hex } from './digest.js';
import { fingerprintOf, memory } from './memory.js';

const MAX_COMPLETE_ROUNDS = 5; // complete → 409 missing_chunks → send them → complete …

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
    this.totalChunks = 0;
    this.toSend = [];          // chunk indexes still to send, ascending
    this.next = 0;             // position in toSend
    this.inflight = new Map(); // chunk index → bytes of it sent so far
    this.digests = new ChunkDigests();
    this.confirmedBytes = 0;   // bytes of chunks the server has acknowledged
    this.state = 'queued';
    this.message = '';
    this.phase = 'uploading';  // what "not retrying" means right now: uploading or completing
    this.running = false;
    this.controller = null;
    this.pausedForNetwork = false;
    this.announcedStart = false;
  }

  // -- what listeners read --
  get isActive() { return ACTIVE_STATES.includes(this.state); }
  get isMoving() { return MOVING_STATES.includes(this.state); }

  /** Bytes the server acknowledged plus bytes of chunks in flight, at most the file's size. */
  sentBytes() {
    if (this.state === 'completed') return this.file.size;
    let bytes = this.confirmedBytes;
    for (const loaded of this.inflight.values()) bytes += loaded;
    return Math.min(bytes, this.file.size);
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  setState(state, message) {
    this.state = state;
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
    this.setState('paused', 'Paused. Chunks in flight will be sent again on resume.');
    this.emit('schedule');
  }

  resume() {
    if (this.state !== 'paused' && this.state !== 'failed') return;
    this.pausedForNetwork = false;
    this.setState('queued', '');
    this.emit('schedule');
  }

  async cancel() {
    if (this.state === 'completed' || this.state === 'cancelled') return;
    this.stop();
    const id = this.id, token = this.token;
    this.setState('cancelled', 'Cancelled.');
    memory.remove(this.fp);
    this.emit('announce', `${this.file.name}: upload cancelled.`);
    this.emit('schedule');
    if (id) await api.deleteUpload(id, token);
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
        await this.sendChunks(cfg, signal);
        const missing = await this.complete(signal);
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
      this.emit('schedule');
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
      const state = await this.askServer(signal);
      if (state === 'completed') return true;
      if (state === 'active') return false;
      // gone or expired: start over
    }
    await this.init(cfg, signal);
    return false;
  }

  /** GET resume/{id}: 'active' (toSend set to the missing chunks), 'completed' or 'gone'. */
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
    this.chunkSize = Number(data.chunk_size) || this.chunkSize;
    this.totalChunks = Number(data.total_chunks) || Math.ceil(this.file.size / this.chunkSize);
    const missing = Array.isArray(data.missing_chunks) ? data.missing_chunks : [];
    this.setToSend(missing);
    if (missing.length < this.totalChunks) {
      this.setMessage(`Resuming: ${missing.length} of ${this.totalChunks} chunk(s) left to send.`);
    }
    return 'active';
  }

  async init(cfg, signal) {
    const { data } = await withRetry(this, signal, () => api.initUpload(this.file, signal));
    if (!data || !data.upload_id) throw new Error('The server did not return an upload id.');
    this.id = data.upload_id;
    this.token = data.upload_token || null;
    this.chunkSize = Number(data.chunk_size) || Number(cfg.chunk_size);
    this.totalChunks = Number(data.total_chunks) || Math.ceil(this.file.size / this.chunkSize);
    memory.set(this.fp, {
      upload_id: this.id, upload_token: this.token, chunk_size: this.chunkSize,
      name: this.file.name, size: this.file.size, last_modified: this.file.lastModified, saved_at: Date.now(),
    });
    this.emit('claimed');
    if (signal.aborted) {
      // Cancelled while init was under way: the upload now exists on the server, remove it there too.
      if (this.state === 'cancelled') { memory.remove(this.fp); await api.deleteUpload(this.id, this.token); }
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
    const digest = await this.digests.hash(this.id, index, blob, cfg.chunk_digest_headers);
    try {
      const { data } = await withRetry(this, signal, () => {
        this.inflight.set(index, 0);
        const onProgress = (loaded) => { if (this.inflight.has(index)) this.inflight.set(index, Math.min(loaded, length)); };
        return api.putChunk(this.id, this.token, index, blob, digest && contentDigest(digest), signal, onProgress)
          .catch((e) => { this.inflight.set(index, 0); throw e; });
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

  /** POST complete. Returns null when done, or the chunk indexes the server still misses. */
  async complete(signal) {
    this.phase = 'completing';
    this.setState('completing', '');
    const composite = await this.digests.composite(this.id, this.totalChunks);
    try {
      await withRetry(this, signal, () => api.completeUpload(this.id, this.token, composite && hex(composite), signal));
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
    this.emit('claimed');
    this.confirmedBytes = this.file.size;
    this.setState('completed', '');
    this.emit('announce', `${this.file.name}: upload completed.`);
  }
}
