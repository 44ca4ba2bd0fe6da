// How much of one file the server holds, and the progress the page shows for it. It touches no DOM.
//
// The server's answers (resume/{id}, a chunk's 200 or 409) say which chunks are whole and how long a durable
// prefix each other chunk has (a whole number of blocks). Requests in flight add the bytes sent so far. A request
// that ends without an answer (pause, a lost connection, a server restart) leaves a floor: the blocks it had begun
// to send, which the server may come to hold (bytes already on the way still arrive after the page stopped the
// request, and the browser reports what it sent a little late); the floor is shown until the server says what it
// holds. So the bar never drops below what the server holds; it drops only for bytes the server never got (at
// most the block in progress of each request in flight).

export class Progress {
  constructor() {
    this.plan(0, 1, 1);
  }

  /** A new plan: nothing known to be held yet. */
  plan(fileSize, chunkSize, blockSize) {
    this.fileSize = fileSize;
    this.chunkSize = Math.max(1, chunkSize);
    this.blockSize = Math.max(1, blockSize);
    this.open = new Map(); // chunk index → {held, at, floor} for chunks not yet whole
    this.done = new Set(); // chunks this page saw answered whole (a late answer never reopens them)
    this.wholeBytes = 0;
  }

  chunkLength(index) {
    const start = index * this.chunkSize;
    return Math.max(0, Math.min(this.chunkSize, this.fileSize - start));
  }

  /**
   * What the server holds, from a resume or status answer: the chunks not yet whole, and the durable prefix of
   * each partly received one. A held prefix never shrinks through a late answer. Floors of interrupted requests
   * are dropped (the server has said what it holds) unless keepFloors: the server may still be storing the last
   * blocks of a request that was just stopped.
   */
  fromServer(missing, partials, { keepFloors = false } = {}) {
    const prefix = new Map();
    for (const p of partials) prefix.set(Number(p.chunk_index), Number(p.received_bytes) || 0);
    const open = new Map();
    let openBytes = 0;
    for (const index of [...missing.map(Number), ...prefix.keys()]) {
      if (this.done.has(index) || open.has(index) || index < 0 || this.chunkLength(index) === 0) continue;
      const old = this.open.get(index);
      const held = Math.min(this.chunkLength(index), Math.max(prefix.get(index) || 0, old ? old.held : 0));
      open.set(index, { held, at: old ? old.at : 0, floor: keepFloors && old ? old.floor : 0 });
      openBytes += this.chunkLength(index);
    }
    this.open = open;
    this.wholeBytes = Math.max(0, this.fileSize - openBytes);
  }

  /** The durable prefix of a chunk as far as the page knows (its length when whole). */
  held(index) {
    const entry = this.open.get(index);
    return entry ? entry.held : this.chunkLength(index);
  }

  isWhole(index) {
    return !this.open.has(index);
  }

  /** A request of this chunk has sent its bytes up to position (counted from the chunk's start). */
  sentUpTo(index, position) {
    const entry = this.open.get(index);
    if (entry) entry.at = Math.min(position, this.chunkLength(index));
  }

  /** A request of this chunk ended without an answer: the blocks it had begun may be held, the one in progress too. */
  interrupted(index) {
    const entry = this.open.get(index);
    if (!entry || entry.at === 0) return;
    const begun = Math.min(this.chunkLength(index), Math.ceil(entry.at / this.blockSize) * this.blockSize);
    entry.floor = Math.max(entry.floor, begun);
    entry.at = 0;
  }

  /** Every request in flight was stopped. */
  interruptAll() {
    for (const index of this.open.keys()) this.interrupted(index);
  }

  /** The server's answer for this chunk: it holds a durable prefix of this many bytes (exact: even if less than thought). */
  chunkHeld(index, bytes, { exact = false } = {}) {
    const entry = this.open.get(index);
    if (!entry) return;
    const length = this.chunkLength(index);
    const held = Math.max(0, Math.min(length, Number(bytes) || 0));
    if (held >= length) { this.chunkWhole(index); return; }
    entry.held = exact ? held : Math.max(entry.held, held);
    entry.floor = 0;
  }

  /** The server holds the whole chunk. */
  chunkWhole(index) {
    this.done.add(index);
    if (!this.open.delete(index)) return;
    this.wholeBytes = Math.min(this.fileSize, this.wholeBytes + this.chunkLength(index));
  }

  /** Bytes the server holds, plus those of requests in flight and floors of interrupted ones. */
  bytes() {
    let bytes = this.wholeBytes;
    for (const { held, at, floor } of this.open.values()) bytes += Math.max(held, at, floor);
    return Math.min(bytes, this.fileSize);
  }

  /** Bytes the server is known to hold durably. */
  heldBytes() {
    let bytes = this.wholeBytes;
    for (const { held } of this.open.values()) bytes += held;
    return Math.min(bytes, this.fileSize);
  }
}
