export * from './check-package.js';
export * from './errors.js';
export * from './fleet-env.js';
export * from './ports.js';
export * from './process-results.js';
