export { createSinks, type SinkWiring } from './create-sinks.js';
export { EmfSink, type EmfSinkOptions } from './emf-sink.js';
export { SinkConfigError } from './errors.js';
export { InfluxTransport, type InfluxTransportOptions } from './influx-transport.js';
export { OpenTsdbTransport, type OpenTsdbTransportOptions } from './opentsdb-transport.js';
