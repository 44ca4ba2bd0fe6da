// "My uploads": every upload this browser knows (started here earlier, in another tab, or finished), as the
// server lists them (GET /api/uploads with the remembered tokens): live progress for active ones, and for
// finished ones the download, a copy-link button, delete, the time taken, the average speed and the verified
// digest. The uploads running in this page are shown in the queue instead. Replaces the old "unfinished
// uploads" list: an unfinished upload is resumed by selecting the same file again.
import * as api from './api.js';
import { Refused } from './transport.js';
import { known, memory } from './memory.js';
import { formatBytes, formatDuration } from './format.js';
import { announce } from './view.js';

const REFRESH_MS = 3_000; // while an upload listed here is active elsewhere (another tab), its progress is polled

function make(tag, cls, text) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}

export class Dashboard {
  /**
   * @param {HTMLElement} section shown only while the list has entries
   * @param {HTMLUListElement} list
   * @param {() => {ids: Set<string>, fps: Set<string>}} inPage the upload ids and file fingerprints this page's queue shows
   */
  constructor(section, list, inPage) {
    this.section = section;
    this.list = list;
    this.inPage = inPage;
    this.timer = null;
    this.loading = null;
    this.again = false;
  }

  /** Asks the server for the known uploads and shows them; repeats while one of them is active elsewhere. */
  refresh() {
    if (this.loading) { this.again = true; return this.loading; } // once more after it: what to show has changed
    this.loading = this.load().finally(() => {
      this.loading = null;
      if (this.again) { this.again = false; this.refresh(); }
    });
    return this.loading;
  }

  async load() {
    clearTimeout(this.timer);
    const entries = known.all();
    let items = [];
    if (entries.length > 0) {
      try {
        items = await api.listUploads(entries.map((e) => [e.upload_id, e.upload_token]));
      } catch (e) {
        if (!(e instanceof Refused)) { this.timer = setTimeout(() => this.refresh(), REFRESH_MS * 5); }
        return; // unreachable (try later) or refused: keep what is shown
      }
    }
    const listed = new Set(items.map((i) => i.upload_id));
    for (const e of entries) {
      // The server no longer knows it (deleted, or expired past its retention): forget it here too.
      if (!listed.has(e.upload_id)) { known.remove(e.upload_id); if (e.fp) memory.remove(e.fp); }
    }
    const byId = new Map(entries.map((e) => [e.upload_id, e]));
    const { ids, fps } = this.inPage();
    const shown = items.filter((i) => !ids.has(i.upload_id) && !fps.has((byId.get(i.upload_id) || {}).fp));
    this.list.replaceChildren(...shown.map((i) => this.item(i, byId.get(i.upload_id) || {})));
    this.section.hidden = shown.length === 0;
    if (shown.some((i) => i.state === 'active')) this.timer = setTimeout(() => this.refresh(), REFRESH_MS);
  }

  /** The file with this fingerprint is in the page's queue now: it is shown there. */
  hideFile(fp) {
    for (const li of this.list.querySelectorAll('li')) if (li.dataset.fingerprint === fp) li.remove();
    this.section.hidden = this.list.childElementCount === 0;
  }

  item(upload, entry) {
    const name = upload.filename || entry.name || upload.upload_id;
    const size = upload.file_size != null ? Number(upload.file_size) : Number(entry.size);
    const li = make('li', 'dashboard-item');
    li.dataset.uploadId = upload.upload_id;
    li.dataset.name = name;
    li.dataset.state = upload.state;
    if (entry.fp) li.dataset.fingerprint = entry.fp;
    const head = make('div', 'upload-head');
    head.append(make('span', 'name', name), make('span', 'size', formatBytes(size)), make('span', 'state', upload.state));
    li.append(head);
    const detail = make('p', 'detail');
    const actions = make('div', 'actions');
    const button = (cls, text, label, onClick) => {
      const b = make('button', cls, text);
      b.type = 'button';
      b.setAttribute('aria-label', label);
      b.addEventListener('click', onClick);
      actions.append(b);
    };
    const remove = async (what) => {
      li.remove();
      this.section.hidden = this.list.childElementCount === 0;
      known.remove(upload.upload_id);
      if (entry.fp) memory.remove(entry.fp);
      announce(`${name}: ${what}.`);
      await api.deleteUpload(upload.upload_id, entry.upload_token);
    };
    if (upload.state === 'active') {
      const held = Number(upload.received_bytes) || 0;
      const bar = make('progress');
      bar.max = Math.max(1, size);
      bar.value = Math.min(held, size);
      bar.setAttribute('aria-label', `Upload progress of ${name}`);
      li.append(bar);
      detail.textContent = `${percent(held, size)} on the server · select the same file again to resume it`;
      button('forget', 'Delete', `Delete ${name} and what the server holds of it`, () => remove('deleted'));
    } else if (upload.state === 'completed') {
      const href = upload.download_url || api.downloadPath(upload.upload_id);
      detail.textContent = finishedDetail(upload, entry, size);
      const a = make('a', 'download', 'Download');
      a.href = href;
      a.setAttribute('download', name);
      a.setAttribute('aria-label', `Download ${name}`);
      actions.append(a);
      button('copy-link', 'Copy link', `Copy the download link of ${name}`, () => copyLink(new URL(href, location.href).href, name));
      button('forget', 'Delete', `Delete ${name} from the server`, () => remove('deleted'));
    } else {
      detail.textContent = upload.state === 'expired' ? 'Expired: it was idle too long; its bytes are gone.' : 'Aborted.';
      button('remove', 'Remove from list', `Remove ${name} from the list`, () => {
        li.remove();
        this.section.hidden = this.list.childElementCount === 0;
        known.remove(upload.upload_id);
      });
    }
    li.append(detail, actions);
    return li;
  }
}

/** Time taken (creation to completion), average speed over it, and the digest the server verified. */
function finishedDetail(upload, entry, size) {
  const parts = [];
  const started = Date.parse(upload.created_at), finished = Date.parse(upload.updated_at);
  if (Number.isFinite(started) && Number.isFinite(finished) && finished > started) {
    const seconds = (finished - started) / 1000;
    parts.push(`took ${formatDuration(seconds)}`, `${formatBytes(size / seconds)}/s on average`);
  }
  if (upload.sha256) parts.push(`SHA-256 ${String(upload.sha256).slice(0, 16)}… verified`);
  else if (upload.composite_sha256 || entry.composite_sha256) {
    parts.push(`composite SHA-256 ${String(upload.composite_sha256 || entry.composite_sha256).slice(0, 16)}… verified`);
  }
  return parts.length > 0 ? `Completed · ${parts.join(' · ')}` : 'Completed';
}

async function copyLink(url, name) {
  try {
    await navigator.clipboard.writeText(url);
    announce(`The download link of ${name} is copied.`);
  } catch {
    window.prompt('Copy the download link:', url); // no clipboard permission: let the person copy it
  }
}

const percent = (bytes, total) => `${(total > 0 ? (100 * bytes) / total : 0).toFixed(1)} %`;
