/**
 * REFERENCE section 4's signature test vector: a real Bitbucket Cloud push body in the project workspace's
 * shared/ folder, beside the repository (read there, not copied in). On a machine without that folder the
 * tests that need it skip, saying why.
 */
import fs from "node:fs";
import path from "node:path";

const FILE = path.resolve(__dirname, "../../../shared/reference/bitbucket-cloud-signed-push.json");

export const SIGNED_PUSH = {
  available: fs.existsSync(FILE),
  file: FILE,
  body: (): Buffer => fs.readFileSync(FILE),
  key: "Gkvl$k$wyNpQAF42",
  signatureHex: "f205c729821c6954aff2afe72b965c34015b4baf96ea8ddc2cc44999c014a035",
};

/** `test` when the vector is there, `test.skip` with a message otherwise. */
export function withSignedPush(): jest.It {
  if (SIGNED_PUSH.available) return test;
  console.warn(`Skipping a REFERENCE signature-vector test: ${FILE} is not there (it comes with the project workspace).`);
  return test.skip;
}
