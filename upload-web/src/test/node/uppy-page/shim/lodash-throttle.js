// lodash's throttle from its full build (lodash.js), as the ES module @uppy/core imports.
import lodash from '/cjs/lodash/lodash.js';

export default lodash.throttle;
