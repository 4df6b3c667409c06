import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { attachScreenshot, openModal, uniqueName } from "./fixtures/journey";

// Azure Policy (docs/PRODUCT.md §6, the sandbox's policy story): rg-governed carries an
// "Allowed locations" assignment that allows westeurope and swedencentral only. A create there in
// East US is warned about by the pre-flight (ARM's policy check), is not blocked (Azure decides),
// and is denied at the PUT: the card names the assignment and the allowed locations, and
// Edit & retry lands on the region.

// The denial is synchronous (the PUT), after Azure's validation time (SANDBOX_VALIDATION_MS).
const FAILURE_TIMEOUT = 20_000;

test("a create in a region the group's policy does not allow: the warning, the denial, the region", async ({
  page,
}, testInfo) => {
  const { dashboard, modal } = await openModal(page);
  const name = uniqueName("e2e-policy");
  await modal.fill({ name, region: "eastus" });
  await modal.resourceGroup.fill("rg-governed");

  // The pre-flight reads ARM's policy check: a warning that names the assignment, which does not
  // block the submit.
  await modal.expectSubmitLabel("Create cluster");
  await expect(modal.policyRow).toHaveClass(/check-warn/);
  await expect(modal.policyRow).toContainText("Azure Policy");
  await expect(modal.policyRow).toContainText(/allowed-locations-aks|Allowed locations for AKS/);
  await expect(modal.policyRow).toContainText("westeurope");
  await expect(modal.preflight).toContainText("Warnings do not block the create");
  await attachScreenshot(testInfo, "policy warning", await modal.dialog.screenshot());
  await expectNoAxeViolations(page, "the policy warning");
  await modal.submit.click();

  // Denied before Azure accepted anything: the card shows in the modal, the form stays.
  const card = dashboard.errorCard(name);
  await expect(card).toHaveAttribute("data-category", "policy", { timeout: FAILURE_TIMEOUT });
  await expect(modal.dialog.locator("section.error-card")).toHaveCount(1);
  await expect(card.getByRole("heading")).toHaveText(/Blocked by Azure Policy/);
  await expect(dashboard.cardFact(card, "Policy assignment")).toContainText(/Allowed locations/i);
  await expect(dashboard.cardFact(card, "Allowed locations")).toHaveText("westeurope, swedencentral");
  await card.getByText("Raw error from Azure").click();
  await expect(card.locator("details.raw-error pre")).toContainText("RequestDisallowedByPolicy");
  await attachScreenshot(testInfo, "policy card", await page.screenshot());
  await expectNoAxeViolations(page, "the policy card with its raw error open");

  // Edit & retry hands the form back on the region; an allowed one clears the warning.
  await card.getByRole("button", { name: "Edit & retry" }).click();
  await expect(card).toBeHidden();
  await expect(modal.region).toBeFocused();
  await expect(modal.region).toHaveValue("eastus");
  await expect(modal.resourceGroup).toHaveValue("rg-governed");
  await modal.region.selectOption("westeurope");
  await modal.expectSubmitLabel("Create cluster");
  await expect(modal.preflight.locator("li.check-warn[data-check=policy]")).toHaveCount(0);
});
