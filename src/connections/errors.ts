/** A problem with what the caller asked for: a plain sentence, the field it concerns, and nothing changed. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
    readonly status: 400 | 404 | 409 | 422 = 400,
  ) {
    super(message);
    this.name = "UserError";
  }
}
