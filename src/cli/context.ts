/** What every command gets from the global options. */
export interface CommandContext {
  readonly manifestFile: string;
  readonly stateDir: string | undefined;
  readonly json: boolean;
  /** The command's own options (as commander parsed them). */
  readonly options: Readonly<Record<string, unknown>>;
}
