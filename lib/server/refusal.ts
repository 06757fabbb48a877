/** An HTTP-level refusal of the node:http face: a status, a short text, headers. */
export class Refusal extends Error {
  /** A refusal with `status`; `message` is the response body (short, and input in it an excerpt). */
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** Close the connection after answering (the body was not read to its end). */
    readonly close = false,
  ) {
    super(message);
  }
}
