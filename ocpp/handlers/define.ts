import type { Deps } from '../../system/deps.js';
import type { Logger } from '../../platform/logger.js';
import type { V16ChargerAction, V16Messages } from '../generated/v16.js';
import { type OcppVersion, ocppError } from '../rpc/errors.js';
import type { StationConnection } from '../station-connection.js';

/** What a handler may use: the domain services, never the WebSocket server. */
export type OcppDeps = Pick<
  Deps,
  'config' | 'stations' | 'sessions' | 'authorization' | 'anomalies' | 'telemetry' | 'events' | 'metrics' | 'nodeId'
> & {
  /** DataTransfer routes by vendorId (and optionally messageId). */
  vendors: VendorRoutes;
};

export interface HandlerContext<A extends V16ChargerAction> {
  request: V16Messages[A]['request'];
  station: StationConnection;
  deps: OcppDeps;
  log: Logger;
  /** When the frame arrived. */
  receivedAt: Date;
}

export interface Handler<A extends V16ChargerAction = V16ChargerAction> {
  version: OcppVersion;
  action: A;
  /** Actions a station that is not (yet) Accepted may send; others are refused while Pending or Rejected. */
  allowedBeforeAcceptance?: boolean;
  handle(context: HandlerContext<A>): Promise<V16Messages[A]['response']> | V16Messages[A]['response'];
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
export function defineHandler<A extends V16ChargerAction>(handler: Handler<A>): Handler<A> {
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
