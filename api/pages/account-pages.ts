import type { IncomingMessage, ServerResponse } from 'node:http';
import { AccountError } from '../../auth/account-fields.js';
import type { AccountService } from '../../auth/accounts.js';
import { readBodyWithin } from '../request-body.js';
import { escapeHtml, page, pageHeaders } from './html.js';
import { type Language, type PageWords, pickLanguage, words } from './words.js';

interface AccountAction {
  title: keyof PageWords;
  button: keyof PageWords;
  done: keyof PageWords;
  /** Whether the form asks for a new password. */
  password: boolean;
  run(accounts: AccountService, token: string, password: string): Promise<unknown>;
}

/** The pages the links in account mails open: `/account/{action}?token=...` (see auth/mail-templates.ts). */
const actions: Record<string, AccountAction> = {
  'confirm-email': {
    title: 'confirmTitle',
    button: 'confirmButton',
    done: 'confirmed',
    password: false,
    run: (accounts, token) => accounts.confirmEmail(token),
  },
  'reset-password': {
    title: 'resetTitle',
    button: 'resetButton',
    done: 'reset',
    password: true,
    run: (accounts, token, password) => accounts.resetPassword(token, password),
  },
  unlock: {
    title: 'unlockTitle',
    button: 'unlockButton',
    done: 'unlocked',
    password: false,
    run: (accounts, token) => accounts.unlockAccount(token),
  },
};

function form(action: string, spec: AccountAction, t: PageWords, token: string, language: Language, error?: string): string {
  const password = spec.password
    ? `<label>${escapeHtml(t.password)}<input type="password" name="password" autocomplete="new-password" required minlength="10"></label>`
    : '';
  return `${error ? `<p class="error">${escapeHtml(t.failed)}: ${escapeHtml(error)}</p>` : ''}
<form method="post" action="/account/${action}?lang=${language}">
<input type="hidden" name="token" value="${escapeHtml(token)}">
${password}
<button type="submit">${escapeHtml(t[spec.button])}</button>
</form>`;
}

/**
 * Serves an account page when the request is for one (true), else leaves it (false). A GET shows a form
 * and changes nothing (mail scanners open links); the POST does what the GraphQL mutation does.
 */
export async function serveAccountPage(req: IncomingMessage, res: ServerResponse, url: URL, accounts: AccountService): Promise<boolean> {
  const match = /^\/account\/([a-z-]+)$/.exec(url.pathname);
  if (!match) return false;
  const language = pickLanguage(url.searchParams.get('lang'), req.headers['accept-language']);
  const t = words[language];
  const send = (status: number, title: string, body: string): true => {
    res.writeHead(status, pageHeaders);
    res.end(page(language, title, body));
    return true;
  };
  const name = match[1] as string;
  const spec = Object.hasOwn(actions, name) ? actions[name] : undefined;
  if (!spec) return send(404, t.notFound, '');
  if (req.method === 'GET' || req.method === 'HEAD') {
    const token = url.searchParams.get('token') ?? '';
    if (!token) return send(400, t[spec.title], `<p class="error">${escapeHtml(t.missingToken)}</p>`);
    return send(200, t[spec.title], form(name, spec, t, token, language));
  }
  if (req.method !== 'POST') return send(405, t.notFound, '');
  const text = await readBodyWithin(req, 16_384);
  const fields = new URLSearchParams(text ?? '');
  const token = fields.get('token') ?? '';
  if (!token) return send(400, t[spec.title], `<p class="error">${escapeHtml(t.missingToken)}</p>`);
  try {
    await spec.run(accounts, token, fields.get('password') ?? '');
  } catch (error) {
    if (!(error instanceof AccountError)) throw error;
    return send(400, t[spec.title], form(name, spec, t, token, language, error.message));
  }
  return send(200, t[spec.title], `<p>${escapeHtml(t[spec.done])}</p>`);
}
