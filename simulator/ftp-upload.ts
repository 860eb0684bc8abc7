import { connect, type Socket } from 'node:net';

/** Reads FTP replies line by line: resolves each complete reply (`code text`), multi-line ones joined. */
function replies(socket: Socket) {
  let buffer = '';
  const waiting: Array<(reply: string) => void> = [];
  const ready: string[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    buffer += text;
    let end = buffer.search(/^\d{3} [^\r\n]*\r?\n/m);
    while (end !== -1) {
      const line = /^\d{3} [^\r\n]*\r?\n/m.exec(buffer.slice(end)) as RegExpExecArray;
      const reply = buffer.slice(end, end + line[0].length).trim();
      buffer = buffer.slice(end + line[0].length);
      const next = waiting.shift();
      if (next) next(reply);
      else ready.push(reply);
      end = buffer.search(/^\d{3} [^\r\n]*\r?\n/m);
    }
  });
  return () => new Promise<string>((resolve) => (ready.length ? resolve(ready.shift() as string) : waiting.push(resolve)));
}

/**
 * Uploads one file to an `ftp://user:password@host:port/dir/` location as a charger does: USER, PASS, TYPE I,
 * PASV, STOR <dir>/<name>. Resolves with the server's final reply; rejects on a refusal (4xx, 5xx).
 */
export async function ftpUpload(location: string, fileName: string, data: Buffer): Promise<string> {
  const url = new URL(location);
  const socket = connect(Number(url.port || 21), url.hostname);
  const next = replies(socket);
  const expect = async (codes: string[]) => {
    const reply = await next();
    if (!codes.includes(reply.slice(0, 3))) throw new Error(`FTP: ${reply}`);
    return reply;
  };
  const send = (line: string) => socket.write(`${line}\r\n`);
  try {
    await expect(['220']);
    send(`USER ${decodeURIComponent(url.username)}`);
    if ((await expect(['230', '331'])).startsWith('331')) {
      send(`PASS ${decodeURIComponent(url.password) || 'upload'}`);
      await expect(['230']);
    }
    send('TYPE I');
    await expect(['200']);
    send('PASV');
    const pasv = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(await expect(['227']));
    if (!pasv) throw new Error('FTP: no passive address');
    const data$ = connect(Number(pasv[5]) * 256 + Number(pasv[6]), pasv.slice(1, 5).join('.'));
    await new Promise((resolve, reject) => data$.once('connect', resolve).once('error', reject));
    send(`STOR ${url.pathname.replace(/\/?$/, '/')}${fileName}`);
    await expect(['150', '125']);
    data$.end(data);
    const done = await expect(['226', '250']);
    send('QUIT');
    return done;
  } finally {
    socket.end();
  }
}
