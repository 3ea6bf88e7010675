import { afterAll, afterEach, beforeEach } from 'vitest';
import { keepTempDirsOf, removeTempDirs, tempDirsOf } from './fake-home.js';
import { releaseOffsets } from './free-offset.js';

// Every process the tests start (CLI runs, simulated JVMs and their diagnostics tools, daemons) inherits
// this environment. NODE_EXTRA_CA_CERTS, set on these machines, costs each Node start about 75 ms of CPU
// re-reading the CA bundle (the benchmarks unset it for the same reason); nothing here trusts a CA:
// health checks are on loopback, where the self-signed certificate is accepted by name.
delete process.env.NODE_EXTRA_CA_CERTS;

// Each test file gives back the ports it reserved (free-offset.ts) once it is done, and its temporary
// folders (fake-home.ts), but for those of a failed test. After-hooks run last-registered first: these run
// after the test file's own, which stop its processes. A test's failure is heard even when its file's own
// afterEach failed (vitest calls onTestFailed after every afterEach).
beforeEach(({ task, onTestFailed }) => {
  tempDirsOf(task.id);
  onTestFailed(() => keepTempDirsOf(task.id, task.name));
});
afterEach(() => tempDirsOf(undefined));
afterAll(releaseOffsets);
afterAll(removeTempDirs);
