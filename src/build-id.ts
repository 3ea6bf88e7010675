declare const __WSO2_SUPERVISOR_BUILD__: string | undefined;

/**
 * The build this code comes from: scripts/bundle.ts defines one id for the CLI and the daemon of a build.
 * Undefined when run from tsc's output or in the tests. A CLI trusts the answers of a daemon of its own
 * build without checking them against the protocol's schemas (the same code made them), and checks any
 * other's: building the schemas is ~10 ms of a `status` (issue 17).
 */
export const buildId: string | undefined =
  typeof __WSO2_SUPERVISOR_BUILD__ === 'string' ? __WSO2_SUPERVISOR_BUILD__ : undefined;

/** The control socket's answer header naming the daemon's build. */
export const buildHeader = 'x-wso2-supervisor-build';
