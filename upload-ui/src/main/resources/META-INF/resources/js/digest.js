// Integrity: the SHA-256 of each chunk (sent as an RFC 9530 Content-Digest, so that the server refuses a chunk
// damaged on the way) and the composite over them (sent at complete, so that the server commits only the file
// whose chunks this page hashed).

const MAX_HASHED_CHUNK = 512 * 1024 * 1024; // larger chunks are sent without a digest (hashing needs them in memory)

export const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function base64(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** The Content-Digest header value for a SHA-256. */
export const contentDigest = (digest) => `sha-256=:${base64(digest)}:`;

/** The digests this page computed for the chunks of one upload id. */
export class ChunkDigests {
  constructor() {
    this.uploadId = null;
    this.byIndex = new Map(); // chunk index → SHA-256 (Uint8Array)
  }

  /**
   * The SHA-256 of one chunk, or null when the server takes no Content-Digest, without WebCrypto (a page
   * served over plain HTTP from another host) or for huge chunks. WebCrypto hashes whole buffers only, so the
   * chunk is read once into memory for this (bounded by chunk size × chunks in flight) and released before
   * the upload streams the slice from disk.
   */
  async hash(uploadId, index, blob, acceptedHeaders) {
    if (!(acceptedHeaders || []).includes('Content-Digest') || !(window.crypto && crypto.subtle) || blob.size > MAX_HASHED_CHUNK) {
      return null;
    }
    if (this.uploadId !== uploadId) { this.byIndex = new Map(); this.uploadId = uploadId; }
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
    this.byIndex.set(index, digest);
    return digest;
  }

  /** SHA-256 over the chunk digests in order, when this page hashed every chunk of this upload; else null. */
  async composite(uploadId, totalChunks) {
    if (this.uploadId !== uploadId || this.byIndex.size !== totalChunks) return null;
    const all = new Uint8Array(32 * totalChunks);
    for (let i = 0; i < totalChunks; i++) {
      const d = this.byIndex.get(i);
      if (!d) return null;
      all.set(d, 32 * i);
    }
    return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  }
}
