import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { DashboardPage } from "./fixtures/dashboard_page";
import { attachScreenshot, openModal, startCreate, signedInRequest, uniqueName, VIEWPORTS } from "./fixtures/journey";

// Stopping a create (docs/PRODUCT.md §5): from the modal before Azure accepted it, from the banner
// after, and never someone else's. The banner journey also shows the page keeping one truth about
// the cluster (issue 19, point 1): its table row and the tab's title follow the job without a
// reload or a click on Refresh, at the desktop width and on a phone. (axe checks the running
// banner and the Stop question in accessibility.spec.ts: here every second counts against the
// sandbox's ten-second create.)

const SETTLE_TIMEOUT = 15_000;
const PRODUCT_TITLE = "AKS Provisioning Dashboard";

test.describe("stop a create", () => {
  for (const viewport of VIEWPORTS) {
    test(`from the banner: the question, the wait, then the cancelled card with the portal link (${viewport.width} px)`, async ({
      page,
    }, testInfo) => {
      await page.setViewportSize(viewport);
      const { dashboard, modal } = await openModal(page);
      const name = uniqueName("e2e-stop");
      await modal.fill({ name, workerNodes: 1 });
      await modal.expectSubmitLabel("Create cluster");
      await modal.submit.click();
      const banner = dashboard.banner(name);
      await expect(modal.dialog).toBeHidden();
      await expect(banner).toContainText(/AKS state: Creating/);
      // Once Azure holds the cluster, its row appears by itself, and the tab counts the steps.
      const row = dashboard.clusterRow(name);
      await expect(row).toContainText("Creating");
      await expect(row).not.toContainText("Running");
      await expect(page).toHaveTitle(`▶ 3/5 Creating ${name} · ${PRODUCT_TITLE}`);

      // The question names the cluster and warns about what may be left; "Keep running" is safe.
      const stop = banner.getByRole("button", { name: "Stop provisioning" });
      await stop.click();
      const question = page.getByRole("alertdialog", { name: `Stop creating ${name}?` });
      await expect(question).toContainText("Part of the cluster may already exist on Azure and may need deleting.");
      await expect(question.getByRole("button", { name: "Keep running" })).toBeFocused();
      await attachScreenshot(testInfo, "stop question", await page.screenshot());
      await expect(question.getByRole("button", { name: "Stop provisioning" })).toHaveClass(/\bdanger\b/);
      // A press on the backdrop keeps focus in the question: ESC still answers it.
      await page.mouse.click(4, 4);
      await page.keyboard.press("Escape");
      await expect(question).toBeHidden();
      await expect(stop).toBeFocused();

      // The worker stops within a fraction of a second; the page learns it from the next task
      // read. Holding those reads back keeps the waiting line up long enough to check it on a
      // loaded machine too.
      const taskReads = "**/api/get_task*";
      await page.route(taskReads, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        await route.continue();
      });
      await stop.click();
      await question.getByRole("button", { name: "Stop provisioning" }).click();
      await expect(banner.getByRole("status")).toHaveText("Cancellation requested. Waiting for the worker to stop…");
      await expect(row).toContainText("Canceling");
      await expect(page).toHaveTitle(`■ Stopping ${name} · ${PRODUCT_TITLE}`);
      // Reads still held back finish on their own.
      await page.unrouteAll({ behavior: "ignoreErrors" });

      const cancelled = page.locator(".cancelled-notice").filter({ hasText: `Provisioning ${name} was cancelled.` });
      await expect(cancelled).toBeVisible({ timeout: SETTLE_TIMEOUT });
      await expect(cancelled).toContainText("Provisioning task was cancelled before it finished.");
      // A calm card with one headline takes the focus the Stop control's note had.
      const title = cancelled.getByRole("heading", { name: `Provisioning ${name} was cancelled.` });
      await expect(title).toBeFocused();
      await expect(cancelled.getByRole("heading")).toHaveCount(1);
      await expect(title.locator("svg")).toBeVisible();
      const leftover = cancelled.getByRole("link", { name: "Open cluster in Azure portal ↗" });
      await expect(leftover).toHaveAttribute("href", new RegExp(`/managedClusters/${name}$`));
      await expect(leftover).toHaveAttribute("rel", "noopener noreferrer");
      await attachScreenshot(testInfo, "cancelled card", await page.screenshot());
      await expect(page).toHaveTitle(PRODUCT_TITLE);

      // Azure was told: the cluster goes Canceling, then Canceled, and the row says so by itself.
      await expect(row).toContainText("Canceled", { timeout: SETTLE_TIMEOUT });
      await expect(row).not.toContainText("Running");
      await expectNoAxeViolations(page, "the cancelled card");

      // Delete partial cluster: asks first (the resource group is kept), then shows the deletion.
      const card = page.locator(".banner-failed").filter({ has: cancelled });
      await card.getByRole("button", { name: "Delete partial cluster" }).click();
      const deleteQuestion = page.getByRole("alertdialog", { name: `Delete cluster ${name} from Azure?` });
      await expect(deleteQuestion).toContainText(`Its resource group rg-${name} is kept.`);
      await expectNoAxeViolations(page, "the Delete question");
      // The row says Deleting from Azure's answer to the delete; task reads held back keep it
      // there long enough to see.
      await page.route(taskReads, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        await route.continue();
      });
      await deleteQuestion.getByRole("button", { name: "Delete cluster" }).click();
      await expect(
        card.getByRole("status").filter({ hasText: "Deleting the partial cluster on Azure…" }),
      ).toBeVisible();
      await expect(row).toContainText("Deleting");
      await page.unrouteAll({ behavior: "ignoreErrors" });
      await expect(card.getByRole("status").filter({ hasText: "Partial cluster deleted." })).toBeVisible({
        timeout: SETTLE_TIMEOUT,
      });
      await expect(card.getByRole("button", { name: "Delete partial cluster" })).toHaveCount(0);
      // Nothing is left on Azure: the card no longer says so, nor links to it.
      await expect(cancelled).not.toContainText("may need deleting");
      await expect(cancelled.getByRole("link", { name: "Open cluster in Azure portal ↗" })).toHaveCount(0);
      // The list was read again: the cluster is gone.
      await expect(row).toHaveCount(0);
      await expectNoAxeViolations(page, "the deleted partial cluster's card");
    });
  }

  test("from the modal, while Azure still validates the create: the modal shows the cancelled card", async ({
    page,
  }) => {
    const { modal } = await openModal(page);
    const name = uniqueName("e2e-stop-early");
    await modal.fill({ name, workerNodes: 1 });
    await modal.expectSubmitLabel("Create cluster");
    await modal.submit.click();

    // The sandbox takes SANDBOX_VALIDATION_MS (playwright.config.ts) to accept the PUT: the
    // modal shows the job until then.
    const stop = modal.livePanel.getByRole("button", { name: "Stop", exact: true });
    await stop.click();
    const question = page.getByRole("alertdialog", { name: `Stop creating ${name}?` });
    // ESC inside the question answers it ("Keep running"); it does not close the modal.
    await page.keyboard.press("Escape");
    await expect(question).toBeHidden();
    await expect(modal.dialog).toBeVisible();
    await stop.click();
    await question.getByRole("button", { name: "Stop provisioning" }).click();

    // The worker lets the PUT it already sent finish, then aborts; the job ends in the modal.
    await expect(modal.livePanel).toContainText("Cancellation requested. Waiting for the worker to stop…");
    const cancelled = modal.dialog.locator(".cancelled-notice");
    await expect(cancelled).toContainText(`Provisioning ${name} was cancelled.`, { timeout: SETTLE_TIMEOUT });
    await expect(cancelled.getByRole("heading", { name: `Provisioning ${name} was cancelled.` })).toBeFocused();
    // The form is editable again with every value.
    await expect(modal.clusterName).toHaveValue(name);
    await expect(modal.clusterName).toBeEnabled();
  });

  test("bob can neither see nor stop alice's create", async ({ browser, page }) => {
    const alice = await signedInRequest(browser, "alice");
    const bob = await signedInRequest(browser, "bob");
    const name = uniqueName("e2e-owner");
    const taskId = await startCreate(alice, name);

    const refused = await bob.post(`/api/aks/cancel-provision/${taskId}`);
    expect(refused.status()).toBe(403);
    expect(JSON.stringify(await refused.json())).not.toContain(name);

    // Bob's dashboard has no banner, so no Stop, for Alice's job.
    const dashboard = new DashboardPage(page);
    await dashboard.signIn("Bob Example");
    await dashboard.open();
    await expect(dashboard.banner(name)).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Stop provisioning" })).toHaveCount(0);

    // Alice's own stop is accepted.
    const stopped = await alice.post(`/api/aks/cancel-provision/${taskId}`);
    expect(stopped.status()).toBe(200);
    expect(await stopped.json()).toMatchObject({ task_id: taskId, cancelled: true });
  });
});
