// MD5 of a block of the file, for the Content-MD5 that Azure Storage checks when a block is staged straight
// into it (direct mode). WebCrypto has no MD5, so this uses spark-md5 3.0.2 (vendor/spark-md5.min.js, WTFPL or
// MIT, see vendor/spark-md5.LICENSE): plain JavaScript, no eval, no WebAssembly, so the page's
// Content-Security-Policy stays as strict as it is. Loaded as a classic script through an import, it defines
// the global SparkMD5.
import './vendor/spark-md5.min.js';

const PIECE = 8 * 1024 * 1024; // a block larger than this is read and hashed piece by piece

const spark = () => {
  if (!globalThis.SparkMD5) throw new Error('The MD5 library (js/vendor/spark-md5.min.js) did not load.');
  return globalThis.SparkMD5;
};

const base64OfBinaryString = (raw) => btoa(raw);

/**
 * The Content-MD5 value (Base64 of the 16 digest bytes) of a Blob (a slice of the file), read piece by piece:
 * memory stays at one piece.
 */
export async function md5OfBlob(blob) {
  const hasher = new (spark().ArrayBuffer)();
  for (let offset = 0; offset < blob.size; offset += PIECE) {
    hasher.append(await blob.slice(offset, Math.min(blob.size, offset + PIECE)).arrayBuffer());
  }
  return base64OfBinaryString(hasher.end(true));
}
