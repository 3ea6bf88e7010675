import { launch } from '../code-cache.js';
import { daemonBundle } from '../package-root.js';

/**
 * The daemon process's entry, `node <daemonNodeOptions> daemon.cjs -f MANIFEST --state-dir DIR --hand-off`:
 * it runs the daemon (main.ts, bundled as CommonJS) from V8's code cache. The daemon's boot is on the way
 * to a fleet's first launch; as an ES module with its chunks it took ~97 ms of CPU to reach main, from
 * the cache ~76 ms (perf stat, 9 runs each; issue 17).
 */
launch(daemonBundle());
