/** E-mail: the `Mailer` port, the durable outbox, and when a mail is (re)sent. */
export {
  MAIL_KINDS,
  MailDeliveryFailed,
  isIntent,
  type MailIntent,
  type MailKind,
  type Mailer,
  type OutgoingMail,
  type PendingMail,
} from './mail.ts';
export { MailOutbox, type KeptMails, type MailOutcome } from './mail-outbox.ts';
export {
  DELIVERY_RULES,
  planDelivery,
  type AttemptRecord,
  type DeliveryRules,
  type DeliveryStep,
} from './delivery-plan.ts';
