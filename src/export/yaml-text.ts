import { Document } from 'yaml';

/**
 * YAML as the consumers read it: docker-compose (PyYAML) and Kubernetes (go-yaml) both follow YAML 1.1,
 * where an unquoted `no`, `on` or `yes` is a boolean. Writing as 1.1 quotes such strings (`restart: "no"`
 * stays a string), and no line is folded, so a long command stays one scalar.
 */
export function yamlText(value: unknown): string {
  return new Document(value, { version: '1.1' }).toString({ lineWidth: 0 });
}

/** Several documents in one file, `---` between them (how `kubectl apply -f` takes a set of objects). */
export function yamlStream(values: readonly unknown[]): string {
  return values.map(yamlText).join('---\n');
}
