// Yjs and its companions loaded once, as CommonJS: shared/dist (CommonJS) requires yjs, and
// loading yjs's ES module build beside it would make two Yjs copies in one process ("Yjs was
// already imported"), whose types fail each other's instanceof checks.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const Y = require('yjs');
export const syncProtocol = require('y-protocols/sync');
export const encoding = require('lib0/encoding');
export const decoding = require('lib0/decoding');
/** @gongjian/shared, resolved through the workspace link to shared/dist. */
export const shared = require('@gongjian/shared');
export const awareness = require('y-protocols/awareness');
