// Runs an analyst's query against the warehouse of a running evcms, read-only, through its API (POST /sql):
//   npm run sql -- "SELECT day, sum(energy_wh) FROM site_daily GROUP BY day ORDER BY day"
// Embedded (chDB), the process that holds the data directory is the only one that can read it.
// The credential: EVCMS_TOKEN (an administrator's access token), or ADMIN_EMAIL and ADMIN_PASSWORD to sign in.
// The API: EVCMS_API_URL, by default http://127.0.0.1:$API_PORT (4000). --format=CSVWithNames|JSONEachRow|TabSeparatedWithNames.

const args = process.argv.slice(2);
const format = args.find((a) => a.startsWith('--format='))?.slice('--format='.length);
const query = args.filter((a) => !a.startsWith('--format=')).join(' ');
if (!query.trim()) {
  console.error('usage: npm run sql -- "SELECT ..." [--format=CSVWithNames]');
  process.exit(2);
}
const api = process.env.EVCMS_API_URL ?? `http://127.0.0.1:${process.env.API_PORT ?? 4000}`;

async function token(): Promise<string> {
  if (process.env.EVCMS_TOKEN) return process.env.EVCMS_TOKEN;
  const email = process.env.ADMIN_EMAIL ?? 'admin@evcms.local';
  const password = process.env.ADMIN_PASSWORD;
  if (!password) throw new Error('set EVCMS_TOKEN, or ADMIN_PASSWORD (and ADMIN_EMAIL) to sign in');
  const response = await fetch(`${api}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }',
      variables: { email, password },
    }),
  });
  const body = (await response.json()) as { data?: { login?: { token: string } }; errors?: Array<{ message: string }> };
  const access = body.data?.login?.token;
  if (!access) throw new Error(`sign-in as ${email} failed: ${body.errors?.[0]?.message ?? response.status}`);
  return access;
}

try {
  const response = await fetch(`${api}/sql${format ? `?format=${encodeURIComponent(format)}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', authorization: `Bearer ${await token()}` },
    body: query,
  });
  const text = await response.text();
  if (!response.ok) {
    const message = (JSON.parse(text) as { errors?: Array<{ message: string }> }).errors?.[0]?.message ?? text;
    console.error(`evcms refused the query (${response.status}): ${message}`);
    process.exit(1);
  }
  process.stdout.write(text);
} catch (error) {
  console.error(`npm run sql: ${(error as Error).message} (is evcms running at ${api}?)`);
  process.exit(1);
}
