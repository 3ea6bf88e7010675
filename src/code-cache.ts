import { readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/**
 * Runs a CommonJS bundle (the CLI's, the daemon's) as `require` would, but compiled from V8's code cache,
 * `<bundle>.cache`, when there is one this Node accepts: V8 then deserializes the bundle's compiled code
 * instead of parsing it and compiling every function it runs at start, ~40 ms of a ~150 ms `status`, ~20 ms
 * of the daemon's start (issue 17). Node 22 has this built in (module.enableCompileCache); Node 20 does not.
 *
 * Each cache is written by `npm run build` (scripts/bundle.ts), from a run with
 * WSO2_SUPERVISOR_WRITE_CODE_CACHE=1, next to the bundle it was made from, never by an ordinary run:
 * the package folder may be shared or read-only, and only the build knows the cache matches the bundle.
 * V8 refuses a cache made by another V8 version, with other flags or for a source of another length;
 * the bundle is then compiled as usual.
 *
 * A script compiled so has no loader for a dynamic import() (Node's one, vm's USE_MAIN_CONTEXT_DEFAULT_LOADER,
 * is lost with a code cache, and experimental): the build refuses a bundle with one (scripts/bundle.ts).
 */
export function launch(bundle: string): CodeCacheUse {
  const cacheFile = `${bundle}.cache`;
  const cachedData = readIfPresent(cacheFile);
  const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), {
    filename: bundle,
    cachedData,
  });
  if (process.env.WSO2_SUPERVISOR_WRITE_CODE_CACHE === '1') {
    // At exit: the cache then holds every function the command compiled, not only the top level.
    process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
  }
  const module = new Module(bundle);
  module.filename = bundle;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  if (cachedData === undefined) return 'none';
  return script.cachedDataRejected === true ? 'refused' : 'accepted';
}

/** What became of the code cache: for the tests, and for anyone asking why a command is slow. */
export type CodeCacheUse = 'accepted' | 'refused' | 'none';

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
