export { AlertmanagerClient, AlertmanagerUnavailableError } from './AlertmanagerClient';
export type { AmAlert, AmMatcher, AmSilence, NewSilence, AlertmanagerClientOptions } from './AlertmanagerClient';
