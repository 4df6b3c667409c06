import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { DashboardPage } from "./fixtures/dashboard_page";
import { attachScreenshot, openModal, uniqueName, withoutJavaScript } from "./fixtures/journey";

// The sandbox create takes SANDBOX_CREATE_SECONDS (playwright.config.ts); the journey waits for
// the cluster to be ready, so its expectations get that long and a little more.
const CREATE_TIMEOUT = 25_000;

test.describe("create a cluster", () => {
  test("from the modal to the banner to the clusters list", async ({ page }, testInfo) => {
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    const { dashboard, modal } = await openModal(page);
    const name = uniqueName("e2e");

    // The modal is a labelled dialog; focus starts in the first field and Tab stays inside.
    await expect(modal.dialog).toHaveAttribute("aria-modal", "true");
    await expect(modal.clusterName).toBeFocused();
    await page.keyboard.press("Shift+Tab");
    await expect(modal.submit).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(modal.clusterName).toBeFocused();

    // Messages appear as the user types, with ARM's naming rules.
    await modal.clusterName.fill("-nope");
    await expect(modal.dialog.getByText("must start and end with a letter or digit")).toBeVisible();
    await expect(modal.clusterName).toHaveAttribute("aria-invalid", "true");

    // Sizes the subscription cannot deploy stay visible but disabled, with the reason in words.
    await modal.region.selectOption("eastus");
    const blocked = modal.sizeOption(modal.workerSize, "Standard_NC6s_v3");
    await expect(blocked).toBeDisabled();
    await expect(blocked).toContainText("not offered to this subscription in eastus");

    await modal.fill({ name, workerNodes: 2 });
    await expect(modal.dialog.getByText("must start and end with a letter or digit")).toBeHidden();
    await expect(modal.systemPool).toContainText("2 cores, 8 GB RAM · 1 × 2 = 2 cores total");
    await expect(modal.workerPool).toContainText("4 cores, 16 GB RAM · 2 × 4 = 8 cores total");
    await expect(modal.dialog).toContainText(`DNS prefix: ${name}`);
    await attachScreenshot(testInfo, "create modal", await modal.dialog.screenshot());
    await expectNoAxeViolations(page, "create modal");

    // After the submit the modal stays open with the live panel until Azure accepted the create.
    await modal.submit.click();
    await modal.livePanel.filter({ hasText: /Step \d\/5|Waiting for the worker|Submitting/ }).waitFor();

    // Then the banner takes over: step, Azure's state, progress bar, pool chips, portal link.
    const banner = dashboard.banner(name);
    await expect(modal.dialog).toBeHidden();
    await expect(banner).toBeVisible();
    await expect(banner).toContainText(/Step 3\/5 · Creating AKS cluster · \d+s/);
    await expect(banner).toContainText(/AKS state: Creating · ARM \d+s/);
    await expect(banner).toContainText("eastus");
    await expect(banner.getByRole("progressbar", { name: "Provisioning progress" })).toBeVisible();
    const pools = banner.getByRole("list", { name: "Node pools" });
    await expect(
      pools.getByRole("listitem").filter({ hasText: "system · Creating · 1 × Standard_D2s_v5" }),
    ).toHaveClass(/chip-busy/);
    await expect(
      pools.getByRole("listitem").filter({ hasText: "workers · Creating · 2 × Standard_D4s_v5" }),
    ).toBeVisible();
    const portal = banner.getByRole("link", { name: "Open in Azure portal ↗" });
    await expect(portal).toHaveAttribute("target", "_blank");
    await expect(portal).toHaveAttribute("rel", "noopener noreferrer");
    await expect(portal).toHaveAttribute("href", new RegExp(`/managedClusters/${name}$`));
    await attachScreenshot(testInfo, "provisioning banner", await page.screenshot({ fullPage: true }));
    await expectNoAxeViolations(page, "provisioning banner");

    // The system pool finishes first (halfway through the sandbox's create).
    await expect(pools.getByRole("listitem").filter({ hasText: "system · Succeeded" })).toHaveClass(/chip-good/, {
      timeout: CREATE_TIMEOUT,
    });

    // When the job succeeds, the cluster is in the list without a reload and the banner is gone.
    await expect(dashboard.readyLine(name)).toBeVisible({ timeout: CREATE_TIMEOUT });
    await expect(banner).toBeHidden();
    const row = dashboard.clusterRow(name);
    await expect(row).toContainText("Succeeded");
    await expect(row).toContainText(`rg-${name}`);
    await expect(row).toContainText("workers · 2 × Standard_D4s_v5 · User");
    await dashboard.readyLine(name).getByRole("button", { name: "Dismiss" }).click();
    await expect(dashboard.readyLine(name)).toBeHidden();
    expect(consoleErrors, "no errors in the browser console").toEqual([]);
  });

  test("a reload mid-create shows the banner again, already in the first HTML", async ({ page, browser }, testInfo) => {
    const { dashboard, modal } = await openModal(page);
    const name = uniqueName("e2e-reload");
    await modal.fill({ name, workerNodes: 1 });
    await modal.submit.click();
    await expect(dashboard.banner(name)).toBeVisible();

    // The banner hydrates without a mismatch (a mismatch panics into the console).
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    await page.reload({ waitUntil: "networkidle" });
    await expect(dashboard.banner(name)).toContainText(/Step \d\/5/);

    // Without JavaScript the banner is there too: the server rendered it.
    await withoutJavaScript(browser, testInfo, page.context(), async (staticPage) => {
      const staticBanner = new DashboardPage(staticPage).banner(name);
      await expect(staticBanner).toContainText(/Step \d\/5 · .+ · \d+s/);
      await expect(staticBanner.getByRole("progressbar")).toBeVisible();
    });

    // The reloaded page keeps following the job to the end.
    await expect(dashboard.clusterRow(name)).toContainText("Succeeded", { timeout: CREATE_TIMEOUT });
    await expect(dashboard.readyLine(name)).toBeVisible();
    expect(consoleErrors, "no errors in the browser console").toEqual([]);
  });

  test("a create Azure refuses keeps the modal open with every value and the failure", async ({ page }, testInfo) => {
    const { dashboard, modal } = await openModal(page);
    const name = uniqueName("e2e-refused");
    await modal.fill({ name });
    // Well formed, so neither the form nor the pre-flight stops it, but AKS does not offer it.
    await modal.kubernetesVersion.fill("1.20");
    await modal.expectSubmitLabel("Create cluster");
    await modal.submit.click();

    const failure = modal.dialog.getByRole("alert");
    await expect(failure).toContainText(`Provisioning ${name} failed.`);
    await expect(failure).toHaveAttribute("data-category", "invalid_config");
    await expect(failure.getByRole("heading")).toHaveText(/A setting was rejected/);
    const raw = failure.getByRole("group").filter({ hasText: "Raw error from Azure" });
    await raw.getByText("Raw error from Azure").click();
    await expect(raw).toContainText("K8sVersionNotSupported");
    await attachScreenshot(testInfo, "create modal after a refused create", await page.screenshot());
    await expectNoAxeViolations(page, "create modal after a refused create");

    // Nothing runs any more: the form is editable again and still holds what was typed.
    await expect(modal.livePanel).toBeHidden();
    await expect(modal.clusterName).toBeEnabled();
    await expect(modal.clusterName).toHaveValue(name);
    await expect(modal.kubernetesVersion).toHaveValue("1.20");
    await expect(modal.workerSize).toHaveValue("Standard_D4s_v5");
    await expect(modal.submit).toBeEnabled();
    await expect(dashboard.banner(name)).toBeHidden();

    // Dismiss clears the card and leaves the form as it was, ready for another try.
    await failure.getByRole("button", { name: "Dismiss" }).click();
    await expect(modal.dialog.locator("section.error-card")).toHaveCount(0);
    await expect(modal.clusterName).toBeFocused();
    await expect(modal.clusterName).toHaveValue(name);
    await modal.expectSubmitLabel("Create cluster");

    // Closing drops the failed job; it does not turn into a banner.
    await modal.close.click();
    await expect(modal.dialog).toBeHidden();
    await expect(dashboard.banner(name)).toBeHidden();
  });

  test("ESC closes the modal when nothing runs and focus returns to the button", async ({ page }) => {
    const { dashboard, modal } = await openModal(page);
    await modal.clusterName.fill("draft");
    // What was typed is not thrown away without a question.
    await page.keyboard.press("Escape");
    await modal.discardQuestion.getByRole("button", { name: "Discard" }).click();
    await expect(modal.dialog).toBeHidden();
    await expect(dashboard.createCluster).toBeFocused();

    // A reopened modal starts from a fresh form.
    await dashboard.createCluster.click();
    await expect(modal.clusterName).toHaveValue("");
    await modal.close.click();
    await expect(modal.dialog).toBeHidden();
  });

  test("an invalid field blocks the submit and takes the focus", async ({ page }) => {
    const { modal } = await openModal(page);
    await modal.fill({ name: uniqueName("e2e-version") });
    await modal.kubernetesVersion.fill("latest");
    await expect(modal.dialog.getByText("Kubernetes version must look like 1.33 or 1.33.2")).toBeVisible();
    await modal.submit.click();
    await expect(modal.kubernetesVersion).toBeFocused();
    await expect(modal.livePanel).toBeHidden();
  });
});

test.describe("pre-flight", () => {
  test("in the quota-tight region the worker count snaps to the fit, and Apply N restores it", async ({
    page,
  }, testInfo) => {
    const { modal } = await openModal(page);
    await modal.clusterName.fill(uniqueName("e2e-quota"));
    // The small subscription has a quarter of every quota: 25 regional vCPUs in koreacentral.
    // 1 × 2-core system + the default 3 × 16-core workers need 50; (25 − 2) / 16 = 1 worker
    // fits. The count was never touched, so it follows the fit.
    await modal.subscription.selectOption({ label: "Contoso Sandbox (small)" });
    await modal.region.selectOption("koreacentral");
    await modal.workerSize.selectOption("Standard_D16s_v5");
    await expect(modal.workerNodes).toHaveValue("1");
    await expect(modal.quotaRow).toHaveClass(/check-ok/);
    await modal.expectSubmitLabel("Create cluster");

    // Raising it by hand fails the quota row and the submit refuses.
    await modal.workerNodes.fill("3");
    await expect(modal.quotaRow).toHaveClass(/check-fail/);
    await expect(modal.quotaRow).toContainText("needs 50 vCPUs of Total Regional vCPUs, 25 free; 1 worker node fits");
    // The picker says the same of the size, and of each other size at this count.
    const chosen = modal.sizeOption(modal.workerSize, "Standard_D16s_v5");
    await expect(chosen).toContainText("over quota: needs 50 vCPUs of Total Regional vCPUs, 25 free");
    await expect(modal.sizeOption(modal.workerSize, "Standard_D2s_v5")).toContainText("fits your quota");
    await modal.expectSubmitLabel("Fix errors above");
    await expect(modal.submit).toHaveAttribute("aria-disabled", "true");
    await attachScreenshot(testInfo, "pre-flight quota shortfall", await modal.dialog.screenshot());
    await expectNoAxeViolations(page, "pre-flight quota shortfall");
    // aria-disabled, not disabled: it stays focusable and a click lands (Playwright needs force).
    await modal.submit.click({ force: true });
    await expect(modal.applyNodes(1)).toBeFocused();
    await expect(modal.livePanel).toBeHidden();
    // The user's own count stays: the smart default acts once and never over a typed count.
    await expect(modal.workerNodes).toHaveValue("3");

    await modal.applyNodes(1).click();
    await expect(modal.workerNodes).toHaveValue("1");
    await expect(modal.quotaRow).toHaveClass(/check-ok/);
    await expect(chosen).toContainText("fits your quota");
    await modal.expectSubmitLabel("Create cluster");

    // A size the subscription cannot deploy here is listed, disabled, with its reason.
    const blocked = modal.sizeOption(modal.workerSize, "Standard_NC6s_v3");
    await expect(blocked).toBeDisabled();
    await expect(blocked).toContainText("not offered to this subscription in koreacentral");
  });

  test("only the newest check renders: a slow answer to an older edit is dropped", async ({ page }) => {
    const { modal } = await openModal(page);
    await modal.fill({ name: uniqueName("e2e-stale") });
    await modal.expectSubmitLabel("Create cluster");

    // Hold the next check's answer back for three seconds (the server still answers it).
    let held = false;
    await page.route("**/api/run_preflight*", async (route) => {
      if (!held) {
        held = true;
        await new Promise((resolve) => setTimeout(resolve, 3_000));
      }
      await route.continue();
    });
    // 999 × 4 vCPUs cannot fit in eastus: that answer fails the quota row, but it comes late.
    const slowRequest = page.waitForRequest("**/api/run_preflight*");
    await modal.workerNodes.fill("999");
    const slow = await slowRequest;
    await modal.workerNodes.fill("2");
    await expect(modal.quotaRow).toHaveClass(/check-ok/);
    await modal.expectSubmitLabel("Create cluster");

    await slow.response();
    // Give the page a moment to (wrongly) render the late answer; it must not.
    await page.waitForTimeout(300);
    await expect(modal.quotaRow).toHaveClass(/check-ok/);
    await expect(modal.quotaRow).toContainText("the quota has room");
    await expect(modal.submit).toHaveText("Create cluster");
  });

  test("a resource group the signed-in user cannot write fails its row before anything is created", async ({
    page,
  }) => {
    const { modal } = await openModal(page);
    await modal.fill({ name: uniqueName("e2e-denied") });
    await modal.resourceGroup.fill("rg-readonly");
    await expect(modal.resourceGroupRow).toHaveClass(/check-fail/);
    await expect(modal.resourceGroupRow).toContainText("Microsoft.ContainerService/managedClusters/write");
    await modal.expectSubmitLabel("Fix errors above");
    await modal.submit.click({ force: true });
    await expect(modal.resourceGroupRow).toBeFocused();
    await expect(modal.livePanel).toBeHidden();

    // Back to a group it may write: the row passes and the create can go.
    await modal.resourceGroup.fill("rg-platform");
    await expect(modal.resourceGroupRow).toHaveClass(/check-ok/);
    await expect(modal.resourceGroupRow).toContainText("rg-platform exists in eastus and will be reused");
    await modal.expectSubmitLabel("Create cluster");
  });
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the modal fills the narrow screen in one column", async ({ page }, testInfo) => {
    const { modal } = await openModal(page);
    const dialog = await modal.dialog.boundingBox();
    expect(dialog).not.toBeNull();
    if (dialog) {
      expect(dialog.x).toBeGreaterThanOrEqual(0);
      expect(dialog.x + dialog.width).toBeLessThanOrEqual(390);
    }
    // One column: the pools sit one above the other, each as wide as the form.
    const system = await modal.systemPool.boundingBox();
    const worker = await modal.workerPool.boundingBox();
    expect(system && worker && worker.y > system.y + system.height - 1).toBeTruthy();
    for (const field of [modal.clusterName, modal.region, modal.systemSize, modal.workerNodes]) {
      const box = await field.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBeTruthy();
    }
    await attachScreenshot(testInfo, "create modal at 390 px (top)", await page.screenshot());
    await expectNoAxeViolations(page, "create modal at 390 px (top)");
    // The pre-flight rows render under the form when their answer arrives and push the button
    // down: scroll once the modal has settled, and again if it still moved.
    await expect(modal.preflight).toHaveAttribute("aria-busy", "false");
    await expect(async () => {
      await modal.submit.scrollIntoViewIfNeeded();
      await expect(modal.submit).toBeInViewport({ timeout: 1_000 });
    }).toPass();
    await attachScreenshot(testInfo, "create modal at 390 px (bottom)", await page.screenshot());
    await expectNoAxeViolations(page, "create modal at 390 px (bottom)");
  });
});
