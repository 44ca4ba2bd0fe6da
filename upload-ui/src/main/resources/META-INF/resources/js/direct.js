// Direct mode: one chunk's blocks sent straight to Azure Blob Storage, never through the server. The server
// answers where each block of a chunk goes (POST …/chunks/{index}/target: a short-lived SAS URL per block, the
// headers Azure needs, when the URLs expire); the page PUTs each block there with the Content-MD5 it computed
// while reading the block (Azure refuses a block whose MD5 does not match), one block after the other, so that
// what Azure holds of a chunk is always a prefix of whole blocks, as in proxy mode. The server learns what was
// staged from Azure itself (resume/{id}, status, complete), never from the page's word.
//
// Retries are transport.js's (network errors, 5xx, 408, 429, a stall); a 403 from Azure means the SAS has
// expired (or the clock is off): the page asks for a new target and goes on from the blocks already staged.
import { withRetry, Refused } from './transport.js';
import * as api from './api.js';
import { md5OfBlob } from './md5.js';

const MAX_NEW_TARGETS = 3;     // 403s from Azure in a row (a new target each time) before the chunk fails
const EXPIRY_MARGIN_MS = 30_000; // a target this close to its expiry is replaced before the next block

/** Whether the server offers direct mode and this page was not told to use proxy mode (`?transfer=proxy`). */
export function directOffered(cfg) {
  const modes = Array.isArray(cfg.transfer_modes) ? cfg.transfer_modes : [];
  const forced = new URLSearchParams(globalThis.location ? location.search : '').get('transfer');
  return modes.includes('direct') && forced !== 'proxy';
}

/**
 * Sends chunk `index` of the upload from `first` (a block boundary: what Azure holds of it already) to its end,
 * straight to Azure. heldOnServer(index) asks the server where to go on after a try failed. No SHA-256 is computed:
 * the server sees no byte of a direct upload, so it could check no block digest or composite. Resolves when every
 * block of the chunk is staged.
 */
export async function sendChunkDirect(upload, index, first, heldOnServer, signal) {
  const start = index * upload.chunkSize;
  const length = upload.chunkLength(index);
  let known = first;     // where to go on, when known; null: ask the server
  let target = null;
  let refusals = 0;      // 403s in a row
  for (;;) {
    try {
      await withRetry(upload, signal, async () => {
        const from = known !== null ? known : await heldOnServer(upload, index, signal);
        known = null; // a try that fails asks the server where to go on
        if (from >= length) return;
        if (!target || expiresSoon(target)) target = await newTarget(upload, index, signal);
        for (const block of target.blocks) {
          const offset = blockOffsetInChunk(block, start);
          const end = offset + Number(block.length);
          if (end <= from) continue; // staged already
          await sendBlock(upload, index, start, offset, end, block, target, signal);
          upload.progress.chunkHeld(index, end);
          refusals = 0;
          known = end; // a failure of the next block goes on from here without asking
        }
        if (!upload.progress.isWhole(index)) {
          throw new Refused(502, { detail: `The server's target for chunk ${index} does not cover the whole chunk.` });
        }
      });
      return;
    } catch (e) {
      if (e instanceof Refused && e.status === 403 && e.storage && refusals + 1 < MAX_NEW_TARGETS) {
        refusals++;
        target = null; // the SAS expired (or the clock is off): a new one, from the block that failed
        if (known === null) known = upload.progress.held(index);
        continue;
      }
      throw e instanceof Refused && e.storage ? explained(e, index) : e;
    }
  }
}

/**
 * PUTs one block (file bytes [start + offset, start + end)) with its Content-MD5, computed first by reading the
 * block (piece by piece); the PUT then streams the slice from the file.
 */
async function sendBlock(upload, index, start, offset, end, block, target, signal) {
  const blob = upload.file.slice(start + offset, start + end);
  const md5 = await md5OfBlob(blob);
  upload.progress.sentUpTo(index, offset);
  try {
    await api.putBlock(target, block, blob, md5, signal, (loaded) => upload.progress.sentUpTo(index, offset + loaded));
  } catch (e) {
    upload.progress.interrupted(index);
    throw e;
  }
}

async function newTarget(upload, index, signal) {
  const { data } = await api.chunkTarget(upload.id, upload.token, index, signal);
  if (!data || !Array.isArray(data.blocks) || data.blocks.length === 0) {
    throw new Refused(502, { detail: `The server did not say where to send chunk ${index}.` });
  }
  return { ...data, received: Date.now() };
}

function expiresSoon(target) {
  const expires = Date.parse(target.expires_at);
  return Number.isFinite(expires) && expires - Date.now() < EXPIRY_MARGIN_MS;
}

/** A block's first byte counted from its chunk's start (the target gives chunk_offset, and offset in the file). */
function blockOffsetInChunk(block, chunkStart) {
  return Number.isFinite(Number(block.chunk_offset)) ? Number(block.chunk_offset) : Number(block.offset) - chunkStart;
}

function explained(e, index) {
  const why = e.status === 400 && e.code === 'storage.Md5Mismatch'
    ? 'its MD5 did not match the bytes Azure received (did the file change while it was being sent?)'
    : e.status === 403 ? 'the upload URL was refused again after being renewed (is this computer\'s clock right?)'
      : e.message;
  return new Refused(e.status, { ...e.problem, detail: `Azure Storage refused chunk ${index}: ${why}` });
}
