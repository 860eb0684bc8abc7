import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticsRequest } from '../schema/entities/index.js';
import { ftpUpload } from '../simulator/ftp-upload.js';
import { aStation, connectCharger, type TestCharger } from '../test/chargers.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';

/** A charger that answers GetDiagnostics/GetLog with a file name and remembers the location it was given. */
async function aDiagnosticsCharger(system: TestSystem) {
  const station = await aStation(system);
  const locations: string[] = [];
  const charger = await connectCharger(system, station, {
    handlers: {
      GetDiagnostics: (params) => {
        locations.push(String(params.location));
        return { fileName: 'diag.zip' };
      },
      GetLog: (params) => {
        locations.push(String((params.log as { remoteLocation: string }).remoteLocation));
        return { status: 'Accepted', filename: 'security.log' };
      },
    },
  });
  return { station, charger, locations };
}

const put = (url: string, body: Buffer, method = 'PUT') => fetch(url, { method, body });

describe('diagnostics uploads, end to end', () => {
  let system: TestSystem;
  const chargers: TestCharger[] = [];
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['ocpp', 'api'], env: { FTP_PORT: '0', DIAGNOSTICS_MAX_BYTES: '65536' } });
  });
  afterAll(async () => {
    for (const charger of chargers) {
      expect(charger.violations).toEqual([]);
      await charger.close();
    }
    await system?.close();
  });

  const request = async (transport: 'http' | 'ftp') => {
    const made = await aDiagnosticsCharger(system);
    chargers.push(made.charger);
    const row = await system.deps.maintenance.diagnostics.requestDiagnostics({
      station: { id: made.station.id, identity: made.station.identity },
      startTime: new Date(Date.now() - 3_600_000),
      requestedBy: 'test',
      transport,
    });
    return { ...made, row, location: made.locations[0] as string };
  };
  const download = async (id: string) => {
    const expires = new Date(Date.now() + 60_000);
    const link = `${system.apiUrl}/files/diagnostics-download/${id}?${system.deps.maintenance.links.sign('diagnostics', id, expires)}`;
    return fetch(link);
  };
  const stored = (id: string) => system.deps.orm.em.fork().findOneOrFail(DiagnosticsRequest, { id });

  it('takes a file PUT over HTTP byte for byte, and gives it back by signed link', async () => {
    const { charger, row, location } = await request('http');
    expect(row.state).toBe('accepted');
    expect(row.fileName).toBe('diag.zip');
    expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/diagnostics\/.+\/$/);
    await charger.call('DiagnosticsStatusNotification', { status: 'Uploading' });
    expect((await stored(row.id)).state).toBe('uploading');
    const file = randomBytes(40_000);
    expect((await put(`${location}diag.zip`, file)).status).toBe(201);
    await charger.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
    const after = await stored(row.id);
    expect(after).toMatchObject({ state: 'uploaded', size: file.length, fileName: 'diag.zip', stationStatus: 'Uploaded' });
    const back = await download(row.id);
    expect(back.status).toBe(200);
    expect(Buffer.from(await back.arrayBuffer()).equals(file)).toBe(true);
  });

  it('takes a multipart POST', async () => {
    const { row, location } = await request('http');
    const file = randomBytes(1000);
    const form = new FormData();
    form.append('note', 'x');
    form.append('file', new Blob([file]), 'charger-logs.tar.gz');
    expect((await fetch(location, { method: 'POST', body: form })).status).toBe(201);
    const after = await stored(row.id);
    expect(after).toMatchObject({ state: 'uploaded', fileName: 'charger-logs.tar.gz', size: 1000 });
    expect(Buffer.from(await (await download(row.id)).arrayBuffer()).equals(file)).toBe(true);
  });

  it('takes a file over FTP (passive, the token as the user) byte for byte', async () => {
    const { row, location } = await request('ftp');
    expect(location).toMatch(/^ftp:\/\/[A-Za-z0-9_-]+:upload@127\.0\.0\.1:\d+\/.+\/$/);
    const file = randomBytes(50_000);
    expect(await ftpUpload(location, 'diag.zip', file)).toMatch(/^226/);
    const after = await stored(row.id);
    expect(after).toMatchObject({ state: 'uploaded', size: file.length });
    expect(Buffer.from(await (await download(row.id)).arrayBuffer()).equals(file)).toBe(true);
  });

  it('refuses a token used twice, a wrong one, one for another station, and an expired one; nothing stored', async () => {
    const { row, location, station } = await request('http');
    expect((await put(`${location}a.zip`, Buffer.from('first'))).status).toBe(201);
    const again = await put(`${location}b.zip`, Buffer.from('second'));
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('used already');
    expect((await stored(row.id)).size).toBe(5);

    const wrong = location.replace(/\/[A-Za-z0-9_-]+\/$/, `/${'x'.repeat(32)}/`);
    expect((await put(`${wrong}c.zip`, Buffer.from('x'))).status).toBe(401);

    const other = await request('http');
    const crossed = other.location.replace(encodeURIComponent(other.station.identity), encodeURIComponent(station.identity));
    expect((await put(`${crossed}d.zip`, Buffer.from('x'))).status).toBe(403);
    expect((await stored(other.row.id)).state).toBe('accepted');

    const late = await request('http');
    await system.deps.orm.em.fork().nativeUpdate(DiagnosticsRequest, { id: late.row.id }, { deadline: new Date(Date.now() - 1000) });
    const expired = await put(`${late.location}e.zip`, Buffer.from('x'));
    expect(expired.status).toBe(410);
    expect(await system.deps.maintenance.diagnostics.sweep()).toMatchObject({ failed: 1 });
    expect(await stored(late.row.id)).toMatchObject({ state: 'failed', reason: 'no file arrived by the deadline', storageKey: null });

    await expect(
      ftpUpload(`ftp://${'y'.repeat(32)}:upload@127.0.0.1:${system.api?.ftpPort}/${station.identity}/`, 'f.zip', Buffer.from('x')),
    ).rejects.toThrow(/FTP: 5\d\d/);
  });

  it('refuses an oversized upload over HTTP and FTP, leaving nothing half-written', async () => {
    const http = await request('http');
    const big = randomBytes(70_000);
    expect((await put(`${http.location}big.zip`, big)).status).toBe(413);
    expect(await stored(http.row.id)).toMatchObject({ state: 'failed', storageKey: null });
    const ftp = await request('ftp');
    await expect(ftpUpload(ftp.location, 'big.zip', big)).rejects.toThrow(/FTP: 5\d\d/);
    await eventually(async () => (await stored(ftp.row.id)).state === 'failed');
    for (const id of [http.row.id, ftp.row.id]) {
      const dir = join(system.config.DATA_DIR, 'files', 'diagnostics', id);
      expect(await readdir(dir).catch(() => [])).toEqual([]);
    }
  });

  it('sends GetLog to the same upload path and follows LogStatusNotification', async () => {
    const made = await aDiagnosticsCharger(system);
    chargers.push(made.charger);
    const row = await system.deps.maintenance.diagnostics.requestLog({
      station: { id: made.station.id, identity: made.station.identity },
      requestedBy: 'test',
      logType: 'SecurityLog',
      transport: 'http',
    });
    expect(row).toMatchObject({ state: 'accepted', fileName: 'security.log', kind: 'SecurityLog' });
    await made.charger.call('LogStatusNotification', { status: 'Uploading', requestId: row.logRequestId });
    expect((await stored(row.id)).state).toBe('uploading');
    expect((await put(`${made.locations[0]}security.log`, Buffer.from('log lines'))).status).toBe(201);
    await made.charger.call('LogStatusNotification', { status: 'Uploaded', requestId: row.logRequestId });
    expect(await stored(row.id)).toMatchObject({ state: 'uploaded', stationStatus: 'Uploaded', size: 9 });
  });

  it('marks a request failed when the station reports UploadFailed', async () => {
    const { charger, row } = await request('http');
    await charger.call('DiagnosticsStatusNotification', { status: 'UploadFailed' });
    expect(await stored(row.id)).toMatchObject({ state: 'failed', reason: 'the station reported UploadFailed' });
  });
});
