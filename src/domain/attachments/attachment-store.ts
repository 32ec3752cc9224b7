import { Schema, type Connection, type Model } from 'mongoose';
import type { Attachment } from '../cases/case.ts';
import { isDuplicateKeyError } from '../errors.ts';
import { ensureCollection, modelOn } from '../model-on.ts';
import {
  STORED_FILE_SCHEME,
  refusalOf,
  type AttachmentLimits,
  type AttachmentRefusal,
  type IncomingFile,
} from './attachment-file.ts';

interface StoredFileDocument {
  _id: string;
  conversationId: string;
  name: string;
  contentType: string;
  size: number;
  data: Buffer;
  storedAt: Date;
}

const storedFileSchema = new Schema<StoredFileDocument>(
  {
    _id: { type: String, required: true },
    conversationId: { type: String, required: true },
    name: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    data: { type: Buffer, required: true },
    storedAt: { type: Date, required: true },
  },
  { collection: 'attachment_files', versionKey: false },
);

/** A stored file as read back: for the agent who opens it. */
export interface StoredFile extends IncomingFile {
  id: string;
  conversationId: string;
  storedAt: Date;
}

/** What storing a file came to: the case's attachment, or why it was refused. */
export type StoreOutcome =
  { stored: true; attachment: Attachment } | { stored: false; refusal: AttachmentRefusal };

/**
 * The files customers send, in the database (R001-3). A file is stored under a key its network
 * gives it (Telegram's `file_unique_id`, WhatsApp's message id): one insert, and a network that
 * delivers the same message twice stores it once (decision 0).
 */
export class AttachmentStore {
  readonly model: Model<StoredFileDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'StoredFile', storedFileSchema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
  }

  /**
   * Stores `file` under `key` for a conversation, if the limits take it. The attachment's `url`
   * is `atiende-file:<id>`; the same key stored twice gives the same attachment.
   */
  async put(
    key: string,
    conversationId: string,
    file: IncomingFile,
    at: Date,
    limits?: AttachmentLimits,
  ): Promise<StoreOutcome> {
    const refusal = refusalOf(file.bytes.byteLength, file.contentType, limits);
    if (refusal) return { stored: false, refusal };
    const id = `${conversationId}:${key}`;
    try {
      await this.model.create({
        _id: id,
        conversationId,
        name: file.name,
        contentType: file.contentType,
        size: file.bytes.byteLength,
        data: Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
        storedAt: at,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    return {
      stored: true,
      attachment: { name: file.name, contentType: file.contentType, url: urlOf(id) },
    };
  }

  /** The file behind an attachment's `url` (or its id), or null. */
  async get(urlOrId: string): Promise<StoredFile | null> {
    const id = urlOrId.startsWith(STORED_FILE_SCHEME)
      ? decodeURIComponent(urlOrId.slice(STORED_FILE_SCHEME.length))
      : urlOrId;
    const doc = await this.model.findById(id).lean();
    if (!doc) return null;
    const data = doc.data as unknown as Buffer | { buffer: Buffer };
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer);
    return {
      id: doc._id,
      conversationId: doc.conversationId,
      name: doc.name,
      contentType: doc.contentType,
      bytes: new Uint8Array(bytes),
      storedAt: doc.storedAt,
    };
  }
}

function urlOf(id: string): string {
  return `${STORED_FILE_SCHEME}${encodeURIComponent(id)}`;
}
