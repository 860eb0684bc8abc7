import type { Deps } from '../system/deps.js';

/**
 * Sends the mail outbox: every `intervalMs`, one batch after another until none is due. Several nodes
 * may run it (rows are claimed with skip locked). With the outbox-only transport it does not run: an
 * external relay reads email_outbox.
 */
export async function startMailWorker(deps: Pick<Deps, 'mail' | 'log'>, options: { intervalMs?: number } = {}) {
  const { mail, log } = deps;
  if (mail.transport.name === 'outbox-only') {
    log.info('mail: outbox-only transport, mails stay in email_outbox for an external relay');
    return { async close() {} };
  }
  const intervalMs = options.intervalMs ?? 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const drain = async () => {
    try {
      for (;;) {
        const { sent, failed } = await mail.sendPending();
        if (sent + failed === 0 || stopped) break;
      }
    } catch (error) {
      log.error({ err: error }, 'mail: could not read the outbox');
    }
  };
  const tick = () => {
    running = drain().finally(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  tick();
  return {
    async close() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
