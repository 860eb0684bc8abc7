/** The first file of a multipart/form-data body (RFC 7578): its name and bytes; null when there is none. */
export function firstFilePart(body: Buffer, contentType: string): { fileName: string | null; data: Buffer } | null {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const marker = boundary ? `--${boundary[1] ?? boundary[2]}` : null;
  if (!marker) return null;
  let at = body.indexOf(marker);
  while (at !== -1) {
    const headersStart = at + marker.length + 2;
    const headersEnd = body.indexOf('\r\n\r\n', headersStart);
    if (headersEnd === -1) return null;
    const next = body.indexOf(`\r\n${marker}`, headersEnd + 4);
    if (next === -1) return null;
    const headers = body.subarray(headersStart, headersEnd).toString('utf8');
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    const fileName = /filename="([^"]*)"/i.exec(disposition)?.[1] ?? /filename=([^;\s]+)/i.exec(disposition)?.[1];
    if (fileName !== undefined) return { fileName: fileName || null, data: body.subarray(headersEnd + 4, next) };
    at = next + 2;
  }
  return null;
}
