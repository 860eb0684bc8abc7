/**
 * A connector's status in words that do not depend on the protocol version: what 2.0.1's ConnectorStatusEnum
 * says, plus Unknown. The status as the station sent it is kept beside it (`ocppStatus`).
 */
export const connectorStatuses = ['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted', 'Unknown'] as const;
export type ConnectorStatus = (typeof connectorStatuses)[number];

/** OCPP 1.6 ChargePointStatus → the neutral status: Preparing to Finishing is a connector in use (Occupied). */
const fromV16: Record<string, ConnectorStatus> = {
  Available: 'Available',
  Preparing: 'Occupied',
  Charging: 'Occupied',
  SuspendedEV: 'Occupied',
  SuspendedEVSE: 'Occupied',
  Finishing: 'Occupied',
  Reserved: 'Reserved',
  Unavailable: 'Unavailable',
  Faulted: 'Faulted',
};

/** The neutral status of a 1.6 ChargePointStatus; Unknown for a value 1.6 does not define. */
export function connectorStatusOf16(ocppStatus: string): ConnectorStatus {
  return Object.hasOwn(fromV16, ocppStatus) ? (fromV16[ocppStatus] as ConnectorStatus) : 'Unknown';
}
