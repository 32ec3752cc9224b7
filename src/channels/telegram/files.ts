import type { Telegram } from 'telegraf';
import type { AttachmentLimits, IncomingFile } from '../../domain/attachments/index.ts';
import { AtiendeError } from '../../domain/errors.ts';
import type { FileRef } from './updates.ts';

/** The Bot API's own limit on files a bot may download (`getFile`). */
export const BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

/** A file that could not be fetched from the Bot API. */
export class FileDownloadFailed extends AtiendeError {
  readonly code = 'TELEGRAM_FILE_DOWNLOAD_FAILED';
}

/** A file whose bytes turned out larger than the limit (its declared size said less). */
export class FileTooLarge extends AtiendeError {
  readonly code = 'TELEGRAM_FILE_TOO_LARGE';
}

/**
 * Downloads a file the customer sent (R001-3): `getFile`, then its bytes from
 * `<apiRoot>/file/bot<token>/<file_path>`, held in memory only (never on the process's disk)
 * and cut off past `limits.maxBytes`, whatever size Telegram declared.
 */
export async function downloadFile(
  telegram: Telegram,
  apiRoot: string,
  token: string,
  file: FileRef,
  limits: Pick<AttachmentLimits, 'maxBytes'>,
): Promise<IncomingFile> {
  const info = await telegram.getFile(file.fileId);
  if (!info.file_path) throw new FileDownloadFailed('the Bot API gave no file_path');
  const url = `${apiRoot}/file/bot${token}/${info.file_path}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  // The URL holds the token: it is never put in an error or a log.
  if (!response.ok || !response.body)
    throw new FileDownloadFailed(`the file download answered ${response.status}`);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limits.maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new FileTooLarge(`the file is over ${limits.maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { name: file.name, contentType: file.contentType, bytes };
}
