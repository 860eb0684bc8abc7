/**
 * A small GraphQL console served at GET /graphql for a browser: no CDN, no external script, so it
 * works on the offline and firewalled machines evcms often runs on.
 */
export const ideHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>evcms GraphQL</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;display:grid;grid-template-rows:auto 1fr;height:100vh}
header{padding:8px 12px;background:#0b3d2e;color:#fff;display:flex;gap:12px;align-items:center}
header input{flex:1;padding:4px}main{display:grid;grid-template-columns:1fr 1fr;gap:8px;padding:8px;min-height:0}
textarea,pre{width:100%;height:100%;box-sizing:border-box;font:13px ui-monospace,monospace;margin:0;border:1px solid #ccc;padding:8px;overflow:auto}
section{display:grid;grid-template-rows:3fr 1fr;gap:8px;min-height:0}button{padding:4px 16px}
</style></head><body>
<header><strong>evcms GraphQL</strong><input id="auth" placeholder="Authorization: Bearer token or evk_ API key"><button id="run">Run (Ctrl-Enter)</button></header>
<main><section><textarea id="query">{\n  system { version node roles }\n}</textarea><textarea id="variables" placeholder="variables (JSON)">{}</textarea></section><pre id="result"></pre></main>
<script>
const $ = (id) => document.getElementById(id);
$('auth').value = localStorage.getItem('evcms-auth') || '';
async function run() {
  localStorage.setItem('evcms-auth', $('auth').value);
  const headers = { 'content-type': 'application/json' };
  const auth = $('auth').value.trim();
  if (auth) headers.authorization = auth.startsWith('Bearer ') ? auth : 'Bearer ' + auth;
  let variables = {};
  try { variables = JSON.parse($('variables').value || '{}'); } catch (e) { $('result').textContent = 'variables: ' + e.message; return; }
  const response = await fetch(location.pathname, { method: 'POST', headers, body: JSON.stringify({ query: $('query').value, variables }) });
  $('result').textContent = JSON.stringify(await response.json(), null, 2);
}
$('run').onclick = run;
document.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) run(); });
</script></body></html>`;
