export * from './errors.js';
export * from './model/check.js';
export * from './model/results.js';
export * from './model/state.js';
export * from './model/status.js';
export * from './nagios/types.js';
export * from './ports.js';
