/** Instance names become file names (logs, state), so nothing but this is accepted; at most 48 characters. */
export const instanceNamePattern = /^[a-z0-9][a-z0-9_-]*$/;
export const instanceNameMaxLength = 48;

export function isInstanceName(name: string): boolean {
  return name.length <= instanceNameMaxLength && instanceNamePattern.test(name);
}
