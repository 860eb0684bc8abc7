import { inflateSync } from 'node:zlib';

/** WinAnsi bytes that latin1 reads otherwise (pdfkit's standard fonts encode text in WinAnsi). */
const winAnsi: Record<number, string> = { 145: '‘', 146: '’', 147: '“', 148: '”', 150: '–', 151: '—', 128: '€' };

const decode = (hex: string) => [...Buffer.from(hex, 'hex')].map((byte) => winAnsi[byte] ?? String.fromCharCode(byte)).join('');

/**
 * The text a PDF shows, one string per text-showing operator (TJ, Tj), in drawing order: enough for tests to read
 * what pdfkit wrote with the standard fonts (hex strings, deflated content streams). Not a general PDF parser.
 */
export function pdfText(pdf: Buffer): string[] {
  const source = pdf.toString('latin1');
  const shown: string[] = [];
  for (const match of source.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    const raw = Buffer.from(match[1] as string, 'latin1');
    let content: string;
    try {
      content = inflateSync(raw).toString('latin1');
    } catch {
      content = raw.toString('latin1');
    }
    for (const op of content.matchAll(/\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const pieces = op[1] !== undefined ? [...op[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1] as string) : [op[2] as string];
      shown.push(pieces.map(decode).join(''));
    }
  }
  return shown;
}
