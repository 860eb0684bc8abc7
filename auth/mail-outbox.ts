import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../database/orm.js';
import { EmailOutbox } from '../schema/entities/index.js';
import type { Logger } from '../platform/logger.js';
import { type MailTemplate, renderMail, withoutSecrets } from './mail-templates.js';
import type { MailTransport } from './mail-transport.js';

/** Writes a mail into the outbox in the caller's unit of work: it is sent only if that work commits. */
export function queueMail(em: EntityManager, to: string, template: MailTemplate, data: Record<string, string>): EmailOutbox {
  return em.create(EmailOutbox, { to, template, data });
}

export interface MailServiceOptions {
  /** Give up on a mail after this many attempts (default 8). */
  maxAttempts?: number;
  /** After n failed attempts, the next waits until retryBaseSeconds * (2^n - 1) after the mail was written (default 30: 0, 30 s, 90 s, 3.5 min, ...). */
  retryBaseSeconds?: number;
  /** Mails per batch (default 20). */
  batchSize?: number;
}

interface OutboxRow {
  id: string;
  to: string;
  template: string;
  data: Record<string, string>;
  attempts: number;
}

/**
 * Sends the outbox through the transport. Rows are claimed with `for update skip locked`, so several
 * worker nodes never send the same mail twice at once; a mail is sent at least once (if the commit
 * after sending fails, it goes again). After sending, the row keeps when it went but not its secrets.
 */
export class MailService {
  constructor(
    private readonly deps: { orm: Orm; transport: MailTransport; log: Logger },
    private readonly options: MailServiceOptions = {},
  ) {}

  get transport(): MailTransport {
    return this.deps.transport;
  }

  /** Sends one batch of due mails; returns how many went and how many failed. */
  async sendPending(): Promise<{ sent: number; failed: number }> {
    const maxAttempts = this.options.maxAttempts ?? 8;
    const base = this.options.retryBaseSeconds ?? 30;
    return this.deps.orm.em.fork().transactional(async (em) => {
      const rows = await em.execute<OutboxRow[]>(
        `select id, "to", template, data, attempts from email_outbox
         where sent_at is null and attempts < ? and created_at + make_interval(secs => ? * (power(2, attempts) - 1)) <= now()
         order by id limit ? for update skip locked`,
        [maxAttempts, base, this.options.batchSize ?? 20],
      );
      let sent = 0;
      let failed = 0;
      for (const row of rows) {
        try {
          const { subject, text } = renderMail(row.template, row.data);
          await this.deps.transport.send(row.to, subject, text);
          await em.execute('update email_outbox set sent_at = now(), attempts = attempts + 1, last_error = null, data = ? where id = ?', [
            JSON.stringify(withoutSecrets(row.data)),
            row.id,
          ]);
          sent++;
        } catch (error) {
          const message = (error as Error).message?.slice(0, 1000) || 'unknown error';
          await em.execute('update email_outbox set attempts = attempts + 1, last_error = ? where id = ?', [message, row.id]);
          const final = row.attempts + 1 >= maxAttempts;
          this.deps.log[final ? 'error' : 'warn'](
            { mail: row.id, template: row.template, attempt: row.attempts + 1, err: message },
            final ? 'mail: giving up after the last attempt' : 'mail: sending failed; will retry',
          );
          failed++;
        }
      }
      return { sent, failed };
    });
  }
}
