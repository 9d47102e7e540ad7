import { readFileSync } from 'node:fs';

/** The version of the installed `@switchyard/server` package, read from its package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  if (typeof pkg.version !== 'string') throw new Error('@switchyard/server package.json has no version');
  return pkg.version;
}
