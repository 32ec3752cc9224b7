import type { Telegram } from 'telegraf';
import {
  DEFAULT_ATTACHMENT_LIMITS,
  refusalOf,
  type AttachmentLimits,
} from '../../domain/attachments/index.ts';
import type { Attachment } from '../../domain/cases/case.ts';
import { conversationIdOf } from '../../bot/engine/messages.ts';
import type { ChannelContext } from '../channel-adapter.ts';
import { BOT_API_DOWNLOAD_LIMIT, FileTooLarge, downloadFile } from './files.ts';
import type { TelegramSettings } from './settings.ts';
import type { CustomerAct } from './updates.ts';

/** What became of a file the customer sent, and what to tell them when it was refused. */
export type FileOutcome =
  | { stored: true; attachment: Attachment }
  | {
      stored: false;
      refusal: 'tooLarge' | 'typeNotAllowed' | 'failed';
      params: Record<string, string | number>;
    };

/**
 * A photo or document kept with the customer's report (R001-3): its declared size and type
 * checked before anything is downloaded, its bytes checked again as they come, then stored in
 * the database under Telegram's `file_unique_id` (the same file sent twice is kept once).
 */
export async function attachmentOf(
  telegram: Telegram,
  settings: TelegramSettings,
  context: Pick<ChannelContext, 'attachments' | 'clock' | 'logger'>,
  act: Extract<CustomerAct, { kind: 'file' }>,
): Promise<FileOutcome> {
  const limits: AttachmentLimits = {
    ...DEFAULT_ATTACHMENT_LIMITS,
    maxBytes: Math.min(DEFAULT_ATTACHMENT_LIMITS.maxBytes, BOT_API_DOWNLOAD_LIMIT),
  };
  const params = { maxMb: Math.floor(limits.maxBytes / (1024 * 1024)) };
  const refusal = refusalOf(act.file.size, act.file.contentType, limits);
  if (refusal) return { stored: false, refusal, params };
  const conversationId = conversationIdOf('telegram', act.chatId);
  let file;
  try {
    file = await downloadFile(telegram, settings.apiRoot, settings.token, act.file, limits);
  } catch (error) {
    if (error instanceof FileTooLarge) return { stored: false, refusal: 'tooLarge', params };
    context.logger.error({ err: error, conversationId }, 'telegram: file download failed');
    return { stored: false, refusal: 'failed', params };
  }
  const outcome = await context.attachments.put(
    act.file.uniqueId,
    conversationId,
    file,
    context.clock.now(),
    limits,
  );
  return outcome.stored ? outcome : { stored: false, refusal: outcome.refusal, params };
}
