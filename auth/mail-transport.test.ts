import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpTransport } from './mail-transport.js';

/** A minimal SMTP server on port 0 that keeps what it receives: enough to see nodemailer speak SMTP. */
function fakeSmtp(): Promise<{ server: Server; port: number; received: string[] }> {
  const received: string[] = [];
  const server = createServer((socket) => {
    let data = false;
    let message = '';
    socket.write('220 fake ESMTP\r\n');
    socket.on('data', (chunk) => {
      for (const line of chunk.toString('utf8').split('\r\n')) {
        if (data) {
          if (line === '.') {
            data = false;
            received.push(message);
            socket.write('250 queued\r\n');
          } else message += `${line}\n`;
          continue;
        }
        if (!line) continue;
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 fake\r\n');
        else if (verb === 'MAIL' || verb === 'RCPT') socket.write('250 ok\r\n');
        else if (verb === 'DATA') {
          data = true;
          message = '';
          socket.write('354 go on\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('502 not here\r\n');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, received })),
  );
}

describe('the SMTP mail transport', () => {
  let smtp: Awaited<ReturnType<typeof fakeSmtp>>;
  beforeAll(async () => {
    smtp = await fakeSmtp();
  });
  afterAll(() => smtp.server.close());

  it('hands a mail to an SMTP server, from MAIL_FROM to the recipient', async () => {
    const transport = smtpTransport(`smtp://127.0.0.1:${smtp.port}`, 'evcms <no-reply@evcms.test>');
    await transport.send('ana@example.com', 'Confirm your email', 'Open http://example/confirm?token=abc');
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toContain('To: ana@example.com');
    expect(smtp.received[0]).toContain('From: evcms <no-reply@evcms.test>');
    expect(smtp.received[0]).toContain('Subject: Confirm your email');
    expect(smtp.received[0]).toContain('token=abc');
  });
});
