export * from './ports.ts';
export * from './session-store.ts';
export * from './lease-store.ts';
export * from './lease-keeper.ts';
