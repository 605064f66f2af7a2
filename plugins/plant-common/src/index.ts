/**
 * Isomorphic Plantops domain code: Site and ProductionLine entity kinds,
 * ISO 22400 OEE math, and the versioned telemetry schema.
 *
 * @packageDocumentation
 */
export * from './entities';
export * from './oee';
export * from './telemetry';
export * from './health';
export * from './permissions';
export * from './runbooks';
