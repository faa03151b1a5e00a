export * from './errors.js';
export * from './number.js';
export * from './perfdata.js';
export * from './plugin-output.js';
export * from './range.js';
export * from './types.js';
