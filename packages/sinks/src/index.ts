export { SinkConfigError } from './errors.js';
