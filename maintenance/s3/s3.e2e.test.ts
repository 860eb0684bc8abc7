import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrganisation, aUser } from '../../test/api.js';
import { FakeS3 } from '../../test/s3-server.js';
import { startTestSystem, type TestSystem } from '../../test/system.js';

// With S3_* set, maintenance files live in the bucket: a firmware image uploaded through the API is put there
// (under S3_PREFIX), and a station downloads it, by range too, through evcms's signed link; nothing is on local disk.

describe('maintenance files in an S3-compatible bucket', () => {
  let system: TestSystem;
  let s3: FakeS3;
  beforeAll(async () => {
    s3 = await FakeS3.start();
    system = await startTestSystem({ roles: ['api'], env: s3.env('evcms/') });
  });
  afterAll(async () => {
    await system?.close();
    await s3?.close();
  });

  it('puts an uploaded firmware image in the bucket and serves it from there, whole and by range', async () => {
    const org = await anOrganisation(system);
    const operator = await aUser(system, 'OPERATOR', org.organisationId);
    const image = randomBytes(40_000);
    const sha256 = createHash('sha256').update(image).digest('hex');
    const response = await fetch(
      `${system.apiUrl}/files/firmware?${new URLSearchParams({ version: '3.1.0', fileName: 'fw.bin', sha256 })}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'application/octet-stream' },
        body: image,
      },
    );
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    expect(s3.objects.get(`evcms/firmware/${id}/fw.bin`)?.equals(image)).toBe(true);
    expect(await readdir(join(system.config.DATA_DIR, 'files', 'firmware', id)).catch(() => [])).toEqual([]);

    const url = system.deps.maintenance.firmware.downloadUrl({ id, fileName: 'fw.bin' }, new Date(Date.now() + 60_000));
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(image)).toBe(true);
    const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/40000');
    expect(Buffer.from(await part.arrayBuffer()).equals(image.subarray(100, 200))).toBe(true);
  });
});
