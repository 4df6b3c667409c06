import { expect, test } from "@playwright/test";
import { DashboardPage } from "./fixtures/dashboard_page";
import { CreateClusterModal } from "./fixtures/create_cluster_modal";

// Before the browser bundle has hydrated the page, its buttons cannot work yet: the page says
// so (aria-busy, a busy cursor) instead of dropping a click silently, and works once hydrated.

test("with the WASM held back, Create cluster is visibly busy; once hydrated it opens the modal", async ({ page }) => {
  const dashboard = new DashboardPage(page);
  await dashboard.signIn();
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/*.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/", { waitUntil: "domcontentloaded" });
  const main = page.locator("main.app");
  await expect(main).toHaveAttribute("aria-busy", "true");
  await expect(dashboard.createCluster).toBeVisible();
  expect(await dashboard.createCluster.evaluate((button) => getComputedStyle(button).cursor)).toBe("progress");

  release();
  await expect(main).not.toHaveAttribute("aria-busy", /.*/, { timeout: 15_000 });
  expect(await dashboard.createCluster.evaluate((button) => getComputedStyle(button).cursor)).not.toBe("progress");
  await dashboard.createCluster.click();
  await expect(new CreateClusterModal(page).dialog).toBeVisible();
});
