import { renderUnicodeCompact } from 'uqr';

/**
 * The pairing QR as text for a terminal: two rows of modules per line (half blocks), so a
 * 33-module code takes about 18 lines and scans from the screen.
 */
export function qrForTerminal(qr: string): string {
  return renderUnicodeCompact(qr, { border: 2 });
}
