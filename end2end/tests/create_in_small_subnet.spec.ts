import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { attachScreenshot, openModal, uniqueName } from "./fixtures/journey";

// Network (docs/PRODUCT.md §6, the sandbox's network story): vnet-spoke in rg-network (East US)
// has aks-small (10.240.0.0/27: 27 free addresses) and aks-nodes (10.240.4.0/22). With Azure CNI
// every node takes 31 addresses (itself and 30 pods), so 3 nodes need 93: the pre-flight warns,
// the submit is not blocked, and AKS refuses the PUT (InsufficientSubnetSize). The card shows the
// subnet and both figures, and Edit & retry lands on the subnet.

const FAILURE_TIMEOUT = 20_000;

test("a subnet too small for the nodes: the warning, the refusal with the figures, the subnet", async ({
  page,
}, testInfo) => {
  const { dashboard, modal } = await openModal(page);
  const name = uniqueName("e2e-subnet");
  await modal.fill({ name, region: "eastus", systemNodes: 1, workerNodes: 2 });
  await expect(modal.subnet).toHaveValue("");
  await expect(modal.subnet.locator("option").first()).toHaveText("Let AKS create a virtual network");
  await modal.subnet.selectOption({ label: "vnet-spoke / aks-small — 10.240.0.0/27, 27 free" });
  const roomy = modal.subnet.locator("option", { hasText: "vnet-spoke / aks-nodes — 10.240.4.0/22" });
  await expect(roomy).toHaveCount(1);

  await modal.expectSubmitLabel("Create cluster");
  await expect(modal.subnetRow).toHaveClass(/check-warn/);
  await expect(modal.subnetRow).toContainText("93");
  await expect(modal.subnetRow).toContainText("27");
  await attachScreenshot(testInfo, "subnet warning", await modal.dialog.screenshot());
  await expectNoAxeViolations(page, "the subnet warning");
  await modal.submit.click();

  // Refused at the PUT: the card shows in the modal.
  const card = dashboard.errorCard(name);
  await expect(card).toHaveAttribute("data-category", "network", { timeout: FAILURE_TIMEOUT });
  await expect(card.getByRole("heading")).toHaveText(/Network cannot take the cluster/);
  await expect(dashboard.cardFact(card, "Subnet")).toContainText("aks-small");
  await expect(dashboard.cardFact(card, "IP addresses needed")).toHaveText("93");
  await expect(dashboard.cardFact(card, "IP addresses free")).toHaveText("27");
  await card.getByText("Raw error from Azure").click();
  await expect(card.locator("details.raw-error pre")).toContainText("InsufficientSubnetSize");
  await attachScreenshot(testInfo, "network card", await page.screenshot());
  await expectNoAxeViolations(page, "the network card with its raw error open");

  // Edit & retry hands the form back on the subnet; the larger one clears the warning.
  await card.getByRole("button", { name: "Edit & retry" }).click();
  await expect(card).toBeHidden();
  await expect(modal.subnet).toBeFocused();
  await modal.subnet.selectOption((await roomy.getAttribute("value"))!);
  await modal.expectSubmitLabel("Create cluster");
  await expect(modal.preflight.locator("li.check-warn[data-check=subnet]")).toHaveCount(0);
});
