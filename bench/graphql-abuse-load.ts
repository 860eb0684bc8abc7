// The attackers of bench/graphql-abuse.ts, in their own process so that their work does not delay the
// charger's measurement: CLIENTS loops, each sending the hostile requests in turn until SECONDS pass.
const apiUrl = process.env.API_URL as string;
const token = process.env.TOKEN as string;
const seconds = Number(process.env.SECONDS ?? 10);
const clients = Number(process.env.CLIENTS ?? 3);

const aliasBomb = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: station(identity:"X"){identity}`).join(' ')} }`;
const smallBomb = `{ station(identity:"X") { ${Array.from({ length: 1500 }, (_, i) => `a${i}: identity`).join(' ')} } }`;
const deepList = `{ station(identity: ${'['.repeat(10_000)}"X"${']'.repeat(10_000)}) { identity } }`;
const deepJson = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
const bodies = [
  JSON.stringify({ query: aliasBomb }), // 420 KB, over the byte limit
  JSON.stringify({ query: smallBomb }), // under 64 KB: refused for its aliases, after parsing
  JSON.stringify({ query: deepList }),
  `{"query":"mutation($p: JSON!) { setChargingProfile(stationIdentity: \\"X\\", connectorId: 1, profile: $p) { status } }","variables":{"p":${deepJson}}}`,
  JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(2_000_000) } }), // oversize body
];

const statuses = new Map<number, number>();
const failures = new Map<string, number>();
async function attacker(start: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  for (let i = start; Date.now() < until; i++) {
    try {
      const response = await fetch(`${apiUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: bodies[i % bodies.length],
      });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    } catch (error) {
      const reason = String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
      failures.set(reason, (failures.get(reason) ?? 0) + 1);
    }
  }
}

await Promise.all(Array.from({ length: clients }, (_, i) => attacker(i)));
process.send?.({ type: 'done', statuses: Object.fromEntries(statuses), failures: Object.fromEntries(failures) });
