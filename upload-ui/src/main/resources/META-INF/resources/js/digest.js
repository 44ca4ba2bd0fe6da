// Integrity: the SHA-256 of each block of the file, and the composite over them (sent at complete, so that the
// server commits only the file whose blocks this page hashed). A chunk of a single block also carries its digest
// as an RFC 9530 Content-Digest, so that the server refuses it when damaged on the way; a chunk of several
// blocks carries none, because the server keeps a request with a whole-body digest all or nothing, and the page
// wants every whole block that arrived kept (a pause or a lost connection then re-sends at most one block).

const MAX_HASHED_BLOCK = 512 * 1024 * 1024; // larger blocks are not hashed (hashing needs a block in memory)

export const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function base64(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** The Content-Digest header value for a SHA-256. */
export const contentDigest = (digest) => `sha-256=:${base64(digest)}:`;

/** The digests this page computed for the blocks of one upload id. */
export class BlockDigests {
  constructor() {
    this.uploadId = null;
    this.byBlock = new Map(); // block index in the file → SHA-256 (Uint8Array)
  }

  /**
   * Whether this page hashes the blocks: the server takes Content-Digest, WebCrypto is there (not on a page
   * served over plain HTTP from another host), and a block fits in memory.
   */
  static usable(acceptedHeaders, blockSize) {
    return (acceptedHeaders || []).includes('Content-Digest') && Boolean(window.crypto && crypto.subtle)
      && blockSize <= MAX_HASHED_BLOCK;
  }

  forUpload(uploadId) {
    if (this.uploadId !== uploadId) { this.byBlock = new Map(); this.uploadId = uploadId; }
  }

  /**
   * Hashes the blocks of file bytes [start, end) not hashed yet (start is a block boundary). WebCrypto hashes
   * whole buffers only, so each block is read into memory once for this (bounded by block size × requests in
   * flight) and released before the request streams the slice from disk.
   */
  async hashBlocks(uploadId, file, start, end, blockSize) {
    this.forUpload(uploadId);
    for (let offset = start; offset < end; offset += blockSize) {
      const block = Math.floor(offset / blockSize);
      if (this.byBlock.has(block)) continue;
      const bytes = await file.slice(offset, Math.min(offset + blockSize, file.size)).arrayBuffer();
      this.byBlock.set(block, new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
    }
  }

  /** The digest of one block, or null when not hashed. */
  get(uploadId, block) {
    return this.uploadId === uploadId ? this.byBlock.get(block) || null : null;
  }

  /** SHA-256 over the block digests in order, when this page hashed every block of this upload; else null. */
  async composite(uploadId, totalBlocks) {
    if (this.uploadId !== uploadId || this.byBlock.size < totalBlocks) return null;
    const all = new Uint8Array(32 * totalBlocks);
    for (let i = 0; i < totalBlocks; i++) {
      const d = this.byBlock.get(i);
      if (!d) return null;
      all.set(d, 32 * i);
    }
    return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  }
}
