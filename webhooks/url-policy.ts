import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses a webhook may not reach unless private targets are allowed: this host, private networks, link-local, multicast. */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** Whether `address` (an IP literal) is one a webhook may not reach; IPv4-mapped IPv6 is judged as its IPv4. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class WebhookUrlError extends Error {}

const localNames = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

/**
 * Checks a webhook URL when it is registered: absolute http(s), no credentials or fragment, at most 2,048
 * characters; HTTPS to a public host unless `allowPrivate` (development and tests). Returns it normalised.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): string {
  if (raw.length > 2048) throw new WebhookUrlError('expected at most 2,048 characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError('expected an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WebhookUrlError(`expected https, not ${url.protocol.slice(0, -1)}`);
  if (url.username || url.password) throw new WebhookUrlError('expected no user name or password in the URL (sign with the secret)');
  if (url.hash) throw new WebhookUrlError('expected no #fragment');
  if (allowPrivate) return url.toString();
  if (url.protocol !== 'https:') throw new WebhookUrlError('expected https');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) ? isPrivateAddress(host) : localNames.test(host) || !host.includes('.'))
    throw new WebhookUrlError(`expected a public host, not ${host}`);
  return url.toString();
}

/**
 * Checks, just before a delivery, that the host still resolves only to public addresses (a name can be
 * pointed at an internal address after it was registered). Throws WebhookUrlError when not.
 */
export async function checkWebhookTarget(url: string, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true });
  const inside = addresses.find((a) => isPrivateAddress(a.address));
  if (inside) throw new WebhookUrlError(`${host} resolves to ${inside.address}, a private address`);
}
