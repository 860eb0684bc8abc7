import type { Deps } from '../../system/deps.js';
import type { Logger } from '../../platform/logger.js';
import type { V16ChargerAction, V16Messages } from '../generated/v16.js';
import { type OcppVersion, ocppError } from '../rpc/errors.js';
import type { StationConnection } from '../station-connection.js';

/** What a handler may use: the domain services, never the WebSocket server. */
export type OcppDeps = Pick<
  Deps,
  | 'config'
  | 'stations'
  | 'sessions'
  | 'authorization'
  | 'anomalies'
  | 'telemetry'
  | 'events'
  | 'metrics'
  | 'nodeId'
  | 'tariffs'
  | 'maintenance'
> & {
  /** DataTransfer routes by vendorId (and optionally messageId). */
  vendors: VendorRoutes;
};

/**
 * Each version's messages, as generated from its schemas (ocpp/generated/), and the actions its chargers send.
 * A version's handler folder (ocpp/handlers/v16/, later v201/) compiles against its own entry here, so a
 * 2.0.1 handler slots in by adding `'ocpp2.0.1': { messages: V201Messages; chargerAction: V201ChargerAction }`.
 */
export interface Protocols {
  'ocpp1.6': { messages: V16Messages; chargerAction: V16ChargerAction };
}

/** A version that has handlers typed for it. */
export type HandledVersion = keyof Protocols & OcppVersion;
export type ChargerAction<V extends HandledVersion> = Protocols[V]['chargerAction'];
export type HandlerRequest<V extends HandledVersion, A extends ChargerAction<V>> = Protocols[V]['messages'][A]['request'];
export type HandlerResponse<V extends HandledVersion, A extends ChargerAction<V>> = Protocols[V]['messages'][A]['response'];

export interface HandlerContext<V extends HandledVersion, A extends ChargerAction<V>> {
  request: HandlerRequest<V, A>;
  station: StationConnection;
  deps: OcppDeps;
  log: Logger;
  /** When the frame arrived. */
  receivedAt: Date;
}

/** The handler of one (version, action): its request and its response are that version's types for that action. */
export interface Handler<V extends HandledVersion = HandledVersion, A extends ChargerAction<V> = ChargerAction<V>> {
  version: V;
  action: A;
  /** Actions a station that is not (yet) Accepted may send; others are refused while Pending or Rejected. */
  allowedBeforeAcceptance?: boolean;
  handle(context: HandlerContext<V, A>): Promise<HandlerResponse<V, A>> | HandlerResponse<V, A>;
}

/**
 * Refuses a connectorId out of range (PropertyConstraintViolation): below `min` (0 is the station itself)
 * or above 65535, the largest the warehouse stores. The schemas only say "integer".
 */
export function checkConnectorId(connectorId: number, min: 0 | 1 = 0): void {
  if (connectorId < min || connectorId > 65_535) {
    throw ocppError('PropertyConstraintViolation', `connectorId: must be from ${min} to 65535 (got ${connectorId})`);
  }
}

/** Declares the handler of one (version, action); the file that calls it is the whole registration. */
export function defineHandler<V extends HandledVersion, A extends ChargerAction<V>>(handler: Handler<V, A>): Handler<V, A> {
  return handler;
}

export type VendorHandler = (
  request: V16Messages['DataTransfer']['request'],
  context: { station: StationConnection; deps: OcppDeps },
) => Promise<V16Messages['DataTransfer']['response']> | V16Messages['DataTransfer']['response'];

/**
 * Vendor-specific DataTransfer: register a handler for a vendorId (and optionally one messageId). Both are
 * matched case-insensitively, as OCPP 1.6 types them (CiString255, CiString50).
 */
export class VendorRoutes {
  private readonly routes = new Map<string, VendorHandler>();

  private static key(vendorId: string, messageId?: string): string {
    return messageId === undefined ? vendorId.toLowerCase() : `${vendorId.toLowerCase()}\0${messageId.toLowerCase()}`;
  }

  register(vendorId: string, handler: VendorHandler, messageId?: string): void {
    this.routes.set(VendorRoutes.key(vendorId, messageId), handler);
  }

  find(vendorId: string, messageId: string | undefined): VendorHandler | undefined {
    return (
      (messageId !== undefined ? this.routes.get(VendorRoutes.key(vendorId, messageId)) : undefined) ??
      this.routes.get(VendorRoutes.key(vendorId))
    );
  }

  hasVendor(vendorId: string): boolean {
    const vendor = VendorRoutes.key(vendorId);
    for (const key of this.routes.keys()) if (key === vendor || key.startsWith(`${vendor}\0`)) return true;
    return false;
  }
}
