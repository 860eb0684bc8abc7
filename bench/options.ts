// Reading a bench's command-line options.

/**
 * A reader of whole-number options parsed by node:util's parseArgs: `number('stations', 1, 1000)` is the option's
 * value, or the bench stops (exit status 2) saying which option takes what.
 */
export function wholeNumbers<T extends Record<string, unknown>>(bench: string, args: T) {
  return (name: keyof T & string, min: number, max: number): number => {
    const value = Number(args[name]);
    if (!Number.isInteger(value) || value < min || value > max) {
      process.stderr.write(`${bench}: --${name} takes a whole number from ${min} to ${max} (got ${String(args[name])})\n`);
      process.exit(2);
    }
    return value;
  };
}
