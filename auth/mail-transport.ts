import type { Transporter } from 'nodemailer';
import type { Logger } from '../platform/logger.js';

/**
 * Where mail leaves the system. The mail worker hands each outbox row to one of these; a transport
 * throws when the mail was not accepted, and the row is retried.
 *
 * Shipped: `smtp` (nodemailer, when MAIL_SMTP_URL is set), `log` (development and test: the mail,
 * links included, is logged) and `outbox-only` (production without SMTP: the rows stay in
 * email_outbox for an external relay). Another transport (an HTTP API) implements `send`.
 */
export interface MailTransport {
  readonly name: string;
  send(to: string, subject: string, text: string): Promise<void>;
}

export interface SentMail {
  to: string;
  subject: string;
  text: string;
  at: Date;
}

export interface LogTransport extends MailTransport {
  /** The mails sent, when created with `record: true` (tests read tokens from here). */
  readonly sent: SentMail[];
}

/**
 * Logs each mail (its text, links included) at info level; with `record`, also keeps it in memory (the
 * newest `keep`, all by default): tests read tokens from there, development shows them at /dev/mail.
 */
export function logTransport(log: Logger, options: { record?: boolean; keep?: number } = {}): LogTransport {
  const sent: SentMail[] = [];
  return {
    name: 'log',
    sent,
    async send(to, subject, text) {
      log.info({ mail: { to, subject, text } }, `mail to ${to}: ${subject}`);
      if (options.record) sent.push({ to, subject, text, at: new Date() });
      if (sent.length > (options.keep ?? Number.POSITIVE_INFINITY)) sent.shift();
    },
  };
}

/** Sends nothing: the mail worker does not run and the outbox rows wait for an external relay. */
export function outboxOnlyTransport(): MailTransport {
  return {
    name: 'outbox-only',
    async send() {
      throw new Error('the outbox-only transport sends nothing: an external relay reads email_outbox');
    },
  };
}

/**
 * SMTP through nodemailer, for MAIL_SMTP_URL (`smtp://user:pass@host:587`, `smtps://host:465`). nodemailer
 * is loaded with the first mail: every role builds the mail service, only the mail worker sends.
 */
export function smtpTransport(url: string, from: string): MailTransport {
  let transporter: Promise<Transporter> | null = null;
  return {
    name: 'smtp',
    async send(to, subject, text) {
      transporter ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(url));
      await (await transporter).sendMail({ from, to, subject, text });
    },
  };
}
