import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogTransport } from '../../auth/mail-transport.js';
import { aUser, anOrganisation } from '../../test/api.js';
import { aTagOf } from '../../test/api-data.js';
import { sessionRow, sql, startSession } from '../../test/builders.js';
import { anIdentity, connectCharger } from '../../test/chargers.js';
import { pdfText } from '../../test/pdf-text.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';
import { aTariff, anElement, energy } from '../pricing/test-builders.js';

// 300 RWF per kWh, VAT 18% included.
const tariff = aTariff({
  currency: 'RWF',
  pricesIncludeTax: true,
  taxes: [{ type: 'VAT', ratePercent: '18' }],
  elements: [anElement([energy('300')])],
});

describe('the receipt mail, from a billed session through the mail outbox to the PDF', () => {
  let system: TestSystem;
  let organisationId: string;
  let siteId: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api'] });
    ({ organisationId, siteId } = await anOrganisation(system, 'Kigali Charge'));
    await sql(
      system,
      `update organisation set legal_name = 'Kigali Charge Ltd', tax_id = '101234567', address = 'KG 7 Ave 12' || chr(10) || 'Kigali'
       where id = ?`,
      [organisationId],
    );
    await sql(system, `update site set time_zone = 'Africa/Kigali' where id = ?`, [siteId]);
    const { tariff: created } = await system.deps.tariffs.create(organisationId, 'Receipts', {
      definition: tariff,
      validFrom: new Date(0),
    });
    await system.deps.tariffs.assign({ tariffId: created.id });
  });
  afterAll(() => system?.close());

  /** A French-speaking driver with money in the wallet (or none), and their 12 kWh session, ended. */
  async function aBilledSession(options: { verified?: boolean; funded?: boolean } = {}) {
    const driver = await aUser(system, 'DRIVER');
    await sql(system, `update app_user set language = 'fr-RW', name = 'Aline', email_verified_at = ? where id = ?`, [
      options.verified === false ? null : new Date(),
      driver.id,
    ]);
    if (options.funded !== false) {
      await system.deps.ledger.creditWallet({
        organisationId,
        userId: driver.id,
        currency: 'RWF',
        amountMinor: 10_000,
        actor: null,
        reason: 'test',
        idempotencyKey: `receipt-${driver.id}`,
      });
    }
    const identity = anIdentity('RCPT');
    const { ocppPassword } = await system.deps.stations.create({ identity, siteId });
    const charger = await connectCharger(system, { identity, password: ocppPassword });
    const tag = await aTagOf(system, driver.id);
    const { transactionId } = await startSession(charger, { idTag: tag.value, meterStart: 10_000 });
    await charger.call('StopTransaction', { transactionId, meterStop: 22_000, timestamp: new Date().toISOString(), idTag: tag.value });
    await charger.close();
    const session = await sessionRow(system, transactionId);
    return { driver, sessionId: session.id };
  }

  const outboxTo = (to: string) =>
    sql<{ template: string; data: Record<string, string>; sent_at: Date | null }>(
      system,
      'select template, data, sent_at from email_outbox where "to" = ? order by id',
      [to],
    );
  const sentTo = (to: string) => (system.deps.mail.transport as LogTransport).sent.filter((m) => m.to === to);
  const openLink = async (link: string) => {
    const url = new URL(link);
    return fetch(`${system.apiUrl}${url.pathname}${url.search}`);
  };

  it('mails the driver who pays, once, in their language, a signed link that opens the PDF without signing in', async () => {
    const { driver, sessionId } = await aBilledSession();
    const outcome = await system.deps.billing.bill(sessionId);
    expect(outcome).toMatchObject({ kind: 'billed', paid: true });
    await system.deps.billing.bill(sessionId);
    const invoice = outcome.kind === 'billed' ? outcome.invoice : null;
    const queued = await outboxTo(driver.email);
    expect(queued).toEqual([
      {
        template: 'receipt',
        sent_at: null,
        data: expect.objectContaining({ language: 'fr', kind: 'invoice', number: invoice?.number, total: '3\u00a0600\u00a0RWF' }),
      },
    ]);
    expect(queued[0]?.data.link).toMatch(new RegExp(`/receipts/${invoice?.id}\\.pdf\\?expires=\\d+&signature=[\\w-]+$`));

    expect(await system.deps.mail.sendPending()).toMatchObject({ sent: 1 });
    const [mail] = sentTo(driver.email);
    expect(mail?.subject).toBe(`Votre reçu ${invoice?.number}`);
    expect(mail?.text).toContain('Bonjour Aline,');
    const link = /https?:\/\/\S+/.exec(mail?.text ?? '')?.[0] as string;
    expect(link).toBe(queued[0]?.data.link);
    // Once sent, the outbox keeps the mail but not its link.
    const [sent] = await outboxTo(driver.email);
    expect(sent?.sent_at).not.toBeNull();
    expect(sent?.data.link).toBeUndefined();

    const response = await openLink(link);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const shown = pdfText(Buffer.from(await response.arrayBuffer())).join('\n');
    expect(shown).toContain(`Reçu ${invoice?.number}`);
    expect(shown).toContain('Kigali Charge Ltd');
    expect(shown).toContain('N° d’identification fiscale: 101234567');
    expect(shown).toContain('3\u00a0600\u00a0RWF');
  });

  it('mails a credit note too, whose link opens it', async () => {
    const { driver, sessionId } = await aBilledSession();
    const outcome = await system.deps.billing.bill(sessionId);
    const invoiceId = outcome.kind === 'billed' ? outcome.invoice.id : '';
    const note = await system.deps.creditNotes.issue({ invoiceId, reason: 'meter fault', amountMinor: 1180, actor: null });
    await system.deps.mail.sendPending();
    const mails = sentTo(driver.email);
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/^Votre reçu /), `Votre avoir ${note.number}`]);
    const link = /https?:\/\/\S+/.exec(mails[1]?.text ?? '')?.[0] as string;
    const shown = pdfText(Buffer.from(await (await openLink(link)).arrayBuffer())).join('\n');
    expect(shown).toContain(`Avoir ${note.number}`);
    expect(shown).toContain('meter fault');
  });

  it('mails no one whose address is not confirmed: it may be somebody else’s', async () => {
    const { driver, sessionId } = await aBilledSession({ verified: false, funded: false });
    expect(await system.deps.billing.bill(sessionId)).toMatchObject({ kind: 'billed', paid: false });
    expect(await outboxTo(driver.email)).toEqual([]);
  });
});
