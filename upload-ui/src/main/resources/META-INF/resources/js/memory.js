// Resume memory: which upload id and token belong to which file, kept in localStorage so that a reload or a
// browser restart can pick an upload up again. A file is known by name, size and last-modified time (the
// browser cannot reopen a file by itself). Storage that is unavailable or full never stops an upload.

const STORAGE_PREFIX = 'largeupload.v1:';

export const fingerprintOf = (file) => `${file.name}|${file.size}|${file.lastModified}`;

export const memory = {
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
  /** Every remembered upload, oldest first, as {fp, upload_id, upload_token, chunk_size, name, size, …}. */
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

const KNOWN_KEY = 'largeupload.known.v1';
const MAX_KNOWN = 100; // the uploads "My uploads" asks the server about (Upload-Tokens), newest first

function readKnown() {
  try {
    const value = JSON.parse(localStorage.getItem(KNOWN_KEY) || '[]');
    return Array.isArray(value) ? value.filter((e) => e && e.upload_id) : [];
  } catch { return []; }
}

function writeKnown(entries) {
  try { localStorage.setItem(KNOWN_KEY, JSON.stringify(entries.slice(0, MAX_KNOWN))); } catch { /* as above */ }
}

/**
 * Every upload this browser started, finished ones included (the resume memory forgets an upload once it is
 * complete): {upload_id, upload_token, name, size, fp, saved_at, composite_sha256?}, newest first. Uploads in
 * the resume memory from before this list existed are part of it.
 */
export const known = {
  all() {
    const entries = readKnown();
    const ids = new Set(entries.map((e) => e.upload_id));
    for (const m of memory.all()) {
      if (!ids.has(m.upload_id)) entries.push({ upload_id: m.upload_id, upload_token: m.upload_token, name: m.name, size: m.size, fp: m.fp, saved_at: m.saved_at });
    }
    return entries.sort((a, b) => (b.saved_at || 0) - (a.saved_at || 0)).slice(0, MAX_KNOWN);
  },
  add(entry) {
    writeKnown([entry, ...readKnown().filter((e) => e.upload_id !== entry.upload_id)]);
  },
  update(id, fields) {
    writeKnown(readKnown().map((e) => (e.upload_id === id ? { ...e, ...fields } : e)));
  },
  remove(id) {
    writeKnown(readKnown().filter((e) => e.upload_id !== id));
  },
};
