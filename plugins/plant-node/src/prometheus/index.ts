export { PrometheusClient, PrometheusUnavailableError } from './PrometheusClient';
export type { PromSample, PrometheusClientOptions } from './PrometheusClient';
