export * from './bundle.js';
export * from './schedule-input.js';
