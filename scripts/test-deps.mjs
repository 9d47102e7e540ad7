// Installs the external programs the test suite runs for real, when they are missing.
// Debian packages only; needs root or passwordless sudo on a fresh machine.
import { spawnSync } from 'node:child_process';

const NEEDED = [{ command: 'nats-server', debianPackage: 'nats-server' }];

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Installs every missing test dependency with apt-get; exits with a clear message if it cannot. */
export function ensureTestDependencies() {
  const missing = NEEDED.filter((n) => !has(n.command));
  if (missing.length === 0) return;
  const pkgs = missing.map((m) => m.debianPackage);
  console.log(`installing test dependencies: ${pkgs.join(' ')}`);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...a) =>
    spawnSync(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(prefix.length ? ['apt-get'] : []), ...a], {
      stdio: 'inherit',
      env,
    });
  let r = apt('install', '-y', '--no-install-recommends', ...pkgs);
  if (r.status !== 0) {
    apt('update');
    r = apt('install', '-y', '--no-install-recommends', ...pkgs);
  }
  const still = missing.filter((n) => !has(n.command));
  if (still.length > 0) {
    console.error(
      `could not install ${still.map((s) => s.debianPackage).join(', ')}; install them with apt-get and run the tests again`,
    );
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureTestDependencies();
