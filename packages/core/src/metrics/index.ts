export * from './buffered-sink.js';
export * from './names.js';
export * from './ports.js';
export * from './secret-ref.js';
export * from './sink-config.js';
