export { AwsAdapterError } from './errors.js';
export { TimestreamTransport, type TimestreamTransportOptions } from './timestream-transport.js';
