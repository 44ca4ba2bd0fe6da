// Uppy as its documentation sets it up for tus: new Uppy().use(Tus, { endpoint }), then addFile and upload.
import Uppy from '@uppy/core';
import Tus from '@uppy/tus';

const query = new URLSearchParams(location.search);
const endpoint = query.get('endpoint');
const chunkSize = query.has('chunkSize') ? Number(query.get('chunkSize')) : Infinity;
const result = document.getElementById('result');
const progress = document.getElementById('progress');

function finish(state, outcome) {
  result.textContent = JSON.stringify(outcome);
  result.dataset.state = state;
}

const uppy = new Uppy({ autoProceed: false }).use(Tus, { endpoint, chunkSize, retryDelays: [0, 1000, 3000] });
uppy.on('progress', (percent) => { progress.textContent = String(percent); });
window.addEventListener('error', (event) => finish('failed', { error: String(event.message) }));

document.getElementById('file').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  try {
    uppy.addFile({ name: file.name, type: file.type || 'application/octet-stream', data: file, source: 'file input' });
    const started = performance.now();
    const outcome = await uppy.upload();
    const seconds = (performance.now() - started) / 1000;
    finish(outcome.failed.length === 0 ? 'done' : 'failed', {
      seconds,
      successful: outcome.successful.map((f) => ({ name: f.name, size: f.size, uploadURL: f.response && f.response.uploadURL })),
      failed: outcome.failed.map((f) => ({ name: f.name, error: String(f.error) })),
    });
  } catch (error) {
    finish('failed', { error: String(error && error.stack ? error.stack : error) });
  }
});
