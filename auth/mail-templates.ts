import { receiptMail } from '../billing/receipts/mail.js';
import { reportMail } from '../reports/mail.js';

/** The mails evcms writes to the outbox, by template name. Values named in `secretKeys` are erased once sent. */
export const mailTemplates = {
  'confirm-email': (d: Record<string, string>) => ({
    subject: 'Confirm your email address',
    text: `${greeting(d)}\n\nConfirm your address for your charging account:\n\n${d.link}\n\nOr use this code: ${d.token}\n\nIt is valid for 24 hours. If you did not register, ignore this mail.\n`,
  }),
  'reset-password': (d: Record<string, string>) => ({
    subject: 'Reset your password',
    text: `${greeting(d)}\n\nSomeone (we hope you) asked to reset the password of your charging account:\n\n${d.link}\n\nOr use this code: ${d.token}\n\nIt is valid for 1 hour. If you did not ask, ignore this mail: your password stays as it is.\n`,
  }),
  invite: (d: Record<string, string>) => ({
    subject: 'Your charging account is ready',
    text: `${greeting(d)}\n\nAn account was opened for you. Choose a password here:\n\n${d.link}\n\nOr use this code with resetPassword: ${d.token}\n\nIt is valid for 72 hours.\n`,
  }),
  'account-exists': (d: Record<string, string>) => ({
    subject: 'Someone tried to register with your address',
    text: `${greeting(d)}\n\nSomeone tried to open a new charging account with this address, which already has one.\nIf it was you, sign in, or reset your password if you forgot it. Otherwise ignore this mail.\n`,
  }),
  'unlock-account': (d: Record<string, string>) => ({
    subject: 'Failed sign-ins on your account',
    text: `${greeting(d)}\n\nSeveral sign-ins to your charging account failed with a wrong password, so new attempts are slowed down for a while.\nIf it was you, lift the delay here:\n\n${d.link}\n\nOr use this code with unlockAccount: ${d.token}\n\nIt is valid for 1 hour. A device you signed in from before is not slowed down. If it was not you, consider changing your password.\n`,
  }),
  'alert-raised': (d: Record<string, string>) => ({
    subject: `[${d.severity}] ${d.station}: ${d.kind}`,
    text: `An alert was raised at ${d.raisedAt} for station ${d.station}:\n\n  ${d.message}\n\nKind: ${d.kind}, severity: ${d.severity}, alert ${d.alertId}.\nAcknowledge or resolve it with acknowledgeAlert / resolveAlert; it resolves by itself when the condition clears.\n`,
  }),
  receipt: receiptMail,
  'report-ready': reportMail,
} satisfies Record<string, (data: Record<string, string>) => { subject: string; text: string }>;

/** The link in an account mail: `${linkBase}/account/${action}?token=...`. */
export const accountLink = (linkBase: string, action: string, token: string) => `${linkBase}/account/${action}?token=${token}`;

export type MailTemplate = keyof typeof mailTemplates;

export const secretKeys = ['token', 'link'] as const;

const greeting = (d: Record<string, string>) => (d.name ? `Hello ${d.name},` : 'Hello,');

export function renderMail(template: string, data: Record<string, string>): { subject: string; text: string } {
  const render = mailTemplates[template as MailTemplate];
  if (!render) throw new Error(`unknown mail template "${template}"`);
  return render(data);
}

/** The template values without the secrets, kept after sending for the record. */
export function withoutSecrets(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !(secretKeys as readonly string[]).includes(key)));
}
