import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser, gql } from '../test/api.js';
import { startTestSystem, type TestSystem } from '../test/system.js';

// The API's side of faults, session distributions and California's uptime: answers, and bad arguments named.

describe('faults, sessionDistribution and uptime(rule) in the API', () => {
  let system: TestSystem;
  let operator: string;
  let siteId: string;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
    const org = await anOrganisation(system);
    siteId = org.siteId;
    operator = (await aUser(system, 'OPERATOR', org.organisationId)).token;
  });
  afterAll(() => system?.close());

  const ask = (query: string) => gql<Record<string, unknown>>(system, query, { site: siteId }, operator);
  const refusal = (result: Awaited<ReturnType<typeof ask>>) => {
    const error = result.errors?.[0] as { message: string; extensions?: { code?: string; field?: string } } | undefined;
    return [error?.extensions?.code, error?.extensions?.field, error?.message];
  };

  it('answers an operator about their site, empty when nothing happened', async () => {
    const result = await ask(`query($site: String) {
      faults(siteId: $site, from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z") { errorCode }
      sessionDistribution(siteId: $site, from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z") { energy { from } duration { from } }
      uptime(siteId: $site, rule: CALIFORNIA) { connectorId }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ faults: [], sessionDistribution: { energy: [], duration: [] }, uptime: [] });
  });

  it('refuses bad ranges and steps as BAD_USER_INPUT naming the argument', async () => {
    expect(
      refusal(
        await ask('query($site: String) { faults(siteId: $site, from: "2026-07-01T00:00:00Z", to: "2026-06-01T00:00:00Z") { errorCode } }'),
      ),
    ).toEqual(['BAD_USER_INPUT', 'to', 'to: must be after from']);
    expect(
      refusal(
        await ask('query($site: String) { faults(siteId: $site, from: "2020-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { errorCode } }'),
      ),
    ).toEqual(['BAD_USER_INPUT', 'to', 'to: at most 732 days after from']);
    expect(
      refusal(
        await ask(
          'query($site: String) { sessionDistribution(siteId: $site, from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z", energyStepWh: 10) { energy { from } } }',
        ),
      ),
    ).toEqual(['BAD_USER_INPUT', 'energyStepWh', 'energyStepWh: expected 100 to 1000000']);
  });
});
