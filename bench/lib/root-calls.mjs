/**
 * Management calls of the in-process benches: through the app itself (`inject`), as the root key
 * the app created, so a bench sets up its tenant, environment and template keys with no server.
 */
export function rootCalls(keyward) {
  return async function call(method, url, body) {
    const response = await keyward.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${keyward.rootKey.createdKey}` },
      payload: body,
    });
    if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json();
  };
}
