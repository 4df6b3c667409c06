import { expect, test } from "@playwright/test";
import { DashboardPage } from "./fixtures/dashboard_page";

// How the bundle travels (server/src/delivery.rs): the release build's precompressed brotli and
// gzip files as the browser asks, revalidated on reload instead of sent again; robots.txt.

const bundle = ["/pkg/aks-dashboard.wasm", "/pkg/aks-dashboard.js", "/pkg/aks-dashboard.css"];

test("the bundle comes precompressed as asked, and a revalidation gets 304", async ({ request }) => {
  for (const path of bundle) {
    for (const encoding of ["br", "gzip"]) {
      const answer = await request.get(path, { headers: { "accept-encoding": encoding } });
      expect(answer.status(), path).toBe(200);
      expect(answer.headers()["content-encoding"], `${path} in ${encoding}`).toBe(encoding);
      expect(answer.headers()["cache-control"]).toBe("no-cache");
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

test("a signed-in reload revalidates the bundle instead of downloading it again", async ({ page }) => {
  const dashboard = new DashboardPage(page);
  await dashboard.signIn();
  await dashboard.open();
  const wasm = page.waitForResponse((response) => response.url().endsWith(".wasm"));
  await page.reload({ waitUntil: "networkidle" });
  const reloaded = await wasm;
  expect((await reloaded.request().allHeaders())["if-modified-since"]).toBeTruthy();
  expect([200, 304]).toContain(reloaded.status());
  expect((await reloaded.request().sizes()).responseBodySize).toBe(0);
  await expect(dashboard.heading).toBeVisible();
});

test("robots.txt is public and the page describes itself", async ({ request, page }) => {
  const robots = await request.get("/robots.txt");
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toContain("Disallow: /api/");
  await page.goto("/sign-in");
  await expect(page.locator('meta[name="description"]')).toHaveAttribute("content", /Azure Kubernetes Service/);
});
