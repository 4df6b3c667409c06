import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { attachScreenshot, openModal, uniqueName } from "./fixtures/journey";

// Capacity (docs/PRODUCT.md §6, the sandbox's capacity story): swedencentral has no capacity for
// the form's default worker size (Standard_D4as_v5), and none in zone 1 for any size. Every
// check passes; the create fails midway. The card names the size and the pool and offers
// one-click "Retry with …" suggestions computed from the catalogues and quotas the dashboard
// reads; one of them, after the partial cluster is deleted, creates the cluster.

// The sandbox fails these creates at 60 % of SANDBOX_CREATE_SECONDS (10 s in playwright.config).
const FAILURE_TIMEOUT = 20_000;
// A partial cluster's delete (SANDBOX_DELETE_SECONDS) and a whole create, with room to spare.
const SETTLE_TIMEOUT = 15_000;
const CREATE_TIMEOUT = 25_000;
const DEFAULT_WORKER_SIZE = "Standard_D4as_v5";

test("the default size out of capacity: the card, a sibling size in one click, and the create succeeds", async ({
  page,
}, testInfo) => {
  // A failure, a deletion and a whole create.
  test.slow();
  const { dashboard, modal } = await openModal(page);
  const name = uniqueName("e2e-capacity");
  await modal.clusterName.fill(name);
  await modal.region.selectOption("swedencentral");
  await expect(modal.workerSize).toHaveValue(DEFAULT_WORKER_SIZE);
  await modal.workerNodes.fill("1");
  await modal.expectSubmitLabel("Create cluster");
  await modal.submit.click();

  // Azure accepted the create, so the banner follows it; the card replaces the banner.
  const card = dashboard.errorCard(name);
  await expect(card).toHaveAttribute("data-category", "capacity", { timeout: FAILURE_TIMEOUT });
  await expect(card.getByRole("heading")).toHaveText(/Azure is out of capacity/);
  await expect(card.locator(".error-card-summary")).toContainText(DEFAULT_WORKER_SIZE);
  await expect(dashboard.cardFact(card, "VM size")).toContainText(DEFAULT_WORKER_SIZE);
  await expect(dashboard.cardFact(card, "Node pool")).toHaveText("workers");
  const sibling = card.getByRole("button", { name: /^Retry with Standard_/ }).first();
  await expect(sibling).toBeVisible();
  const size = (await sibling.textContent())?.match(/Standard_\w+/)?.[0];
  expect(size, "the suggestion names its size").toBeTruthy();
  expect(size).not.toBe(DEFAULT_WORKER_SIZE);
  await attachScreenshot(testInfo, "capacity card", await page.screenshot());
  await expectNoAxeViolations(page, "the capacity card with its suggestions");

  // Azure left the failed cluster under the name: delete it first, as the card offers.
  const banner = page.locator(".banner-failed").filter({ has: card });
  await banner.getByRole("button", { name: "Delete partial cluster" }).click();
  await page
    .getByRole("alertdialog", { name: `Delete cluster ${name} from Azure?` })
    .getByRole("button", { name: "Delete cluster" })
    .click();
  await expect(banner.getByRole("status").filter({ hasText: "Partial cluster deleted." })).toBeVisible({
    timeout: SETTLE_TIMEOUT,
  });
  await expectNoAxeViolations(page, "the capacity card after its partial cluster was deleted");

  // One click: the form opens with the attempt's settings and the suggested size, on Create.
  await sibling.click();
  await expect(modal.dialog).toBeVisible();
  await expect(modal.clusterName).toHaveValue(name);
  await expect(modal.region).toHaveValue("swedencentral");
  await expect(modal.workerSize).toHaveValue(size!);
  await expect(modal.workerNodes).toHaveValue("1");
  await expect(modal.submit).toBeFocused();
  await modal.expectSubmitLabel("Create cluster");
  await modal.submit.click();

  await expect(dashboard.readyLine(name)).toBeVisible({ timeout: CREATE_TIMEOUT });
  await expect(dashboard.clusterRow(name)).toContainText(`workers · 1 × ${size}`);
});

test("a zone out of capacity: the card names the zone, and a retry in the other zones fills the form", async ({
  page,
}) => {
  const { dashboard, modal } = await openModal(page);
  const name = uniqueName("e2e-zone");
  await modal.fill({ name, region: "swedencentral", workerSize: "Standard_D4s_v5", workerNodes: 1 });
  await modal.zone("1").check();
  await expect(modal.zone("1")).toBeChecked();
  await modal.expectSubmitLabel("Create cluster");
  await modal.submit.click();

  const card = dashboard.errorCard(name);
  await expect(card).toHaveAttribute("data-category", "capacity", { timeout: FAILURE_TIMEOUT });
  await expect(dashboard.cardFact(card, "Zones")).toHaveText("1");
  await expectNoAxeViolations(page, "the zonal capacity card in the modal");
  const otherZones = card.getByRole("button", { name: /^Retry with.*zone/i }).first();
  await otherZones.click();
  await expect(modal.dialog).toBeVisible();
  await expect(modal.zone("1")).not.toBeChecked();
  await expect(modal.zone("2")).toBeChecked();
  await expect(modal.zone("3")).toBeChecked();
  await expect(modal.workerSize).toHaveValue("Standard_D4s_v5");
  await expect(modal.submit).toBeFocused();
});
