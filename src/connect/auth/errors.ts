/** An authentication or authorisation failure: the status to answer and one plain sentence. Nothing is changed when one is thrown. */
export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "AuthError";
  }
}
