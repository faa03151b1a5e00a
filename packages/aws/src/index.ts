export { AwsSecretResolver, type AwsSecretResolverOptions } from './aws-secret-resolver.js';
export { AwsAdapterError, SecretUnavailableError } from './errors.js';
export {
  POWERTOOLS_EMF_LIMITS,
  PowertoolsEmfSink,
  type PowertoolsEmfSinkOptions,
} from './powertools-emf-sink.js';
export { TimestreamTransport, type TimestreamTransportOptions } from './timestream-transport.js';
