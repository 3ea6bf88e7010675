import { afterAll } from 'vitest';
import { releaseOffsets } from './free-offset.js';

// Every process the tests start (CLI runs, simulated JVMs and their diagnostics tools, daemons) inherits
// this environment. NODE_EXTRA_CA_CERTS, set on these machines, costs each Node start about 75 ms of CPU
// re-reading the CA bundle (the benchmarks unset it for the same reason); nothing here trusts a CA:
// health checks are on loopback, where the self-signed certificate is accepted by name.
delete process.env.NODE_EXTRA_CA_CERTS;

// Each test file gives back the ports it reserved (free-offset.ts) once it is done.
afterAll(releaseOffsets);
