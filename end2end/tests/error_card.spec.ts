import { expect, test, type Page } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { attachScreenshot, openModal, uniqueName } from "./fixtures/journey";

// The error card (docs/PRODUCT.md §6) on failures Azure reports after the pre-flight passed, one
// sandbox story each: a quota another deployment took mid-create (centralindia), a size Azure
// had no capacity for at deploy time (francecentral), and a write refused on one cluster name
// (aks-locked in rg-platform).

const SUBSCRIPTION = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";
const SMALL_SUBSCRIPTION = "1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
// ARM is called on the signed-in user's behalf: a refused write names Alice's object id.
const PRINCIPAL = "a11ce000-0000-4000-8000-000000000001";
// The sandbox fails these creates at 60 % of SANDBOX_CREATE_SECONDS (10 s in playwright.config).
const FAILURE_TIMEOUT = 20_000;

/** Every link of a card opens in a new tab without handing it the dashboard. */
async function expectSafeLinks(page: Page, card: ReturnType<Page["locator"]>): Promise<void> {
  const links = card.getByRole("link");
  const count = await links.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    await expect(links.nth(i)).toHaveAttribute("target", "_blank");
    await expect(links.nth(i)).toHaveAttribute("rel", "noopener noreferrer");
    await expect(links.nth(i)).toHaveAttribute("href", /^https:\/\//);
  }
}

/**
 * Fails a create in the modal with an unsupported Kubernetes version, while every task answer
 * the page reads carries `rawOf(its raw error)` as the raw error; answers the card, with its raw
 * error opened.
 */
async function cardWithRawError(page: Page, prefix: string, rawOf: (raw: string) => string) {
  await page.route("**/api/get_task*", async (route) => {
    const response = await route.fetch();
    const task = await response.json();
    if (task?.error) task.error.raw = rawOf(task.error.raw);
    await route.fulfill({ response, json: task });
  });
  const { dashboard, modal } = await openModal(page);
  const name = uniqueName(prefix);
  await modal.fill({ name });
  await modal.kubernetesVersion.fill("1.20");
  await modal.expectSubmitLabel("Create cluster");
  await modal.submit.click();
  const card = dashboard.errorCard(name);
  await expect(card).toHaveAttribute("data-category", "invalid_config", { timeout: FAILURE_TIMEOUT });
  await card.getByText("Raw error from Azure").click();
  return card;
}

test.describe("the error card", () => {
  test("a quota taken mid-create: the figures, the aka.ms action, then Edit & retry", async ({ page }, testInfo) => {
    const { dashboard, modal } = await openModal(page);
    const name = uniqueName("e2e-quota");
    // The small subscription's 10 vCPUs in centralindia (the last-failure journeys use the main
    // subscription's): 6 fit at the pre-flight, then another deployment takes the rest.
    await modal.subscription.selectOption({ label: "Contoso Sandbox (small)" });
    await modal.fill({ name, region: "centralindia", workerNodes: 1 });
    await modal.expectSubmitLabel("Create cluster");
    await modal.submit.click();

    // Azure accepted the create, so the banner follows it; the card replaces the banner.
    const card = dashboard.errorCard(name);
    await expect(card).toHaveAttribute("data-category", "quota", { timeout: FAILURE_TIMEOUT });
    await expect(card).toHaveAttribute("role", "alert");
    await expect(card.getByRole("heading")).toHaveText(/Quota too small/);
    await expect(card.locator(".error-card-summary")).toHaveText(
      /Quota too small in centralindia — needs \d+ vCPUs, (you have \d+ free|the limit is \d+ vCPUs)\./,
    );
    const quota = card.getByRole("link", { name: /Request more quota/ });
    await expect(quota).toHaveAttribute(
      "href",
      `https://aka.ms/quotas/view-quotas?subscriptionId=${SMALL_SUBSCRIPTION}&location=centralindia`,
    );
    await expectSafeLinks(page, card);
    await card.getByText("Raw error from Azure").click();
    await expect(card.locator("details.raw-error pre")).toContainText("Total Regional Cores");
    await attachScreenshot(testInfo, "quota error card", await page.screenshot());
    await expectNoAxeViolations(page, "quota error card");

    // Edit & retry opens the form with the attempt's settings, on the worker count.
    await card.getByRole("button", { name: "Edit & retry" }).click();
    await expect(modal.dialog).toBeVisible();
    await expect(modal.clusterName).toHaveValue(name);
    await expect(modal.region).toHaveValue("centralindia");
    await expect(modal.resourceGroup).toHaveValue(`rg-${name}`);
    await expect(modal.workerNodes).toBeFocused();
    // The other deployment still holds its vCPUs: the pre-flight now says so before Azure does.
    await expect(modal.quotaRow).toHaveClass(/check-fail/);
    await modal.expectSubmitLabel("Fix errors above");
  });

  test("a size Azure has no capacity for at deploy time shows as sku_blocked", async ({ page }) => {
    const { dashboard, modal } = await openModal(page);
    const name = uniqueName("e2e-sku");
    await modal.fill({ name, region: "francecentral", workerSize: "Standard_D4s_v5" });
    await modal.expectSubmitLabel("Create cluster");
    await modal.submit.click();

    const card = dashboard.errorCard(name);
    await expect(card).toHaveAttribute("data-category", "sku_blocked", { timeout: FAILURE_TIMEOUT });
    await expect(card.getByRole("heading")).toHaveText(/VM size not available/);
    await expect(card.locator(".error-card-summary")).toContainText("Standard_D4s_v5");
    await expectSafeLinks(page, card);
    await expectNoAxeViolations(page, "the sku_blocked card");
  });

  test("a refused write offers the role assignment command, copied to the clipboard", async ({
    page,
    context,
  }, testInfo) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const { dashboard, modal } = await openModal(page);
    await modal.fill({ name: "aks-locked" });
    await modal.resourceGroup.fill("rg-platform");
    await modal.expectSubmitLabel("Create cluster");
    await modal.submit.click();

    // Refused before Azure accepted anything: the card shows in the modal, the form stays.
    const card = dashboard.errorCard("aks-locked");
    await expect(modal.dialog.locator("section.error-card")).toHaveAttribute("data-category", "rg_permission", {
      timeout: FAILURE_TIMEOUT,
    });
    const command = `az role assignment create --assignee ${PRINCIPAL} --role Contributor --scope /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-platform`;
    await expect(card.locator("code.command-line")).toHaveText(command);
    await card.getByRole("button", { name: "Copy the role assignment command" }).click();
    await expect(card.getByRole("status")).toHaveText("Copied to the clipboard.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(command);
    await expectSafeLinks(page, card);
    await attachScreenshot(testInfo, "permission error card", await page.screenshot());
    await expectNoAxeViolations(page, "permission error card");

    // Edit & retry hands the form back, on the resource group; Dismiss clears the card.
    await card.getByRole("button", { name: "Edit & retry" }).click();
    await expect(card).toBeHidden();
    await expect(modal.resourceGroup).toBeFocused();
    await expect(modal.resourceGroup).toHaveValue("rg-platform");
  });

  test("Azure's raw text is shown as text, never as HTML", async ({ page }) => {
    // Azure's text is not under the user's control, so a hostile body is injected into the
    // task answers the page reads; the card must show it literally.
    const hostile = `<script>window.__pwned = true</script><img src=x onerror="window.__pwned = true">`;
    const card = await cardWithRawError(page, "e2e-raw", (raw) => `${raw}\n${hostile}`);
    await expect(card.locator("details.raw-error pre")).toContainText(hostile);
    await expect(card.locator("script, img")).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
  });

  test("a raw error in JSON is shown indented, with a Copy button", async ({ page, context }) => {
    // Issue 19, point 8: Azure's raw error was one long line. The task answers carry a compact
    // JSON body here, as ARM's own error bodies are.
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const body = { error: { code: "InvalidParameter", message: "Kubernetes version 1.20 is not supported." } };
    const card = await cardWithRawError(page, "e2e-rawjson", () => JSON.stringify(body));
    const shown = JSON.stringify(body, null, 2);
    const pre = card.locator("details.raw-error pre");
    await expect(pre).toBeVisible();
    expect(await pre.textContent(), "indented, line by line").toBe(shown);
    await card.getByRole("button", { name: "Copy raw error" }).click();
    await expect(card.locator("details.raw-error").getByRole("status")).toHaveText("Copied to the clipboard.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
    await expectNoAxeViolations(page, "the indented raw error after its copy");
  });
});
