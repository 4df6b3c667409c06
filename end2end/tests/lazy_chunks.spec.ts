import { expect, test } from "@playwright/test";
import { DashboardPage } from "./fixtures/dashboard_page";
import { CreateClusterModal } from "./fixtures/create_cluster_modal";

// The bundle is split (docs/ARCHITECTURE.md, "The browser bundle"): the dashboard's first load
// fetches the main module only, and the create modal's code arrives when the modal first opens,
// with the modal's frame saying so meanwhile.

test("the first load fetches only the main module; the modal's chunk comes on first open", async ({ page }) => {
  const dashboard = new DashboardPage(page);
  await dashboard.signIn();
  const wasm: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith(".wasm")) wasm.push(new URL(request.url()).pathname);
  });
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/split_create_modal_view*.wasm", async (route) => {
    await held;
    await route.continue();
  });

  await dashboard.open();
  await expect(page.locator("main.app")).not.toHaveAttribute("aria-busy", /.*/, { timeout: 15_000 });
  await page.waitForLoadState("networkidle");
  expect(wasm, "the first load").toEqual([expect.stringMatching(/^\/pkg\/aks-dashboard\.[\w-]+\.wasm$/)]);

  await dashboard.createCluster.click();
  const modal = new CreateClusterModal(page);
  await expect(modal.dialog).toBeVisible();
  await expect(modal.dialog).toHaveAttribute("aria-busy", "true");
  await expect(modal.dialog.getByRole("status")).toHaveText("Loading the form…");
  await expect(modal.clusterName).toHaveCount(0);

  const chunk = page.waitForResponse((response) => response.url().includes("/split_create_modal_view"));
  release();
  const answer = await chunk;
  expect(answer.headers()["content-encoding"]).toBe("br");
  expect(answer.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  await expect(modal.clusterName).toBeVisible();
  await expect(modal.clusterName).toBeFocused();
  await expect(modal.dialog).not.toHaveAttribute("aria-busy", /.*/);
  expect(wasm.filter((path) => path.includes("/split_create_modal_view"))).toHaveLength(1);
});
