import { expect, test, type APIRequestContext } from "@playwright/test";
import { DashboardPage } from "./fixtures/dashboard_page";

// How the bundle travels (server/src/delivery.rs): content-hashed names, the release build's
// precompressed brotli and gzip files as the browser asks, kept for a year; robots.txt.

/** The bundle's files as the sign-in page names them: the JS glue and the WASM it loads. */
async function bundle(request: APIRequestContext): Promise<string[]> {
  const html = await (await request.get("/sign-in")).text();
  const names = [...new Set(html.match(/\/pkg\/[\w.-]+\.(?:css|js|wasm)/g) ?? [])];
  expect(names.map((name) => name.split(".").pop()).sort()).toEqual(["js", "wasm"]);
  for (const name of names) expect(name, "a content hash in the name").toMatch(/^\/pkg\/aks-dashboard\.[\w-]+\.\w+$/);
  return names;
}

test("the page inlines its stylesheet and loads the WASM after painting", async ({ request, page }) => {
  const answer = await request.get("/sign-in");
  const html = await answer.text();
  const nonce = /script-src[^;]*'nonce-([\w+/=-]+)'/.exec(answer.headers()["content-security-policy"])?.[1];
  expect(nonce, "the page's CSP names a nonce").toBeTruthy();
  expect(html, "the sheet is inline, with the page's nonce").toContain(`<style nonce="${nonce}">`);
  expect(html, "no render-blocking stylesheet request").not.toMatch(/rel="stylesheet"/);
  expect(html, "nothing of the bundle preloads while the page loads").not.toMatch(/rel="(?:module)?preload"/);
  // The styles apply under the page's CSP, and the bundle still loads and hydrates.
  const refused: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  await page.goto("/sign-in");
  await expect(page.locator("main")).not.toHaveAttribute("aria-busy", "true");
  expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe("0px");
  expect(refused).toEqual([]);
});

test("the bundle comes precompressed as asked and is kept for a year", async ({ request }) => {
  for (const path of await bundle(request)) {
    for (const encoding of ["br", "gzip"]) {
      const answer = await request.get(path, { headers: { "accept-encoding": encoding } });
      expect(answer.status(), path).toBe(200);
      expect(answer.headers()["content-encoding"], `${path} in ${encoding}`).toBe(encoding);
      expect(answer.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(answer.headers()["vary"]).toContain("accept-encoding");
      const lastModified = answer.headers()["last-modified"];
      expect(lastModified).toBeTruthy();
      const again = await request.get(path, {
        headers: { "accept-encoding": encoding, "if-modified-since": lastModified },
      });
      expect(again.status(), `${path} revalidated`).toBe(304);
    }
  }
});

test("a signed-in reload takes the bundle from the cache", async ({ page }) => {
  const dashboard = new DashboardPage(page);
  await dashboard.signIn();
  await dashboard.open();
  const wasm = page.waitForResponse((response) => response.url().endsWith(".wasm"));
  await page.reload({ waitUntil: "networkidle" });
  const reloaded = await wasm;
  expect([200, 304]).toContain(reloaded.status());
  // From the cache: Chromium counts no body bytes (its figure is 0 minus the cached headers).
  expect((await reloaded.request().sizes()).responseBodySize, "nothing downloaded again").toBeLessThanOrEqual(0);
  await expect(dashboard.heading).toBeVisible();
});

test("robots.txt is public and the page describes itself", async ({ request, page }) => {
  const robots = await request.get("/robots.txt");
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toContain("Disallow: /api/");
  await page.goto("/sign-in");
  await expect(page.locator('meta[name="description"]')).toHaveAttribute("content", /Azure Kubernetes Service/);
});
