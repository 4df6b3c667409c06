import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { openModal, uniqueName, VIEWPORTS } from "./fixtures/journey";

// Issue 19, points 2 and 3: a guided create form. The form starts on a recommended region (on
// the sandbox one where every default succeeds), listed first in a group of its own; a size the
// new region cannot deploy is replaced out loud, with Undo; every size says in words what
// limits it; a search narrows the sizes; and a review lists what the create makes and takes.
// At the desktop width and on a phone.

// The sandbox create takes SANDBOX_CREATE_SECONDS (playwright.config.ts), and a little more.
const CREATE_TIMEOUT = 25_000;

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport });

    test("the form starts on the recommended region, and its defaults create a cluster", async ({ page }) => {
      const { dashboard, modal } = await openModal(page);
      await expect(modal.region).toHaveValue("eastus");
      await expect(modal.region.locator("optgroup[label=Recommended] option")).toHaveText(["East US"]);
      await expect(
        modal.region.locator("optgroup[label='Other regions'] option", { hasText: "Central India" }),
      ).toHaveCount(1);

      // Nothing but a name: every other field keeps its default, and the pre-flight passes.
      const name = uniqueName("e2e-defaults");
      await modal.clusterName.fill(name);
      await modal.expectSubmitLabel("Create cluster");
      await expectNoAxeViolations(page, "the form with its defaults");
      await modal.submit.click();
      await expect(dashboard.readyLine(name)).toBeVisible({ timeout: CREATE_TIMEOUT });
      await expect(dashboard.clusterRow(name)).toContainText(/Succeeded\s*Running/);
    });

    test("a size the new region cannot deploy is replaced out loud, and Undo puts it back", async ({ page }) => {
      const { modal } = await openModal(page);
      await modal.clusterName.fill(uniqueName("e2e-swap"));
      await modal.region.selectOption("eastus");
      await modal.workerSize.selectOption("Standard_E16s_v5");
      // uksouth does not offer Standard_E16s_v5 to this subscription (the sandbox's story).
      await modal.region.selectOption("uksouth");
      const notice = modal.dialog.locator(".size-swap-notice");
      await expect(notice).toHaveAttribute("role", "status");
      await expect(notice).toContainText(
        /Worker pool: Standard_E16s_v5 is not (offered|available)[^.]* in uksouth, so Standard_\w+ was chosen instead\./,
      );
      await expect(modal.workerSize).not.toHaveValue("Standard_E16s_v5");
      // Why a size cannot be picked is the option's own text, in words, not a code in a tooltip.
      const blocked = modal.sizeOption(modal.workerSize, "Standard_E16s_v5");
      await expect(blocked).toBeDisabled();
      await expect(blocked).toContainText(/not (offered|available)[^·]* in uksouth$/);
      await expect(blocked).not.toHaveAttribute("title", /.*/);
      await expectNoAxeViolations(page, "the notice of a replaced size");

      await notice.getByRole("button", { name: "Undo" }).click();
      await expect(notice).toHaveCount(0);
      await expect(modal.region).toHaveValue("eastus");
      await expect(modal.workerSize).toHaveValue("Standard_E16s_v5");
    });

    test("a search narrows the sizes, and the review lists what the create makes and takes", async ({ page }) => {
      const { modal } = await openModal(page);
      const name = uniqueName("e2e-review");
      await modal.fill({ name, workerNodes: 2 });
      const search = modal.workerPool.getByRole("searchbox", { name: "Search sizes" });
      await search.fill("16 vcpus");
      const options = modal.workerSize.locator("option");
      // Every 16-vCPU size, and the chosen one, which the list always keeps.
      await expect(options.filter({ hasText: "Standard_D4s_v5" })).toHaveCount(1);
      await expect(options.filter({ hasText: "Standard_D16s_v5 · 16 vCPUs, 64 GB" })).toHaveCount(1);
      await expect(options.filter({ hasText: "Standard_D2s_v5" })).toHaveCount(0);
      await expect(modal.workerPool).toContainText(/Showing \d+ of \d+ sizes\./);
      await modal.workerSize.selectOption("Standard_D16s_v5");
      // Each size says whether it fits the subscription's quota beside the system pool.
      await expect(options.filter({ hasText: "Standard_D16s_v5 · 16 vCPUs, 64 GB · fits your quota" })).toHaveCount(1);
      await search.fill("");
      await expect(options.filter({ hasText: "Standard_D2s_v5" })).toHaveCount(1);

      const review = modal.dialog.getByRole("region", { name: "Review" });
      await expect(review).toContainText(`Cluster${name} in eastus`);
      await expect(review).toContainText("System pool1 × Standard_D2s_v5 (2 vCPUs, 8 GB each)");
      await expect(review).toContainText("Worker pool2 × Standard_D16s_v5 (16 vCPUs, 64 GB each)");
      await expect(review).toContainText("Quota used34 vCPUs in eastus (2 system + 32 workers)");
      await expect(review).toContainText("KubernetesAKS's default");
      await expectNoAxeViolations(page, "the form with a search and its review");
    });
  });
}
