import { connectBody, REPO, startStack, type Stack } from "../../support/stack";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

test("connect registers the ARM hooks", async () => {
  const page = await stack.settings();
  const res = await page.call("PUT", "/api/connection", connectBody(stack));
  expect(res.status).toBe(200);
  expect(stack.bitbucket.hooks(REPO)).toHaveLength(2);
  expect(res.body.hooks.map((h: { state: string }) => h.state)).toEqual(["connected", "connected"]);
});
