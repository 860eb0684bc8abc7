/**
 * Redis keys that end access tokens before their expiry: one token (logout), or every token of a
 * user issued up to a second (password reset, account deletion). The API checks both on every call.
 */
export const revokedTokenKey = (prefix: string, jti: string) => `${prefix}:revoked-token:${jti}`;
export const revokedUserKey = (prefix: string, userId: string) => `${prefix}:revoked-user:${userId}`;
