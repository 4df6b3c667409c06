import { expect, test } from "@playwright/test";
import { DashboardPage } from "./fixtures/dashboard_page";
import { CreateClusterModal } from "./fixtures/create_cluster_modal";
import { startCreate, signedInRequest, uniqueName } from "./fixtures/journey";

// The bundle is split (docs/ARCHITECTURE.md, "The browser bundle"): the dashboard's first load
// fetches the main module and the chunks of the parts the page shows (app/src/split_parts.rs),
// and the create modal's code arrives when the modal first opens, with the modal's frame saying
// so meanwhile.

/** The stem of a module's path: `split_banner_view`, `chunk`, `aks-dashboard`. */
const stem = (path: string) => path.split("/").pop()!.split(".")[0].replace(/_\d+$/, "");

test("the first load fetches no modal code; the modal's chunk comes on first open", async ({ page }) => {
  const dashboard = new DashboardPage(page);
  await dashboard.signIn();
  // The page the sign-in lands on loads its bundle after its first paint: let it finish, so
  // that only the next load's requests are counted.
  await expect(page.locator("main.app")).not.toHaveAttribute("aria-busy", /.*/, { timeout: 15_000 });
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
  // The main module once, and a chunk for each split part the page shows (Alice's banners and
  // failures from other journeys may be there), never the modal's.
  expect(
    wasm.filter((path) => stem(path) === "aks-dashboard"),
    "the main module",
  ).toHaveLength(1);
  const marks = await page
    .locator("[data-split-part]")
    .evaluateAll((parts) => parts.map((part) => (part as HTMLElement).dataset.splitPart!.replaceAll("-", "_")));
  // Code the parts share comes as `chunk_<n>` files along with them.
  const chunks = wasm.map(stem).filter((name) => name.startsWith("split_"));
  expect(new Set(chunks), "the parts' chunks").toEqual(new Set(marks.map((mark) => `split_${mark}_view`)));

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

test("a banner in the first HTML has its code before hydration, and works", async ({ browser, page }) => {
  const alice = await signedInRequest(browser, "alice");
  const name = uniqueName("e2e-chunk");
  const taskId = await startCreate(alice, name);

  const dashboard = new DashboardPage(page);
  await dashboard.signIn();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  const banner = page.waitForResponse((response) => /\/split_banner_view[^/]*\.wasm$/.test(response.url()));
  await page.goto("/");
  await expect(dashboard.banner(name), "in the server's HTML").toBeVisible();
  expect((await banner).status()).toBe(200);
  // Hydrated without a mismatch: the busy mark clears and the banner's Stop asks its question.
  await expect(page.locator("main.app")).not.toHaveAttribute("aria-busy", /.*/, { timeout: 15_000 });
  await dashboard.banner(name).getByRole("button", { name: "Stop provisioning" }).click();
  const question = page.getByRole("alertdialog", { name: `Stop creating ${name}?` });
  await expect(question).toBeVisible();
  await question.getByRole("button", { name: "Keep running" }).click();
  await expect(question).toBeHidden();
  expect(errors).toEqual([]);

  const stopped = await alice.post(`/api/aks/cancel-provision/${taskId}`);
  expect(stopped.status()).toBe(200);
});
