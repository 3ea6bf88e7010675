/**
 * Where the control channel (control-protocol.ts) is found: the socket's name in the state folder and the
 * version in every path. Apart from the schemas, so that a client can reach the daemon without building them.
 */
export const protocolVersion = 'v1';
export const socketName = 'supervisor.sock';
