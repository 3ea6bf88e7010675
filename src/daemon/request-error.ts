/** A refusal: its HTTP status, a sentence, and its facts as fields of the answer. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly kind = 'request',
    readonly facts: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
