/**
 * R001-3: what a customer sends with a report (a photo of the equipment, a document) is kept
 * with the case. The bytes live in the database — never on the process's disk, which another
 * process, a restart or a new machine would not have.
 */

/** What a network hands over for one file, before it is stored. */
export interface IncomingFile {
  /** The file's name as sent, or one made from its type (`photo.jpg`). */
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

/** Which files are taken: at most this many bytes, of these types (a `type/*` covers a family). */
export interface AttachmentLimits {
  maxBytes: number;
  allowedTypes: readonly string[];
}

/** Why a file was refused, for the reply that says so. */
export type AttachmentRefusal = 'tooLarge' | 'typeNotAllowed';

/** Photos, PDFs and plain office documents up to 10 MB: what a fault report carries. */
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = {
  maxBytes: 10 * 1024 * 1024,
  allowedTypes: [
    'image/*',
    'application/pdf',
    'text/plain',
    'video/mp4',
    'audio/ogg',
    'audio/mpeg',
    'application/msword',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ],
};

/** The scheme of an attachment's `url` when its bytes are in the database. */
export const STORED_FILE_SCHEME = 'atiende-file:';

/**
 * Why a file of this declared size and type would be refused, or null when it is taken. A size
 * the network does not tell (`null`) is checked again on the bytes.
 */
export function refusalOf(
  size: number | null,
  contentType: string,
  limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS,
): AttachmentRefusal | null {
  if (size !== null && size > limits.maxBytes) return 'tooLarge';
  const type = contentType.toLowerCase().split(';')[0]!.trim();
  const family = `${type.split('/')[0]}/*`;
  const allowed = limits.allowedTypes.some((t) => t === type || t === family);
  return allowed ? null : 'typeNotAllowed';
}
