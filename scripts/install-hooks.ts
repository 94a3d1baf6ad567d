/**
 * `npm install`'s prepare step and `make hooks`: points git at .husky/ so the pre-commit and
 * pre-push hooks run. Skipped, successfully, where hooks have no use or cannot be installed:
 * CI (it runs every check itself), a production install (husky, a dev dependency, is absent),
 * HUSKY=0, or a directory that is not a git work tree.
 */
type Installer = () => string;

/** Why the hooks are not installed here, or undefined when they should be. */
export function skipReason(env: NodeJS.ProcessEnv): string | undefined {
  if (env.CI === 'true') return 'CI=true: hooks are for commits made by hand';
  if (env.NODE_ENV === 'production') return 'NODE_ENV=production: no dev dependencies, no hooks';
  return undefined;
}

/** Installs the hooks with husky; returns what to print (empty when all went well). */
export async function installHooks(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const reason = skipReason(env);
  if (reason !== undefined) return `hooks not installed: ${reason}`;
  let husky: Installer;
  try {
    husky = (await import('husky')).default;
  } catch {
    return 'hooks not installed: husky is not installed (a production install?)';
  }
  const problem = husky();
  return problem === '' ? 'git hooks installed from .husky/' : `hooks not installed: ${problem.trim()}`;
}

if (import.meta.main) console.log(await installHooks());
