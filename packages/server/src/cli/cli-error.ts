/** A mistake in how a command was called: printed with a pointer to its help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Throws a UsageError unless `value` is a non-negative integer; answers it as a number. */
export function intOption(value: unknown, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got '${String(value)}'`);
  }
  return n;
}

/** The single positional argument a command needs, or a UsageError naming it. */
export function onePositional(positionals: string[], what: string): string {
  if (positionals.length === 0) throw new UsageError(`missing ${what}`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}' after ${what}`);
  return positionals[0]!;
}
