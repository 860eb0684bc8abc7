import { randomBytes } from 'node:crypto';
import { FirmwareImage, Organisation } from '../schema/entities/index.js';
import type { TestSystem } from './system.js';

/** A firmware image row of an organisation (null: shared), with no bytes behind it: for lists and campaigns. */
export async function aFirmwareImageOf(system: TestSystem, organisationId: string | null, version = '9.9.9'): Promise<string> {
  const em = system.deps.orm.em.fork();
  const id = crypto.randomUUID();
  em.create(FirmwareImage, {
    id,
    organisation: organisationId ? em.getReference(Organisation, organisationId) : null,
    version,
    models: [],
    fileName: 'fw.bin',
    size: 0,
    sha256: randomBytes(32).toString('hex'),
    storageKey: `firmware/${id}/fw.bin`,
    uploadedBy: null,
    uploadedAt: new Date(),
  });
  await em.flush();
  return id;
}

/** A campaign of an organisation for one of its stations, scheduled far ahead so that nothing is sent. */
export async function aCampaignOf(system: TestSystem, organisationId: string, stationId: string): Promise<string> {
  const imageId = await aFirmwareImageOf(system, organisationId);
  const campaign = await system.deps.maintenance.campaigns.create({
    organisationId,
    imageId,
    name: 'test campaign',
    target: { stationIds: [stationId] },
    windowStart: new Date(Date.now() + 86_400_000),
    createdBy: null,
  });
  return campaign.id;
}
