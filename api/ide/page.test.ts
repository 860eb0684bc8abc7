import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../test/system.js';
import { assetNames } from './assets.js';

describe('the GraphQL IDE at /graphql', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api'] });
  });
  afterAll(() => system?.close());

  it('is GraphiQL served whole by the API: every script and style it loads is ours, none from another origin', async () => {
    const response = await fetch(`${system.apiUrl}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    const referenced = [...html.matchAll(/(?:src|href)="(\/graphql\/ide\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(referenced.map((path) => path.slice(13)).sort()).toEqual([...assetNames].sort());
    for (const path of referenced) {
      const asset = await fetch(`${system.apiUrl}${path}`);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('content-type'), path).toMatch(path.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      const text = await asset.text();
      expect(text.length, path).toBeGreaterThan(path.endsWith('ide.js') ? 500 : 5000);
    }
  });

  it('loads GraphiQL 3 with its docs explorer, React 18 and the graphql-ws client', async () => {
    const text = async (name: string) => (await fetch(`${system.apiUrl}/graphql/ide/${name}`)).text();
    expect(await text('graphiql.js')).toContain('GraphiQL');
    expect(await text('graphiql.js')).toContain('Documentation Explorer');
    expect(await text('react-dom.js')).toContain('createRoot');
    expect(await text('graphql-ws.js')).toContain('graphqlWs');
    expect(await text('ide.js')).toContain('login(email: $email, password: $password)');
  });

  it('answers 404 for an asset that is not one', async () => {
    expect((await fetch(`${system.apiUrl}/graphql/ide/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${system.apiUrl}/graphql/ide/secret.key`)).status).toBe(404);
  });
});
