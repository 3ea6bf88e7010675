/**
 * Environment names that look secret (scale-out.md §3.1: `PASSWORD|SECRET|TOKEN|KEY`): their values go to a
 * Kubernetes Secret, a systemd EnvironmentFile or the operator's shell, never into an artefact in clear.
 * Matched on the name's words, so `KEYSTORE_PASSWORD` and `API_KEY` count, and so does `JAVA_KEYSTORE`:
 * a false positive costs a reference, a false negative a leaked password.
 */
const secretWords = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL/i;

export function isSecretName(name: string): boolean {
  return secretWords.test(name);
}

/** The secret-looking names of an environment, sorted. */
export function secretNames(env: Readonly<Record<string, string>>): string[] {
  return Object.keys(env).filter(isSecretName).sort();
}
