// The peer the benchmark's end-to-end case measures against: @tus/server with @tus/file-store, as
// their README starts them, from the project's npm lock (npm ci). Not part of the product.
//
//   node upload-benchmark/src/main/node/tus-server.mjs PORT DIRECTORY [--method-override]
//
// Serves tus 1.0 under http://127.0.0.1:PORT/files/, keeps each upload as DIRECTORY/<id> (and
// <id>.json), prints one line starting with "tus-server ready" once it listens, and exits on SIGTERM
// or SIGINT.
//
// --method-override (for the tus client tests only, never the benchmark): a POST with
// X-HTTP-Method-Override is handed to @tus/server with that method. @tus/server 2.4.5 lists the header in
// its CORS headers but dispatches on the request method alone, and tus-java-client sends every PATCH as
// POST + X-HTTP-Method-Override: PATCH (Java's HttpURLConnection has no PATCH).
import { createServer } from 'node:http';
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';

const [port, directory, option] = process.argv.slice(2);
if (!/^\d+$/.test(port ?? '') || !directory || (option !== undefined && option !== '--method-override')) {
  console.error('usage: node tus-server.mjs PORT DIRECTORY [--method-override]');
  process.exit(2);
}

const tus = new Server({ path: '/files', datastore: new FileStore({ directory }) });
const http = option === '--method-override'
  ? createServer((req, res) => {
    const override = req.headers['x-http-method-override'];
    if (req.method === 'POST' && override) req.method = String(override).toUpperCase();
    tus.handle(req, res);
  })
  : createServer(tus.handle.bind(tus));
http.listen({ host: '127.0.0.1', port: Number(port) }, () => {
  console.log(`tus-server ready on http://127.0.0.1:${port}/files/ storing in ${directory} (node ${process.version})`);
});
http.on('error', (error) => {
  console.error(`tus-server cannot listen on 127.0.0.1:${port}: ${error.message}`);
  process.exit(1);
});

// Closing kept-alive connections too, so that the listener's close completes at once.
function stop() {
  http.close(() => process.exit(0));
  http.closeAllConnections();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
