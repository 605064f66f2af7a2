export * from './ArgoCdClient';
