/**
 * The gateway the simulator dials when no --url is given: this machine, on the port evcms listens on
 * (`OCPP_PORT`, as npm start reads it; 8180 when unset). Null when OCPP_PORT is not a port number.
 */
export function defaultGatewayUrl(env: Record<string, string | undefined> = process.env): string | null {
  const raw = env.OCPP_PORT?.trim() || '8180';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) return null;
  return `ws://127.0.0.1:${port}/ocpp`;
}
