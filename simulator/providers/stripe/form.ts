/**
 * A form-encoded body as Stripe reads it: `a[b][c]=v` nests, `a[0]=v` is an entry of a list (kept as an object keyed
 * by index), empty values stay empty strings (Stripe's way to unset a field).
 */
export function formFields(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const [head, ...rest] = name.split('[').map((part) => part.replace(/]$/, ''));
    let node = out;
    const path = [head as string, ...rest];
    for (const [index, part] of path.entries()) {
      if (index === path.length - 1) {
        node[part] = value;
      } else {
        node[part] = (node[part] as Record<string, unknown> | undefined) ?? {};
        node = node[part] as Record<string, unknown>;
      }
    }
  }
  return out;
}
