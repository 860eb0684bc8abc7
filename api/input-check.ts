import { refusal } from './errors.js';

// PostgreSQL refuses U+0000 in text and jsonb, and a lone surrogate is not text at all (it would reach
// the database as U+FFFD). Both are refused where they enter, naming the argument or variable.

/** What is wrong with a string that came from a client, or null. */
export function badText(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (!value.isWellFormed()) return 'contains a lone surrogate (not valid Unicode)';
  return null;
}

/**
 * Checks every string in the request's variables, and how deep their lists and objects nest, without
 * recursion (a JSON variable 100,000 levels deep must not overflow the stack). Throws BAD_USER_INPUT
 * naming the variable and the path inside it.
 */
export function checkVariables(variables: unknown, maxDepth: number): void {
  if (variables === null || typeof variables !== 'object') return;
  const stack: Array<{ value: unknown; path: string; depth: number }> = Object.entries(variables).map(([name, value]) => ({
    value,
    path: `$${name}`,
    depth: 0,
  }));
  while (stack.length) {
    const { value, path, depth } = stack.pop() as (typeof stack)[number];
    if (typeof value === 'string') {
      const bad = badText(value);
      if (bad) throw refusedInput(`${path}: ${bad}`);
    } else if (value !== null && typeof value === 'object') {
      if (depth >= maxDepth) throw refusedInput(`${path}: nests deeper than ${maxDepth} levels`);
      for (const [key, inner] of Object.entries(value)) {
        if (badText(key)) throw refusedInput(`${path}: a key ${badText(key)}`);
        stack.push({ value: inner, path: Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth: depth + 1 });
      }
    }
  }
}

const refusedInput = (message: string) => refusal('BAD_USER_INPUT', message);
