/** The operator token test bridges accept (without vitest, so benchmarks can use it too). */
export const testToken = "test-operator-token";
export const testAuth = { authorization: `Bearer ${testToken}` };
export const testServerAuth = { tokens: [{ name: "tests", role: "operator", token: testToken }] };
