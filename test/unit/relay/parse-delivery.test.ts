import { createHmac } from "node:crypto";
import { parseDelivery } from "../../../src/relay/parse-delivery";
import { SIGNED_PUSH as VECTOR, withSignedPush } from "../../support/signed-push-vector";

const REPO = "{3deb8c29-778a-450c-8f69-3e50a18079df}";

const buf = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v));

describe("parseDelivery", () => {
  withSignedPush()("a bare REST-hook body is kept byte for byte, so its signature still holds", () => {
    const SIGNED_PUSH = VECTOR.body();
    const parsed = parseDelivery(SIGNED_PUSH, "repo:push");
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed).toMatchObject({ eventKey: "repo:push", repoUuid: REPO, shape: "bare" });
    expect(parsed.bytes.equals(SIGNED_PUSH)).toBe(true);
    expect(createHmac("sha256", "Gkvl$k$wyNpQAF42").update(parsed.bytes).digest("hex")).toBe(VECTOR.signatureHex);
  });

  test("a Connect envelope yields its data, serialised once, and the event key from the body", () => {
    const data = { push: { changes: [] }, repository: { uuid: REPO, full_name: "acme/payments" }, actor: { nickname: "ann" } };
    const parsed = parseDelivery(buf({ event: "pullrequest:created", data }), "pullrequest:created");
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed).toMatchObject({ eventKey: "pullrequest:created", shape: "envelope", repoUuid: REPO, payload: data });
    expect(parsed.bytes.toString()).toBe(JSON.stringify(data));
  });

  test("an envelope needs no X-Event-Key header", () => {
    expect(parseDelivery(buf({ event: "repo:push", data: { repository: { uuid: REPO } } }), undefined)).toMatchObject({ ok: true, eventKey: "repo:push" });
  });

  test.each([
    ["an empty body", Buffer.alloc(0), "repo:push", /empty/],
    ["invalid JSON", buf("{"), "repo:push", /not valid JSON/],
    ["a JSON array", buf([1]), "repo:push", /not a JSON object/],
    ["a bare body without X-Event-Key", buf({ repository: { uuid: REPO } }), undefined, /no X-Event-Key/],
    ["a nonsense event key", buf({ repository: { uuid: REPO } }), "DROP TABLE", /not a Bitbucket event key/],
    ["a header that contradicts the envelope", buf({ event: "repo:push", data: { repository: { uuid: REPO } } }), "repo:fork", /says repo:fork but the body says repo:push/],
    ["no repository", buf({ push: {} }), "repo:push", /does not name its repository/],
    ["a repository uuid without braces", buf({ repository: { uuid: REPO.slice(1, -1) } }), "repo:push", /does not name its repository/],
  ])("%s is refused with a sentence", (_name, body, header, reason) => {
    const parsed = parseDelivery(body, header);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  test("a refusal keeps the event key when it can be trusted, for the log", () => {
    expect(parseDelivery(buf("{"), "repo:push")).toMatchObject({ ok: false, eventKey: "repo:push" });
    expect(parseDelivery(buf({ event: "repo:push", data: {} }), undefined)).toMatchObject({ ok: false, eventKey: "repo:push" });
    expect(parseDelivery(buf("{"), "<script>")).toMatchObject({ ok: false, eventKey: null });
  });
});
