// The list of unfinished uploads from earlier visits (from the resume memory): how far each got, a button to
// forget one (and delete its partial upload), and an entry that disappears once its file is selected again.
import * as api from './api.js';
import { Refused } from './transport.js';
import { memory } from './memory.js';
import { announce, formatBytes } from './view.js';

export class RememberedList {
  /** @param {HTMLElement} section shown only while the list has entries @param {HTMLUListElement} list */
  constructor(section, list) {
    this.section = section;
    this.list = list;
  }

  /** The file with this fingerprint is being uploaded (or is done): it is no longer an unfinished one. */
  remove(fp) {
    for (const li of this.list.querySelectorAll('li')) {
      if (li.dataset.fingerprint === fp) li.remove();
    }
    this.section.hidden = this.list.childElementCount === 0;
  }

  /** Lists every remembered upload and asks the server, best effort, how far each got and whether it still exists. */
  show() {
    for (const entry of memory.all()) this.list.append(this.item(entry));
    this.section.hidden = this.list.childElementCount === 0;
  }

  item(entry) {
    const li = document.createElement('li');
    li.className = 'remembered-item';
    li.dataset.fingerprint = entry.fp;
    const displayName = entry.name || entry.fp.split('|')[0];
    li.dataset.name = displayName;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = displayName;
    const detail = document.createElement('span');
    detail.className = 'detail';
    detail.textContent = `${formatBytes(Number(entry.size))} · select the same file again to resume`;
    const forget = document.createElement('button');
    forget.type = 'button';
    forget.className = 'forget';
    forget.textContent = 'Forget';
    forget.setAttribute('aria-label', `Forget ${displayName} and delete its partial upload`);
    forget.addEventListener('click', async () => {
      memory.remove(entry.fp);
      this.remove(entry.fp);
      announce(`${displayName}: forgotten.`);
      await api.deleteUpload(entry.upload_id, entry.upload_token);
    });
    li.append(name, detail, forget);

    api.resumeInfo(entry.upload_id, null)
      .then(({ data }) => {
        if (!data) return;
        if (data.completed) { memory.remove(entry.fp); this.remove(entry.fp); return; }
        const pct = uploadedPercent(data, Number(entry.size));
        if (pct !== null) {
          detail.textContent = `${formatBytes(Number(entry.size))} · ${pct.toFixed(1)} % uploaded · select the same file again to resume`;
        }
      })
      .catch((e) => {
        if (e instanceof Refused && (e.status === 404 || e.status === 410)) {
          memory.remove(entry.fp);
          this.remove(entry.fp);
        }
      });
    return li;
  }
}

/**
 * The share of the file's bytes the server holds: from the answer's received_bytes (whole chunks and the durable
 * parts of the others), else uploaded_bytes, else progress_percentage (which has counted chunks rather than bytes
 * in some answers); null when none is usable.
 */
function uploadedPercent(data, fileSize) {
  const size = Number(data.file_size) || fileSize;
  for (const field of ['received_bytes', 'uploaded_bytes']) {
    const bytes = Number(data[field]);
    if (data[field] != null && Number.isFinite(bytes) && size > 0) return Math.min(100, Math.max(0, (100 * bytes) / size));
  }
  const pct = Number(data.progress_percentage);
  return Number.isFinite(pct) ? Math.min(100, Math.max(0, pct)) : null;
}
