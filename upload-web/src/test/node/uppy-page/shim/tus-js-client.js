// tus-js-client's own browser build (dist/tus.js, a UMD bundle of the library and its CommonJS
// dependencies), as the ES module @uppy/tus imports.
import tus from '/cjs/tus-js-client/dist/tus.js';

export default tus;
export const { Upload, defaultOptions, isSupported, canStoreURLs, enableDebugLog, DefaultHttpStack, DetailedError } = tus;
