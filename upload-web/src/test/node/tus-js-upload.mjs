// One upload by tus-js-client on Node (the project's npm lock: `npm ci`), as its README shows it, against
// any tus endpoint. A test and benchmark tool, never part of the product or the WAR.
//
//   node upload-web/src/test/node/tus-js-upload.mjs --endpoint URL --file PATH [options]
//     --parallel N          parallelUploads: N partial uploads and one final (concatenation); 1 = plain (default)
//     --protocol P          tus-v1 (default) or ietf-draft-05 (sends Upload-Draft-Interop-Version: 6)
//     --chunk-size BYTES    tus-js-client's chunkSize (default: Infinity, one PATCH per upload or part)
//     --url-storage FILE    tus-js-client's FileUrlStorage in FILE: the upload URL(s) are stored there under the
//                           file's fingerprint, so that another process can resume
//     --resume              look the file up in --url-storage (findPreviousUploads) and resume the newest
//                           upload found (resumeFromPreviousUpload); fails if none is stored
//     --retries N           retryDelays of N zeros (default 0: a failed request fails the upload at once)
//     --progress-step BYTES how often a progress line is printed (default 4 MiB)
//     --metadata K=V        Upload-Metadata entry (repeatable; default filename=<the file's name>)
//
// Prints one JSON object per line on stdout, each with "event":
//   {"event":"request","method","url","headers":{…}}   every request, with the tus headers it carries
//   {"event":"response","method","url","status","headers":{…}}
//   {"event":"stored","key"}       the upload URL(s) are in the URL storage
//   {"event":"previous","uploads":[…]}   with --resume: what findPreviousUploads found
//   {"event":"progress","bytes","total"}
//   {"event":"success","url","bytes","seconds","parallel","protocol"}   then exit 0
//   {"event":"error","message"}    then exit 1
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Upload, FileUrlStorage } from 'tus-js-client';

const TUS_HEADERS = ['Tus-Resumable', 'Upload-Draft-Interop-Version', 'Upload-Length', 'Upload-Defer-Length',
  'Upload-Offset', 'Upload-Concat', 'Upload-Complete', 'Upload-Metadata', 'Content-Type', 'Content-Length',
  'Location', 'Tus-Version', 'Tus-Extension', 'Upload-Expires', 'Upload-Limit'];

const options = parse(process.argv.slice(2));
const print = (event) => process.stdout.write(JSON.stringify(event) + '\n');

function parse(args) {
  const o = { parallel: 1, protocol: 'tus-v1', chunkSize: Infinity, retries: 0, progressStep: 4 * 1024 * 1024, metadata: {} };
  for (let i = 0; i < args.length; i++) {
    const value = () => {
      if (i + 1 >= args.length) fail(`${args[i]} needs a value`);
      return args[++i];
    };
    switch (args[i]) {
      case '--endpoint': o.endpoint = value(); break;
      case '--file': o.file = value(); break;
      case '--parallel': o.parallel = Number(value()); break;
      case '--protocol': o.protocol = value(); break;
      case '--chunk-size': o.chunkSize = Number(value()); break;
      case '--url-storage': o.urlStorage = value(); break;
      case '--resume': o.resume = true; break;
      case '--retries': o.retries = Number(value()); break;
      case '--progress-step': o.progressStep = Number(value()); break;
      case '--metadata': {
        const entry = value();
        const equals = entry.indexOf('=');
        if (equals <= 0) fail(`--metadata ${entry} is not KEY=VALUE`);
        o.metadata[entry.slice(0, equals)] = entry.slice(equals + 1);
        break;
      }
      default: fail(`unknown option ${args[i]} (see the comment at the top of this script)`);
    }
  }
  if (!o.endpoint || !o.file) fail('--endpoint URL and --file PATH are required');
  if (!Number.isInteger(o.parallel) || o.parallel < 1) fail('--parallel must be a whole number of at least 1');
  if (o.resume && !o.urlStorage) fail('--resume needs --url-storage');
  if (Object.keys(o.metadata).length === 0) o.metadata.filename = basename(o.file);
  return o;
}

function fail(message) {
  process.stdout.write(JSON.stringify({ event: 'error', message }) + '\n');
  process.exit(1);
}

function tusHeaders(get) {
  const headers = {};
  for (const name of TUS_HEADERS) {
    const value = get(name);
    if (value !== undefined && value !== null && value !== '') headers[name] = String(value);
  }
  return headers;
}

/** FileUrlStorage that says when an upload's URL(s) are on disk, so a test knows a resume can find them. */
class ReportingUrlStorage extends FileUrlStorage {
  async addUpload(fingerprint, upload) {
    const key = await super.addUpload(fingerprint, upload);
    print({ event: 'stored', key, upload });
    return key;
  }
}

const size = statSync(options.file).size;
const started = process.hrtime.bigint();
let nextProgress = options.progressStep;
const upload = new Upload(createReadStream(options.file), {
  endpoint: options.endpoint,
  protocol: options.protocol,
  parallelUploads: options.parallel,
  chunkSize: options.chunkSize,
  retryDelays: Array(options.retries).fill(0),
  metadata: options.metadata,
  ...(options.urlStorage ? { urlStorage: new ReportingUrlStorage(options.urlStorage), storeFingerprintForResuming: true }
    : { storeFingerprintForResuming: false }),
  onBeforeRequest(req) {
    print({ event: 'request', method: req.getMethod(), url: req.getURL(), headers: tusHeaders((n) => req.getHeader(n)) });
  },
  onAfterResponse(req, res) {
    print({ event: 'response', method: req.getMethod(), url: req.getURL(), status: res.getStatus(),
      headers: tusHeaders((n) => res.getHeader(n)) });
  },
  onProgress(bytes, total) {
    if (bytes >= nextProgress || bytes === total) {
      print({ event: 'progress', bytes, total });
      while (nextProgress <= bytes) nextProgress += options.progressStep;
    }
  },
  onSuccess() {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    print({ event: 'success', url: upload.url, bytes: size, seconds, parallel: options.parallel, protocol: options.protocol });
    process.exit(0);
  },
  onError(error) {
    fail(String(error && error.message ? error.message : error));
  },
});

if (options.resume) {
  const previous = await upload.findPreviousUploads();
  print({ event: 'previous', uploads: previous });
  if (previous.length === 0) fail(`no previous upload of ${options.file} is stored in ${options.urlStorage}`);
  previous.sort((a, b) => new Date(b.creationTime) - new Date(a.creationTime));
  upload.resumeFromPreviousUpload(previous[0]);
}
upload.start();
