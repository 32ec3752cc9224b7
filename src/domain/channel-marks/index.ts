export * from './channel-marks.ts';
