// The view of one upload: its list item (name, size, state, progress bar, percent, bytes, speed, time left,
// message, buttons, download link), and the page's words for sizes and durations. Builds elements with the
// DOM API only (no HTML strings, no style attributes), so it runs under the page's Content-Security-Policy.
import { downloadPath } from './api.js';
import { formatBytes, formatDuration } from './format.js';

export { formatBytes, formatDuration };

const SPEED_WINDOW_MS = 8_000;
/** Says a sentence through the page's live region (the last five stay). */
export function announce(text) {
  const announcer = document.getElementById('announcer');
  const p = document.createElement('p');
  p.textContent = text;
  announcer.append(p);
  while (announcer.childElementCount > 5) announcer.firstElementChild.remove();
}

function make(tag, cls, text) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The list item of one upload; follows the upload's `change` events and renders progress when asked. */
export class UploadView {
  /** @param {import('./upload.js').Upload} upload @param {{onRemove: () => void}} actions */
  constructor(upload, { onRemove }) {
    this.upload = upload;
    this.samples = []; // [time, bytes sent] over the last SPEED_WINDOW_MS
    this.speed = 0;
    const name = upload.file.name;

    const li = make('li', 'upload');
    li.dataset.name = name;
    const head = make('div', 'upload-head');
    this.stateEl = make('span', 'state', upload.state);
    head.append(make('span', 'name', name), make('span', 'size', formatBytes(upload.file.size)), this.stateEl);

    this.progressEl = make('progress');
    this.progressEl.max = Math.max(1, upload.file.size);
    this.progressEl.value = 0;
    this.progressEl.setAttribute('aria-label', `Upload progress of ${name}`);

    const stats = make('div', 'stats');
    this.percentEl = make('span', 'percent', '0 %');
    this.bytesEl = make('span', 'bytes', `0 B / ${formatBytes(upload.file.size)}`);
    this.speedEl = make('span', 'speed', '');
    this.etaEl = make('span', 'eta', '');
    stats.append(this.percentEl, this.bytesEl, this.speedEl, this.etaEl);

    this.messageEl = make('p', 'message', '');

    this.actionsEl = make('div', 'actions');
    const button = (cls, text, label, onClick) => {
      const b = make('button', cls, text);
      b.type = 'button';
      b.setAttribute('aria-label', label);
      b.addEventListener('click', onClick);
      this.actionsEl.append(b);
      return b;
    };
    this.pauseBtn = button('pause', 'Pause', `Pause ${name}`, () => upload.pause());
    this.resumeBtn = button('resume', 'Resume', `Resume ${name}`, () => upload.resume());
    this.cancelBtn = button('cancel', 'Cancel', `Cancel ${name}`, () => upload.cancel());
    this.removeBtn = button('remove', 'Remove from list', `Remove ${name} from the list`, onRemove);

    li.append(head, this.progressEl, stats, this.messageEl, this.actionsEl);
    this.el = li;
    upload.addEventListener('change', () => this.update());
    upload.addEventListener('rebase', () => { this.samples = []; this.speed = 0; });
    this.update();
  }

  /** State, message and buttons after a change; the download link once completed. */
  update() {
    const { state, message } = this.upload;
    this.el.dataset.state = state;
    this.stateEl.textContent = state;
    this.messageEl.textContent = message;
    const active = this.upload.isActive;
    this.pauseBtn.hidden = !active;
    this.resumeBtn.hidden = !(state === 'paused' || state === 'failed');
    this.resumeBtn.textContent = state === 'failed' ? 'Try again' : 'Resume';
    this.cancelBtn.hidden = !(active || state === 'paused' || state === 'failed');
    this.removeBtn.hidden = !(state === 'completed' || state === 'cancelled');
    if (!active) { this.speed = 0; this.samples = []; }
    if (state === 'completed' && !this.el.querySelector('a.download')) {
      const a = make('a', 'download', 'Download');
      a.href = downloadPath(this.upload.id);
      a.setAttribute('aria-label', `Download ${this.upload.file.name}`);
      a.setAttribute('download', this.upload.file.name);
      this.actionsEl.prepend(a);
    }
    this.render();
  }

  /** Progress, bytes, speed (over a sliding window) and time left; called about 4 times a second. */
  render(now = performance.now()) {
    const upload = this.upload;
    const total = upload.file.size;
    const sent = upload.sentBytes();
    const fraction = total > 0 ? sent / total : (upload.state === 'completed' ? 1 : 0);
    this.progressEl.value = total > 0 ? sent : fraction;
    this.progressEl.max = Math.max(1, total);
    this.progressEl.setAttribute('aria-valuetext', `${(fraction * 100).toFixed(1)} percent`);
    this.percentEl.textContent = `${(fraction * 100).toFixed(fraction < 1 ? 1 : 0)} %`;
    this.bytesEl.textContent = `${formatBytes(sent)} / ${formatBytes(total)}`;
    if (upload.isMoving) {
      this.samples.push([now, sent]);
      while (this.samples.length > 2 && now - this.samples[0][0] > SPEED_WINDOW_MS) this.samples.shift();
      const [t0, b0] = this.samples[0];
      const dt = (now - t0) / 1000;
      if (dt >= 0.5) this.speed = Math.max(0, (sent - b0) / dt);
      this.speedEl.textContent = this.speed > 0 ? `${formatBytes(this.speed)}/s` : '';
      this.etaEl.textContent = this.speed > 0 && sent < total
        ? `${formatDuration((total - sent) / this.speed)} left` : '';
    } else {
      this.speedEl.textContent = '';
      this.etaEl.textContent = '';
    }
  }
}
