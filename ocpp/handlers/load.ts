import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { OcppVersion } from '../rpc/errors.js';
import type { Handler } from './define.js';

const folders: Record<OcppVersion, string> = { 'ocpp1.6': 'v16', 'ocpp2.0.1': 'v201' };

/** Imports every handler file of a version's folder (tests excluded) and keys them by action. */
export async function loadHandlers(version: OcppVersion): Promise<Map<string, Handler>> {
  const folder = fileURLToPath(new URL(`./${folders[version]}/`, import.meta.url));
  const files = (() => {
    try {
      return readdirSync(folder).filter((f) => /\.(ts|js)$/.test(f) && !/\.(test|d)\.(ts|js)$/.test(f));
    } catch {
      return [];
    }
  })();
  const handlers = new Map<string, Handler>();
  for (const file of files.sort()) {
    const module = (await import(pathToFileURL(`${folder}${file}`).href)) as { default?: Handler };
    const handler = module.default;
    if (!handler?.action) throw new Error(`ocpp/handlers/${folders[version]}/${file} has no default defineHandler export`);
    if (handler.version !== version) throw new Error(`${file} declares ${handler.version}, but sits in the ${version} folder`);
    if (handlers.has(handler.action)) throw new Error(`two handlers for ${version} ${handler.action}`);
    handlers.set(handler.action, handler as Handler);
  }
  return handlers;
}
