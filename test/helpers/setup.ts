import { afterAll, afterEach } from 'vitest';
import { keepTempDirsIf, removeTempDirs } from './fake-home.js';
import { releaseOffsets } from './free-offset.js';

// Every process the tests start (CLI runs, simulated JVMs and their diagnostics tools, daemons) inherits
// this environment. NODE_EXTRA_CA_CERTS, set on these machines, costs each Node start about 75 ms of CPU
// re-reading the CA bundle (the benchmarks unset it for the same reason); nothing here trusts a CA:
// health checks are on loopback, where the self-signed certificate is accepted by name.
delete process.env.NODE_EXTRA_CA_CERTS;

// Each test file gives back the ports it reserved (free-offset.ts) once it is done, and its temporary
// folders (fake-home.ts), but for those of a failed test. Hooks run last-registered first: these run after
// the test file's own, which stop its processes.
afterEach(({ task }) => keepTempDirsIf(task.result?.state === 'fail', task.name));
afterAll(releaseOffsets);
afterAll(removeTempDirs);
