export * from './attachment-file.ts';
export * from './attachment-store.ts';
