// The service's HTTP API as the page uses it: one function per call, each one request (the caller decides
// about retries). The page only ever calls its own origin.
import { request, withRetry, jsonHeaders, jsonBodyHeaders, Refused, Transient, sleep, backoffMs, RESPONSE_MS } from './transport.js';

const DEFAULT_CONFIG = { chunk_size: null, max_concurrent_chunks: 3, upload_token_header: 'Upload-Token' };
let config = null;

const uploadPath = (id) => `/api/upload/${encodeURIComponent(id)}`;
const tokenHeader = () => (config && config.upload_token_header) || DEFAULT_CONFIG.upload_token_header;

/** GET /api/config once per page (retried through the observer); an old server without it gets the defaults. */
export async function loadConfig(observer, signal) {
  if (config) return config;
  try {
    const { data } = await withRetry(observer, signal, () => request('GET', '/api/config', { headers: jsonHeaders(), signal }));
    config = { ...DEFAULT_CONFIG, ...(data || {}) };
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    config = { ...DEFAULT_CONFIG }; // the server's defaults apply
  }
  return config;
}

/** POST /api/upload/init with {filename, file_size, content_type?, transfer?} (transfer: "direct" or "proxy"). */
export function initUpload(file, signal, transfer = null) {
  const body = { filename: file.name, file_size: file.size };
  if (file.type) body.content_type = file.type;
  if (transfer) body.transfer = transfer;
  return request('POST', '/api/upload/init', { headers: jsonBodyHeaders(), body: JSON.stringify(body), signal });
}

/**
 * PUT the bytes of one chunk from `first` on (a Blob: a slice of the file, never its bytes in memory). From a
 * first byte past 0 it says `Content-Range: bytes first-last/chunkLength`: the server continues the chunk there.
 * contentDigest (optional) is the whole body's RFC 9530 Content-Digest.
 */
export function putChunk(id, token, index, blob, { first = 0, chunkLength = blob.size, contentDigest = null } = {}, signal, onProgress) {
  const headers = { 'Content-Type': 'application/octet-stream', [tokenHeader()]: token };
  if (first > 0) headers['Content-Range'] = `bytes ${first}-${first + blob.size - 1}/${chunkLength}`;
  if (contentDigest) headers['Content-Digest'] = contentDigest;
  return request('PUT', `${uploadPath(id)}/chunks/${index}`, { body: blob, headers, signal, onProgress });
}

/**
 * POST …/chunks/{index}/target (direct mode): where Azure takes each block of the chunk,
 * {method, url, headers, expires_at, blocks: [{block_index, block_id, offset, length, url}]}.
 */
export function chunkTarget(id, token, index, signal) {
  return request('POST', `${uploadPath(id)}/chunks/${index}/target`, { headers: jsonHeaders({ [tokenHeader()]: token }), signal });
}

/**
 * PUT one block (a slice of the file) straight to Azure Storage at the block's SAS URL, with the target's headers
 * and the block's Content-MD5 (Azure checks it). A refusal comes back as Refused with storage set (its code
 * `storage.<Azure's error code>` when Azure said one).
 */
export async function putBlock(target, block, blob, md5, signal, onProgress) {
  const headers = { ...(target.headers || {}), 'Content-MD5': md5 };
  try {
    return await request(target.method || 'PUT', block.url, { body: blob, headers, signal, onProgress });
  } catch (e) {
    if (e instanceof Refused) e.storage = true;
    throw e;
  }
}

/** POST /api/upload/complete, with the composite SHA-256 (hex) when the page has it. */
export function completeUpload(id, token, compositeSha256, signal) {
  const body = { upload_id: id };
  if (compositeSha256) body.composite_sha256 = compositeSha256;
  return request('POST', '/api/upload/complete', {
    headers: jsonBodyHeaders({ [tokenHeader()]: token }), body: JSON.stringify(body), signal, stallMs: RESPONSE_MS,
  });
}

/** GET /api/upload/resume/{id}: what the server has of an upload (whole chunks, partly received ones, bytes). */
export function resumeInfo(id, token, signal) {
  return request('GET', `/api/upload/resume/${encodeURIComponent(id)}`, { headers: jsonHeaders({ [tokenHeader()]: token }), signal });
}

/** DELETE the upload on the server, best effort (a few tries); true when it is gone. */
export async function deleteUpload(id, token) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await request('DELETE', uploadPath(id), { headers: jsonHeaders({ [tokenHeader()]: token }) });
      return true;
    } catch (e) {
      if (!(e instanceof Transient)) return false; // already gone, or refused: nothing more to do
      await sleep(backoffMs(attempt, e.retryAfterMs));
    }
  }
  return false;
}

/**
 * GET /api/uploads: the uploads whose [id, token] pairs are presented (Upload-Tokens), newest first, as the
 * server lists them (one page: the page presents at most 100).
 */
export async function listUploads(pairs, signal) {
  pairs = pairs.filter(([id, token]) => id && token);
  if (pairs.length === 0) return [];
  const headers = jsonHeaders({ 'Upload-Tokens': pairs.map(([id, token]) => `${id}:${token}`).join(', ') });
  const { data } = await request('GET', `/api/uploads?limit=${Math.max(1, pairs.length)}`, { headers, signal });
  return data && Array.isArray(data.items) ? data.items : [];
}

export const downloadPath = (id) => `/api/files/${encodeURIComponent(id)}`;
