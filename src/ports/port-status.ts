import type { PortHolder } from '../errors.js';

/** What a probe of one port found on this host. */
export type PortStatus =
  | { readonly free: true }
  | {
      readonly free: false;
      readonly holder?: PortHolder;
      /** The instance whose own process group holds the port (it is running): not a clash for it. */
      readonly owner?: string;
    };

/** Probe results by port; a port missing from the map has not been probed yet. */
export type ProbeResults = ReadonlyMap<number, PortStatus>;
