/** The words of the account pages, in the languages evcms mails in. */
export type Language = 'en' | 'fr' | 'rw';

export interface PageWords {
  confirmTitle: string;
  confirmButton: string;
  confirmed: string;
  resetTitle: string;
  password: string;
  resetButton: string;
  reset: string;
  unlockTitle: string;
  unlockButton: string;
  unlocked: string;
  failed: string;
  missingToken: string;
  notFound: string;
}

export const words: Record<Language, PageWords> = {
  en: {
    confirmTitle: 'Confirm your email address',
    confirmButton: 'Confirm',
    confirmed: 'Your email address is confirmed. You can close this page and sign in.',
    resetTitle: 'Choose a new password',
    password: 'New password (at least 10 characters)',
    resetButton: 'Save the password',
    reset: 'Your password is changed. Sign in with it.',
    unlockTitle: 'Lift the sign-in delay',
    unlockButton: 'Lift the delay',
    unlocked: 'The delay is lifted: you can sign in again.',
    failed: 'That did not work',
    missingToken: 'This link has no token: open the link from the mail again.',
    notFound: 'There is no such page.',
  },
  fr: {
    confirmTitle: 'Confirmez votre adresse e-mail',
    confirmButton: 'Confirmer',
    confirmed: 'Votre adresse e-mail est confirmée. Vous pouvez fermer cette page et vous connecter.',
    resetTitle: 'Choisissez un nouveau mot de passe',
    password: 'Nouveau mot de passe (10 caractères au moins)',
    resetButton: 'Enregistrer le mot de passe',
    reset: 'Votre mot de passe est changé. Connectez-vous avec lui.',
    unlockTitle: 'Lever le délai de connexion',
    unlockButton: 'Lever le délai',
    unlocked: 'Le délai est levé : vous pouvez vous connecter à nouveau.',
    failed: 'Cela n’a pas marché',
    missingToken: 'Ce lien n’a pas de jeton : ouvrez de nouveau le lien du message.',
    notFound: 'Cette page n’existe pas.',
  },
  rw: {
    confirmTitle: 'Emeza aderesi yawe ya imeri',
    confirmButton: 'Emeza',
    confirmed: 'Aderesi yawe ya imeri yemejwe. Ushobora gufunga uru rupapuro ukinjira.',
    resetTitle: 'Hitamo ijambobanga rishya',
    password: 'Ijambobanga rishya (nibura inyuguti 10)',
    resetButton: 'Bika ijambobanga',
    reset: 'Ijambobanga ryawe ryahinduwe. Injira ukoresheje iryo rishya.',
    unlockTitle: 'Kuraho gutinda kwinjira',
    unlockButton: 'Kuraho gutinda',
    unlocked: 'Gutinda kwavanyweho: ushobora kongera kwinjira.',
    failed: 'Ntibyakunze',
    missingToken: 'Iyi link nta kimenyetso ifite: ongera ufungure link iri muri imeri.',
    notFound: 'Nta rupapuro nk’urwo ruhari.',
  },
};

/** `?lang=` first, then the browser's Accept-Language (in its order), else English. */
export function pickLanguage(query: string | null, acceptLanguage: string | undefined): Language {
  const known = (tag: string): Language | null => {
    const base = tag.trim().toLowerCase().split(/[-;]/)[0] ?? '';
    return base === 'en' || base === 'fr' || base === 'rw' ? base : null;
  };
  if (query && known(query)) return known(query) as Language;
  for (const tag of (acceptLanguage ?? '').split(',')) {
    const language = known(tag);
    if (language) return language;
  }
  return 'en';
}
