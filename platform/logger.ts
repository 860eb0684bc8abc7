import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs; pretty when a person watches the terminal. Secrets are redacted wherever they appear. */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY && process.env.NODE_ENV !== 'production');
  return pino({
    level,
    base: { pid: process.pid },
    redact: {
      paths: [
        'password',
        '*.password',
        'ocppPassword',
        '*.ocppPassword',
        'authorization',
        '*.authorization',
        'token',
        '*.token',
        'headers.authorization',
      ],
      censor: '[redacted]',
    },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid' } } }
      : {}),
  });
}
