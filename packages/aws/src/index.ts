export { AwsAdapterError } from './errors.js';
