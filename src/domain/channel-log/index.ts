export * from './channel-log-store.ts';
export * from './ports.ts';
