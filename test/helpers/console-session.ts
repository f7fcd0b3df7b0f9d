/**
 * The cookie of a console session opened with a token, as a browser gets it from the
 * sign-in form (the cookie carries a session id, never the token).
 */
export async function consoleCookie(address: string, token: string): Promise<string> {
  const r = await fetch(`${address}/console/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: address },
    body: new URLSearchParams({ token, next: "/console" }).toString(),
  });
  const id = /reglament_session=([^;]+)/.exec(r.headers.get("set-cookie") ?? "")?.[1];
  if (!id) throw new Error(`signing in with a token answered ${r.status} without a session`);
  return `reglament_session=${id}`;
}
