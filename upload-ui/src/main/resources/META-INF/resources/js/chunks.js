// Sending the chunks of one upload, a few at a time (MAX_CONCURRENT_CHUNKS), each whole or the rest of it from
// the durable prefix the server holds (a Content-Range from a block boundary). A try that fails asks the server
// where to go on, so a lost connection or a server restart sends again at most the block each request had in
// progress. Only file.slice() references are sent, never the file's bytes in memory.
import { withRetry, Refused, Stopped } from './transport.js';
import * as api from './api.js';
import { BlockDigests, contentDigest, hex } from './digest.js';
import { sendChunkDirect } from './direct.js';

const MAX_CORRECTIONS = 5; // a chunk's start corrected by the server (409 upload.offset-mismatch) this often at most

/** Sends the chunks in upload.toSend from upload.next on; rejects with the first refusal, or Stopped. */
export async function sendChunks(upload, cfg, signal) {
  const parallel = Math.max(1, Number(cfg.max_concurrent_chunks) || 3);
  const failure = new AbortController(); // one chunk refused: the others stop
  const onStop = () => failure.abort();
  signal.addEventListener('abort', onStop, { once: true });
  const worker = async () => {
    while (!failure.signal.aborted && upload.next < upload.toSend.length) {
      const index = upload.toSend[upload.next++];
      try {
        await sendChunk(upload, cfg, index, failure.signal);
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

/**
 * Sends a chunk, or the rest of it from its durable prefix (Content-Range); in direct mode straight to Azure
 * Storage, block by block (direct.js). A try that fails asks the server
 * where to go on; a start the server corrects (409 upload.offset-mismatch) goes on from the prefix it names.
 * A chunk of one block carries its Content-Digest; a chunk of several carries none, so that the server keeps
 * each whole block that arrives (their digests go into the composite at complete).
 */
async function sendChunk(upload, cfg, index, signal) {
  const start = index * upload.chunkSize;
  const length = upload.chunkLength(index);
  const hashing = BlockDigests.usable(cfg.chunk_digest_headers, upload.blockSize);
  const oneBlock = length <= upload.blockSize;
  let known = upload.progress.held(index); // where to start, when known; null: ask the server first
  // Direct mode: Azure checks each block's MD5; the server never sees the bytes, so it has no SHA-256 of its own
  // to check a composite against, and the page sends none (nor hashes SHA-256).
  if (upload.transfer === 'direct') return sendChunkDirect(upload, index, known, heldOnServer, signal);
  for (let corrections = 0; ; corrections++) {
    let answer;
    try {
      answer = await withRetry(upload, signal, async () => {
        const first = known !== null ? known : await heldOnServer(upload, index, signal);
        known = null; // a try that fails asks the server where to go on
        if (first >= length) return null;
        if (hashing) await upload.digests.hashBlocks(upload.id, upload.file, start + first, start + length, upload.blockSize);
        const digest = hashing && oneBlock ? upload.digests.get(upload.id, start / upload.blockSize) : null;
        const blob = upload.file.slice(start + first, start + length); // a reference into the file, never its bytes in memory
        upload.progress.sentUpTo(index, first);
        try {
          const { data } = await api.putChunk(upload.id, upload.token, index, blob,
            { first, chunkLength: length, contentDigest: digest && contentDigest(digest) }, signal,
            (loaded) => upload.progress.sentUpTo(index, first + loaded));
          return { data: data || {}, digest };
        } catch (e) {
          upload.progress.interrupted(index);
          throw e;
        }
      });
    } catch (e) {
      if (e instanceof Refused && e.status === 409 && e.code === 'upload.offset-mismatch'
          && Number.isFinite(Number(e.problem.received_bytes)) && corrections < MAX_CORRECTIONS) {
        known = Math.max(0, Math.min(length, Number(e.problem.received_bytes)));
        upload.progress.chunkHeld(index, known, { exact: true });
        continue;
      }
      throw e;
    }
    if (answer === null) { upload.progress.chunkWhole(index); return; } // the server holds it all already
    const { data, digest } = answer;
    if (digest && data.sha256 && data.sha256 !== hex(digest)) {
      // The server checked our digest, so this cannot happen unless something between us is broken.
      throw new Refused(422, { code: 'upload.checksum-mismatch', detail: `Chunk ${index} was stored with another digest.` });
    }
    const held = Number(data.received_bytes);
    if (data.chunk_received === false && Number.isFinite(held) && held < length && corrections < MAX_CORRECTIONS) {
      known = Math.max(0, held); // the server kept less than the whole chunk: go on from there
      upload.progress.chunkHeld(index, known, { exact: true });
      continue;
    }
    upload.progress.chunkWhole(index);
    return;
  }
}

/**
 * Where to go on in a chunk after a request of it failed: asks resume/{id} (one request for all the chunks in
 * flight), takes its answer into the progress, and returns the chunk's durable prefix (its length when whole).
 */
async function heldOnServer(upload, index, signal) {
  if (!upload.asking) {
    upload.asking = api.resumeInfo(upload.id, upload.token, signal).finally(() => { upload.asking = null; });
  }
  const { data } = await upload.asking;
  if (data && !data.completed) upload.takeServerView(data);
  return data && data.completed ? upload.chunkLength(index) : upload.progress.held(index);
}
