import type { ServerResponse } from 'node:http';
import { ideAsset } from './assets.js';

/**
 * The GraphQL IDE at GET /graphql in a browser: GraphiQL (docs explorer, autocompletion, history,
 * subscriptions over graphql-ws) and a sign-in form. Every script and style comes from this server, so
 * it works on the offline and firewalled machines evcms often runs on.
 */
export const ideHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>evcms GraphQL</title>
<link rel="stylesheet" href="/graphql/ide/graphiql.css">
<style>body{margin:0;height:100vh;display:flex;flex-direction:column;font:14px system-ui,sans-serif}
#bar{display:flex;gap:8px;align-items:center;padding:6px 12px;background:#0b3d2e;color:#fff}
#bar form{display:flex;gap:6px;margin-left:auto}#graphiql{flex:1;min-height:0}</style>
</head><body>
<div id="bar"><strong>evcms GraphQL</strong><span id="who"></span>
<form id="signin"><input id="email" type="email" placeholder="email" autocomplete="username" required>
<input id="password" type="password" placeholder="password" autocomplete="current-password" required>
<button type="submit">Sign in</button><button type="button" id="signout" hidden>Sign out</button></form></div>
<div id="graphiql"></div>
<script src="/graphql/ide/react.js"></script>
<script src="/graphql/ide/react-dom.js"></script>
<script src="/graphql/ide/graphql-ws.js"></script>
<script src="/graphql/ide/graphiql.js"></script>
<script src="/graphql/ide/ide.js"></script>
</body></html>`;

/** Scripts and styles from this server only; GraphiQL's editors set inline styles; the socket is this host's. */
const csp =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'";

export function serveIdePage(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'cache-control': 'no-cache' });
  res.end(ideHtml);
}

/** /graphql/ide/<name>: an asset of the page, kept a day by the browser; false when there is no such asset. */
export async function serveIdeAsset(res: ServerResponse, name: string): Promise<boolean> {
  const asset = await ideAsset(name);
  if (!asset) return false;
  res.writeHead(200, {
    'content-type': `${asset.type}; charset=utf-8`,
    'cache-control': 'public, max-age=86400',
    'x-content-type-options': 'nosniff',
  });
  res.end(asset.body);
  return true;
}
