import { createRequire } from 'node:module';
import type { Transporter } from 'nodemailer';
import type { Logger } from '../logger';
import { MailOutbox, type OutboxMail } from './outbox';
import type { Clock } from '../clock';

/** One plain-text letter. Codes and notices only: no HTML, nothing to render wrongly. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Where mail goes. Services depend on this interface only, so production (SMTP), the sandbox
 * (a local folder shown on the sandbox page) and tests (a real SMTP server) differ in `app.ts` alone.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Production: nodemailer over `SMTP_URL` (e.g. `smtps://user:pass@smtp.example.org`). */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    private readonly logger?: Logger,
  ) {
    // Loaded only when SMTP is configured: a process writing to the local outbox never needs it.
    const nodemailer = createRequire(import.meta.url)('nodemailer') as typeof import('nodemailer');
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(message: MailMessage): Promise<void> {
    const info = await this.transport.sendMail({ from: this.from, ...message });
    // The address is personal data: only the transport's id goes to the log.
    this.logger?.info({ messageId: info.messageId }, 'mail sent');
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * Sandbox and development: the letter is written to the local outbox folder instead, and
 * `onSent` lets the sandbox push a "mail" event to its page.
 */
export class OutboxMailer implements Mailer {
  constructor(
    private readonly outbox: MailOutbox,
    private readonly clock: Clock,
    private readonly onSent?: (mail: OutboxMail) => void,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const saved = await this.outbox.put(message, this.clock());
    this.onSent?.(saved);
  }
}

/** SMTP when configured, else the local outbox. */
export function createMailer(
  mail: { smtpUrl?: string; from: string; outboxDir: string },
  clock: Clock,
  logger?: Logger,
  onSent?: (mail: OutboxMail) => void,
): Mailer {
  if (mail.smtpUrl) return new SmtpMailer(mail.smtpUrl, mail.from, logger);
  return new OutboxMailer(new MailOutbox(mail.outboxDir), clock, onSent);
}
