// The upload page: the queue of files (two at a time), picking and dropping files, the connection and
// "Resume all", and the refresh of progress four times a second. The work itself is in upload.js
// (state machine), transport.js (requests and retries), memory.js (resume memory) and view.js (what is shown).
import { wakeSleepers } from './transport.js';
import { Upload } from './upload.js';
import { UploadView, announce } from './view.js';
import { Dashboard } from './dashboard.js';
import { fingerprintOf } from './memory.js';

const MAX_ACTIVE_FILES = 2; // files uploading at the same time (each with up to max_concurrent_chunks)
const RENDER_MS = 250;      // progress, speed and ETA refresh (4 times a second)

const $ = (id) => document.getElementById(id);
const els = {
  dropZone: $('drop-zone'), input: $('file-input'), autoResume: $('auto-resume'), resumeAll: $('resume-all'),
  queue: $('queue'), queueEmpty: $('queue-empty'), connection: $('connection'), queueHeading: $('queue-heading'),
};
const dashboard = new Dashboard($('dashboard'), $('dashboard-list'), () => ({
  ids: new Set(uploads().map((u) => u.id).filter(Boolean)), fps: new Set(uploads().map((u) => u.fp)),
}));

/** @type {{upload: Upload, view: UploadView}[]} in the order they were added */
const entries = [];
const uploads = () => entries.map((e) => e.upload);

function schedule() {
  let active = uploads().filter((u) => u.running).length;
  for (const u of uploads()) {
    if (active >= MAX_ACTIVE_FILES) break;
    if (u.state === 'queued' && !u.running) {
      active++;
      u.run();
    }
  }
}

/** Resume all is shown only while some upload waits for it (paused or failed). */
const resumable = (u) => u.state === 'paused' || u.state === 'failed';

function renderSummary() {
  els.queueEmpty.hidden = entries.length > 0;
  els.resumeAll.hidden = !uploads().some(resumable);
  const moving = uploads().filter((u) => u.isMoving);
  if (moving.length === 0) { document.title = 'Large File Upload'; return; }
  let sent = 0, total = 0;
  for (const u of moving) { sent += u.sentBytes(); total += u.file.size; }
  const pct = total > 0 ? Math.floor((sent / total) * 100) : 0;
  document.title = `${pct} % – Large File Upload`;
}

function add(file) {
  const upload = new Upload(file, { keepsTrying: () => els.autoResume.checked });
  const entry = { upload, view: null };
  entry.view = new UploadView(upload, { onRemove: () => removeFromList(entry) });
  upload.addEventListener('change', renderSummary);
  upload.addEventListener('announce', (e) => announce(e.detail));
  upload.addEventListener('schedule', schedule);
  upload.addEventListener('claimed', () => dashboard.refresh());
  entries.push(entry);
  els.queue.append(entry.view.el);
}

function removeFromList(entry) {
  entry.view.el.remove();
  const i = entries.indexOf(entry);
  if (i >= 0) entries.splice(i, 1);
  renderSummary();
  dashboard.refresh(); // a finished upload removed from the queue is still one of "my uploads"
  els.queueHeading.focus();
}

function addFiles(fileList) {
  for (const file of Array.from(fileList || [])) {
    const fp = fingerprintOf(file);
    const existing = uploads().find((u) => u.fp === fp && !['completed', 'cancelled'].includes(u.state));
    if (existing) {
      if (existing.state === 'paused' || existing.state === 'failed') existing.resume();
      announce(`${file.name} is already in the list.`);
      continue;
    }
    add(file);
    dashboard.hideFile(fp);
  }
  renderSummary();
  schedule();
}

// ---- connection -----------------------------------------------------------------------------------------------
function resumeAfterNetwork() {
  wakeSleepers();
  if (!els.autoResume.checked) return;
  for (const u of uploads()) if (u.state === 'paused' && u.pausedForNetwork) u.resume();
}

window.addEventListener('online', () => {
  els.connection.hidden = true;
  resumeAfterNetwork();
});
window.addEventListener('offline', () => {
  els.connection.textContent = els.autoResume.checked
    ? 'You are offline. Uploads will continue when the connection comes back.'
    : 'You are offline. Press Resume when the connection is back.';
  els.connection.hidden = false;
});
els.autoResume.addEventListener('change', () => { if (els.autoResume.checked) resumeAfterNetwork(); });

els.resumeAll.addEventListener('click', () => {
  for (const u of uploads()) if (resumable(u)) u.resume();
  wakeSleepers();
  els.dropZone.focus(); // the button goes away: keep the focus on the page's main control
});

window.addEventListener('beforeunload', (e) => {
  if (uploads().some((u) => u.isActive)) {
    e.preventDefault();
    e.returnValue = '';
  }
});

// ---- picking and dropping files -------------------------------------------------------------------------------
els.input.addEventListener('change', () => {
  addFiles(els.input.files);
  els.input.value = ''; // selecting the same file again (to resume) must fire change again
});
els.dropZone.addEventListener('click', () => els.input.click());
els.dropZone.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ' || e.key === 'Spacebar') {
    e.preventDefault();
    els.input.click();
  }
});
let dragDepth = 0;
els.dropZone.addEventListener('dragenter', (e) => { e.preventDefault(); dragDepth++; els.dropZone.classList.add('dragover'); });
els.dropZone.addEventListener('dragover', (e) => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; });
els.dropZone.addEventListener('dragleave', () => { dragDepth = Math.max(0, dragDepth - 1); if (dragDepth === 0) els.dropZone.classList.remove('dragover'); });
els.dropZone.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  els.dropZone.classList.remove('dragover');
  if (e.dataTransfer && e.dataTransfer.files) addFiles(e.dataTransfer.files);
});
// A file dropped next to the zone must not make the browser navigate away from a running upload.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());

// ---- refresh --------------------------------------------------------------------------------------------------
setInterval(() => {
  const now = performance.now();
  for (const { upload, view } of entries) if (upload.isMoving) view.render(now);
  renderSummary();
}, RENDER_MS);

if (navigator.onLine === false) window.dispatchEvent(new Event('offline'));
dashboard.refresh();
renderSummary();
