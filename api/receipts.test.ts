import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPricedSession } from '../billing/receipts/test-builders.js';
import { aPartnerKey, aUser, errorCode, gql } from '../test/api.js';
import { aSession, aStationAt, aTagOf, twoOrganisations } from '../test/api-data.js';
import { pdfText } from '../test/pdf-text.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

describe('receipts over HTTP: GET /receipts/<invoice id>.html and .pdf', () => {
  let system: TestSystem;
  let invoiceId: string;
  let orgA: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    const world = await twoOrganisations(system, ['Receipts A', 'Receipts B']);
    Object.assign(tokens, world.tokens);
    orgA = world.orgA.organisationId;
    tokens.otherDriver = (await aUser(system, 'DRIVER')).token;
    tokens.partnerA = await aPartnerKey(system, orgA, ['billing:read']);
    tokens.partnerANoScope = await aPartnerKey(system, orgA, ['stations:read']);
    tokens.partnerB = await aPartnerKey(system, world.orgB.organisationId, ['billing:read']);
    const station = await aStationAt(system, world.orgA.siteId, `RCPT-${randomUUID().slice(0, 8)}`);
    const tag = await aTagOf(system, world.users.driver.id);
    const session = await aSession(system, station, tag, { stop: { meterStopWh: 13_345 } });
    const sql = system.deps.orm.em.fork().getConnection();
    await sql.execute(`update app_user set language = 'fr', name = 'Aline' where id = ?`, [world.users.driver.id]);
    const [row] = await sql.execute<{ id: string }[]>(
      `insert into invoice (id, organisation_id, number, kind, session_id, payer_user_id, currency, excl_tax_minor, tax_minor,
         incl_tax_minor, priced, status, issued_at, due_at, paid_at)
       values (gen_random_uuid(), ?, 'RCPTA-2026-000001', 'invoice', ?, ?, 'RWF', 3308, 596, 3904, ?::jsonb, 'paid',
         '2026-12-03T11:06:00Z', '2026-12-17T11:06:00Z', '2026-12-03T11:06:00Z') returning id`,
      [orgA, session.id, world.users.driver.id, JSON.stringify(aPricedSession())],
    );
    invoiceId = row?.id as string;
  });
  afterAll(() => system?.close());

  const get = (path: string, credential?: string, init: RequestInit = {}) =>
    fetch(`${system.apiUrl}${path}`, {
      ...init,
      headers: { ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...(init.headers as Record<string, string>) },
    });

  it.each(['driver', 'operatorA', 'admin', 'partnerA'])('gives the PDF and the page to %s', async (who) => {
    const pdf = await get(`/receipts/${invoiceId}.pdf`, tokens[who]);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('cache-control')).toBe('private, no-store');
    expect(pdf.headers.get('content-disposition')).toBe('inline; filename="RCPTA-2026-000001.pdf"');
    const body = Buffer.from(await pdf.arrayBuffer());
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    const html = await get(`/receipts/${invoiceId}.html`, tokens[who]);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('writes it in the language of the driver who pays, unless ?lang= says otherwise', async () => {
    const french = await (await get(`/receipts/${invoiceId}.html`, tokens.operatorA)).text();
    expect(french).toContain('<html lang="fr">');
    expect(french).toContain('Reçu RCPTA-2026-000001');
    expect(french).toContain('<td>Aline</td>');
    const english = await (await get(`/receipts/${invoiceId}.html?lang=en`, tokens.operatorA)).text();
    expect(english).toContain('Receipt RCPTA-2026-000001');
    const pdf = Buffer.from(await (await get(`/receipts/${invoiceId}.pdf?lang=rw`, tokens.driver)).arrayBuffer());
    expect(pdfText(pdf).join('\n')).toContain('Inyemezabwishyu RCPTA-2026-000001');
  });

  it('answers HEAD with the headers alone', async () => {
    const head = await get(`/receipts/${invoiceId}.pdf`, tokens.driver, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(1000);
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('is 401 without a credential or with a bad one', async () => {
    for (const credential of [undefined, 'not-a-token', 'evk_not-a-key']) {
      const response = await get(`/receipts/${invoiceId}.pdf`, credential);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
        'UNAUTHENTICATED',
      );
    }
  });

  it.each(['otherDriver', 'operatorB', 'partnerB', 'partnerANoScope'])('is 403 to %s: not theirs', async (who) => {
    const response = await get(`/receipts/${invoiceId}.html`, tokens[who]);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('RCPTA');
  });

  it('is 404 for an invoice that does not exist, or an id that is no id', async () => {
    expect((await get(`/receipts/${randomUUID()}.pdf`, tokens.admin)).status).toBe(404);
    expect((await get('/receipts/nothing.pdf', tokens.admin)).status).toBe(404);
    // Another format, or a path below, is not a receipt: the API's plain 404.
    expect((await get(`/receipts/${invoiceId}.docx`, tokens.admin)).status).toBe(404);
  });

  it('is 405 for a method other than GET and HEAD, saying which are allowed', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await get(`/receipts/${invoiceId}.pdf`, tokens.driver, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  it('opens with a signed link without a credential until it expires; a forged or expired one is 401', async () => {
    const signed = new URL(system.deps.receipts.signedUrl(invoiceId, 'html', new Date(Date.now() + 60_000)));
    const page = await get(`${signed.pathname}${signed.search}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    // The page's link to the PDF carries the same signature, and opens too.
    const href = /<a href="([^"]+)">/.exec(html)?.[1]?.replaceAll('&amp;', '&') as string;
    expect(href).toBe(`${invoiceId}.pdf${signed.search}`);
    expect((await get(`/receipts/${href}`)).status).toBe(200);
    const expired = new URL(system.deps.receipts.signedUrl(invoiceId, 'pdf', new Date(Date.now() - 1000)));
    const late = await get(`${expired.pathname}${expired.search}`);
    expect(late.status).toBe(401);
    expect(await late.text()).toContain('expired');
    const forged = `${signed.pathname}${signed.search.replace(/expires=\d+/, 'expires=99999999999')}`;
    expect((await get(forged)).status).toBe(401);
    const another = await get(`/receipts/${randomUUID()}.pdf${signed.search}`);
    expect(another.status).toBe(401);
  });

  it('gives the receipt URL in the API: invoice(id) { receiptUrl }', async () => {
    const query = 'query($id: ID!) { invoice(id: $id) { pdf: receiptUrl html: receiptUrl(format: HTML) } }';
    const result = await gql<{ invoice: { pdf: string; html: string } }>(system, query, { id: invoiceId }, tokens.driver);
    const base = `http://${system.config.PUBLIC_HOST}:${system.config.API_PORT}`;
    expect(result.data?.invoice).toEqual({ pdf: `${base}/receipts/${invoiceId}.pdf`, html: `${base}/receipts/${invoiceId}.html` });
  });
});

describe("an operator's legal details, as its receipts print them", () => {
  let system: TestSystem;
  let world: Awaited<ReturnType<typeof twoOrganisations>>;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'], env: { API_URL: 'https://api.example.rw/evcms/' } });
    world = await twoOrganisations(system, ['Legal A', 'Legal B']);
  });
  afterAll(() => system?.close());

  const set = `mutation($org: ID!, $input: OperatorLegalDetailsInput!) {
    setOperatorLegalDetails(organisationId: $org, input: $input) { name legalDetails { legalName address taxId registrationNumber email phone } }
  }`;
  const input = {
    legalName: 'Legal A Ltd',
    address: 'KG 7 Ave 12\nKigali',
    taxId: '101234567',
    registrationNumber: 'RDB 2024/0042',
    email: 'billing@legal-a.rw',
    phone: '+250 788 000 000',
  };

  it('are set by an operator of the organisation, and read back', async () => {
    const org = world.orgA.organisationId;
    const before = await gql(system, `{ organisation(id: "${org}") { legalDetails { legalName } } }`, {}, world.tokens.operatorA);
    expect(before.data).toEqual({ organisation: { legalDetails: null } });
    const result = await gql(system, set, { org, input }, world.tokens.operatorA);
    expect(result.data).toEqual({ setOperatorLegalDetails: { name: 'Legal A', legalDetails: input } });
    const read = await gql(system, `{ organisation(id: "${org}") { legalDetails { taxId } } }`, {}, world.tokens.admin);
    expect(read.data).toEqual({ organisation: { legalDetails: { taxId: '101234567' } } });
  });

  it('are refused with the field named when one is wrong', async () => {
    const result = await gql(system, set, { org: world.orgA.organisationId, input: { ...input, email: 'nope' } }, world.tokens.operatorA);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toBe('email: expected an email address');
    expect((result.errors?.[0]?.extensions as { field?: string } | undefined)?.field).toBe('email');
  });

  it("are another organisation's business: not found for its operators, forbidden to drivers", async () => {
    expect(errorCode(await gql(system, set, { org: world.orgA.organisationId, input }, world.tokens.operatorB))).toBe('NOT_FOUND');
    expect(errorCode(await gql(system, set, { org: world.orgA.organisationId, input }, world.tokens.driver))).toBe('FORBIDDEN');
  });

  it('make receipt URLs start with API_URL', async () => {
    expect(system.deps.receipts.url('x', 'pdf')).toBe('https://api.example.rw/evcms/receipts/x.pdf');
  });
});
