export * from './clusters';
export * from './entity';
export * from './rollout';
