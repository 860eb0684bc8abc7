import { describe, expect, it } from 'vitest';
import { checkWebhookTarget, checkWebhookUrl, isPrivateAddress } from './url-policy.js';

describe('webhook URLs', () => {
  it.each([
    ['https://hooks.example.com/evcms', 'https://hooks.example.com/evcms'],
    ['https://93.184.216.34:8443/x?y=1', 'https://93.184.216.34:8443/x?y=1'],
  ])('accept %s', (raw, normalised) => {
    expect(checkWebhookUrl(raw, false)).toBe(normalised);
  });

  it.each([
    ['not a url', /absolute http\(s\) URL/],
    ['ftp://example.com/x', /expected https, not ftp/],
    ['http://hooks.example.com/x', /expected https/],
    ['https://user:pw@hooks.example.com/x', /no user name or password/],
    ['https://hooks.example.com/x#frag', /no #fragment/],
    ['https://localhost/x', /public host, not localhost/],
    ['https://db.internal/x', /public host/],
    ['https://intranet/x', /public host/],
    ['https://127.0.0.1/x', /public host/],
    ['https://10.1.2.3/x', /public host/],
    ['https://169.254.169.254/latest/meta-data', /public host/],
    ['https://[::1]/x', /public host/],
    ['https://[::ffff:192.168.1.1]/x', /public host/],
    [`https://example.com/${'x'.repeat(2048)}`, /at most 2,048/],
  ])('refuse %s', (raw, error) => {
    expect(() => checkWebhookUrl(raw, false)).toThrow(error);
  });

  it('allow http and private hosts where allowed, still without credentials', () => {
    expect(checkWebhookUrl('http://127.0.0.1:4000/hook', true)).toBe('http://127.0.0.1:4000/hook');
    expect(() => checkWebhookUrl('http://u:p@127.0.0.1/hook', true)).toThrow(/no user name/);
  });

  it.each([
    ['10.0.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['100.64.0.1', true],
    ['8.8.8.8', false],
    ['fd00::1', true],
    ['fe80::1', true],
    ['2606:4700::1111', false],
    ['::ffff:8.8.8.8', false],
    ['not-an-ip', true],
  ])('judge %s private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });

  it('refuse, at delivery, a host that resolves to a private address', async () => {
    await expect(checkWebhookTarget('https://localhost/x', false)).rejects.toThrow(/resolves to .*private address/);
    await expect(checkWebhookTarget('https://127.0.0.1/x', true)).resolves.toBeUndefined();
  });
});
