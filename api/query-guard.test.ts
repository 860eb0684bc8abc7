import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { aUser, anOrganisation } from '../test/api.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

// Hostile documents and inputs over both transports: each is refused with a stable code (HTTP 400),
// cheaply, and the API keeps answering.

interface Answer {
  status: number;
  errors: Array<{ message: string; extensions?: { code?: string } }>;
}

const aliasBomb = (aliases: number) =>
  `{ ${Array.from({ length: aliases }, (_, i) => `a${i}: station(identity:"X"){identity}`).join(' ')} }`;
const deepList = (levels: number) => `{ station(identity: ${'['.repeat(levels)}"X"${']'.repeat(levels)}) { identity } }`;
/** JSON text of an object nested `levels` deep, written out (JSON.stringify would overflow the stack). */
const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const setProfile = 'mutation($p: JSON!) { setChargingProfile(stationIdentity: "X", connectorId: 1, profile: $p) { status } }';

describe('limits on what a GraphQL request may ask', () => {
  let system: TestSystem;
  let token: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'], env: { NODE_ENV: 'development' } });
    const org = await anOrganisation(system);
    token = (await aUser(system, 'OPERATOR', org.organisationId)).token;
  });
  afterAll(() => system?.close());

  /** POSTs a JSON body written as text, so that variables too deep for JSON.stringify can be sent. */
  async function post(bodyText: string | ReadableStream<Uint8Array>): Promise<Answer> {
    const response = await fetch(`${system.apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: bodyText,
      ...(typeof bodyText === 'string' ? {} : { duplex: 'half' }),
    });
    const body = (await response.json()) as { errors?: Answer['errors'] };
    return { status: response.status, errors: body.errors ?? [] };
  }
  const overHttp = (query: string, variablesText = '{}') => post(`{"query":${JSON.stringify(query)},"variables":${variablesText}}`);

  /** Subscribes over graphql-ws with a raw frame; resolves to the first error or result frame's errors. */
  async function overSocket(query: string, variablesText = '{}'): Promise<Answer> {
    const ws = new WebSocket(`${system.apiUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const frames: Array<{ type: string; payload?: unknown }> = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await until(() => frames.some((f) => f.type === 'connection_ack'));
    ws.send(`{"type":"subscribe","id":"1","payload":{"query":${JSON.stringify(query)},"variables":${variablesText}}}`);
    await until(() => frames.some((f) => f.type === 'error' || f.type === 'next') || ws.readyState !== WebSocket.OPEN);
    ws.close();
    const frame = frames.find((f) => f.type === 'error' || f.type === 'next');
    const payload = frame?.type === 'error' ? frame.payload : (frame?.payload as { errors?: unknown })?.errors;
    return { status: 0, errors: (payload ?? [{ message: `socket closed: ${ws.readyState}` }]) as Answer['errors'] };
  }

  const both = [
    ['over HTTP', overHttp],
    ['over graphql-ws', overSocket],
  ] as const;
  for (const [transport, send] of both) {
    describe(transport, () => {
      const refused = async (query: string, code: string, variablesText?: string) => {
        const answer = await send(query, variablesText);
        expect(answer.errors[0]?.extensions?.code, answer.errors[0]?.message).toBe(code);
        if (transport === 'over HTTP') expect(answer.status).toBe(400);
        return answer.errors[0]?.message ?? '';
      };

      it('refuses a document over 64 KB before parsing it (the 420 KB alias bomb)', async () => {
        expect(await refused(aliasBomb(10_000), 'QUERY_TOO_LARGE')).toContain('65536 bytes');
      });

      it('refuses a document of more than 5,000 tokens', async () => {
        const many = `{ station(identity: "X") { ${'identity '.repeat(5001)}} }`;
        expect(await refused(many, 'QUERY_TOO_LARGE')).toContain('5000 tokens');
      });

      it('refuses more than 50 aliases before validating them', async () => {
        const aliases = Array.from({ length: 51 }, (_, i) => `a${i}: identity`).join(' ');
        await refused(`{ station(identity: "X") { ${aliases} } }`, 'TOO_MANY_ALIASES');
      });

      it('refuses more than 20 root fields', async () => {
        await refused(aliasBomb(21), 'QUERY_TOO_COMPLEX');
      });

      it('refuses more than 1,000 field selections', async () => {
        await refused(`{ station(identity: "X") { ${'identity '.repeat(1001)}} }`, 'QUERY_TOO_COMPLEX');
      });

      it('counts a page size given in a variable in the cost', async () => {
        const query = 'query($n: Int) { stations(first: $n) { nodes { connectors { connectorId status errorCode } } } }';
        expect(await refused(query, 'QUERY_TOO_COMPLEX', '{"n":1000}')).toMatch(/^query cost \d+ exceeds the limit of 20000/);
      });

      it("counts the cost a field declares (a session's meter series is a warehouse query each)", async () => {
        const query = 'query($n: Int) { sessions(first: $n) { nodes { meterValues { value } } } }';
        expect(await refused(query, 'QUERY_TOO_COMPLEX', '{"n":400}')).toMatch(/^query cost \d+ exceeds the limit of 20000/);
      });

      it('refuses a query nested deeper than 10 levels of fields', async () => {
        const deep = `{ ${'station(identity: "X") { site { stations { nodes { '.repeat(3)}identity${' } } } }'.repeat(3)} }`;
        expect(await refused(deep, 'QUERY_TOO_COMPLEX')).toMatch(/deeper than 10 levels|depth \d+ exceeds/);
      });

      it('lets a dashboard query with a page size in a variable through', async () => {
        const query = 'query($n: Int) { stations(first: $n) { nodes { identity connectors { connectorId status } } } }';
        const answer = await send(query, '{"n":50}');
        expect(answer.errors.map((e) => e.extensions?.code).filter((c) => c?.startsWith('QUERY_'))).toEqual([]);
      });

      it('refuses a NUL in a string literal, naming the argument', async () => {
        const query = '{ stations(filter: { search: "a\\u0000b" }) { totalCount } }';
        expect(await refused(query, 'BAD_USER_INPUT')).toBe('filter.search: contains a NUL character (U+0000)');
      });

      it('refuses a NUL or a lone surrogate in a variable, naming the variable', async () => {
        const query = 'query($f: StationFilter) { stations(filter: $f) { totalCount } }';
        expect(await refused(query, 'BAD_USER_INPUT', '{"f":{"search":"a\\u0000b"}}')).toBe('$f.search: contains a NUL character (U+0000)');
        expect(await refused(query, 'BAD_USER_INPUT', '{"f":{"search":"a\\ud800b"}}')).toMatch(/^\$f\.search: contains a lone surrogate/);
      });

      it('refuses a list literal nested 10,000 deep without overflowing the parser', async () => {
        expect(await refused(deepList(10_000), 'QUERY_TOO_COMPLEX')).toContain('nests brackets deeper than 64 levels');
      });

      it('refuses a list literal nested deeper than 32 levels', async () => {
        expect(await refused(deepList(40), 'BAD_USER_INPUT')).toBe('identity: nests deeper than 32 levels');
      });

      it('refuses a JSON variable nested 100,000 deep', async () => {
        expect(await refused(setProfile, 'BAD_USER_INPUT', `{"p":${deepJson(100_000)}}`)).toBe(
          '$p.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a: nests deeper than 32 levels'.replace(
            /(\.a){32}/,
            `${'.a'.repeat(32)}`,
          ),
        );
      });
    });
  }

  it('still answers after all of that', async () => {
    const answer = await overHttp('{ stations(first: 1) { totalCount } }');
    expect(answer).toEqual({ status: 200, errors: [] });
  });

  const tooLarge = {
    status: 413,
    errors: [{ message: 'the request body is larger than the limit of 1000000 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
  };
  const twoMegabytes = JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(2_000_000) } });

  it('answers a body of 1 MB or more with 413 and a GraphQL error, not a reset', async () => {
    expect(await post(twoMegabytes)).toEqual(tooLarge);
  });

  it('answers 413 too when the body comes in chunks, with no Content-Length to go by', async () => {
    const bytes = new TextEncoder().encode(twoMegabytes);
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024));
        controller.close();
      },
    });
    expect(await post(chunks)).toEqual(tooLarge);
  });
});

async function until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error('no answer within 10 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
