/**
 * The control channel between the CLI and a running supervisor: HTTP/1.1 with JSON bodies over a Unix
 * domain socket, `<stateDir>/supervisor.sock` (mode 0600 in a 0700 folder: only the owner can connect;
 * there is no TCP listener). Requests:
 *
 *   GET  /v1/status                                   -> { supervisorPid, stateDir, instances }
 *   POST /v1/start | /v1/stop | /v1/restart  { "names": [...] } or { "all": true }
 *                                                     -> { ok, instances }   (after they have settled)
 *   POST /v1/reload                                   -> { ok, added, removed, changed, unchanged }
 *   POST /v1/down                                     -> { ok }  then every instance stops and the supervisor exits
 *
 * Errors answer { ok: false, error, message } with 400 (bad request), 404, 413 (over 64 KiB) or 500. No
 * request can run a command of its own: they name instances of the manifest, nothing else.
 */
export const socketName = 'supervisor.sock';
export const maxRequestBytes = 64 * 1024;

export type ControlAction = 'start' | 'stop' | 'restart';
export const controlActions: readonly ControlAction[] = ['start', 'stop', 'restart'];
