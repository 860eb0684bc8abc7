import type { EntityManager } from '@mikro-orm/postgresql';
import type { CampaignTarget } from '../schema/entities/index.js';

/** The active stations of an organisation a campaign target names: the explicit ones, or those matching every filter. */
export async function targetStations(em: EntityManager, organisationId: string, target: CampaignTarget): Promise<string[]> {
  const where = ['organisation_id = ?', 'retired_at is null'];
  const params: unknown[] = [organisationId];
  if (target.stationIds) {
    where.push('id = any(?::uuid[])');
    params.push(`{${target.stationIds.join(',')}}`);
  }
  for (const [column, value] of [
    ['site_id', target.siteId],
    ['model', target.model],
    ['firmware_version', target.firmwareVersion],
  ] as const) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  const rows = await em
    .getConnection()
    .execute<{ id: string }[]>(`select id from station where ${where.join(' and ')} order by identity`, params);
  return rows.map((row) => row.id);
}
