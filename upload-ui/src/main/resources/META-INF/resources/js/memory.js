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
