import { loadHandlers } from './handlers/load.js';
import type { OcppVersion } from './rpc/errors.js';
import { validatorFor } from './rpc/validator.js';

type Handlers = Awaited<ReturnType<typeof loadHandlers>>;

/** The OCPP versions the gateway speaks: those with at least one handler, their schemas compiled once. */
export interface Protocols {
  versions: OcppVersion[];
  handlers: Map<OcppVersion, Handlers>;
  /** Per version, one function every connection of that version shares. */
  handles: Map<OcppVersion, (action: string) => boolean>;
}

export async function loadProtocols(): Promise<Protocols> {
  const protocols: Protocols = { versions: [], handlers: new Map(), handles: new Map() };
  for (const version of ['ocpp1.6', 'ocpp2.0.1'] as const) {
    const loaded = await loadHandlers(version);
    if (loaded.size > 0) {
      protocols.versions.push(version);
      protocols.handlers.set(version, loaded);
      protocols.handles.set(version, (action) => loaded.has(action));
      validatorFor(version);
    }
  }
  return protocols;
}
