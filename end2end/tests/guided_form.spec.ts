import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { openModal, uniqueName } from "./fixtures/journey";

// Issue 19, points 2 and 3: a guided create form. The form starts on a recommended region (on
// the sandbox one where every default succeeds), listed first in a group of its own. At the
// desktop width and on a phone.

// The sandbox create takes SANDBOX_CREATE_SECONDS (playwright.config.ts), and a little more.
const CREATE_TIMEOUT = 25_000;

for (const viewport of [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
]) {
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
  });
}
