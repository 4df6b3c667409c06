import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { DashboardPage } from "./fixtures/dashboard_page";
import { CreateClusterModal } from "./fixtures/create_cluster_modal";
import { startCreate, signedInRequest, uniqueName, untilStatus, VIEWPORTS } from "./fixtures/journey";

// Issue 19: axe-core finds nothing on the pages and states a user reaches, at the desktop width
// and on a phone. The journeys of each numbered point add their own states.

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport });

    test("the sign-in page", async ({ page }) => {
      await page.goto("/sign-in");
      await expect(page.getByRole("link", { name: "Sign in with the sandbox's Entra ID" })).toBeVisible();
      await expectNoAxeViolations(page, "the sign-in page");
    });

    test("the dashboard and the create modal", async ({ page }) => {
      const dashboard = new DashboardPage(page);
      await dashboard.signIn();
      await dashboard.open();
      await expect(page.locator("main.app")).not.toHaveAttribute("aria-busy", /.*/, { timeout: 15_000 });
      // Alice's banners, failure cards and the like come and go with the other journeys; each
      // such state is checked by its own journey, so here they are left out.
      await expectNoAxeViolations(page, "the dashboard", [".split-part"]);

      await dashboard.createCluster.click();
      const modal = new CreateClusterModal(page);
      await expect(modal.clusterName).toBeVisible();
      await expectNoAxeViolations(page, "the create modal");
    });

    test("a failed create's error card, with its raw error open", async ({ browser, page }) => {
      // Bob is a Reader: Azure refuses his create's first write, so his dashboard shows the card.
      const bob = await signedInRequest(browser, "bob");
      const name = uniqueName("e2e-axe");
      const taskId = await startCreate(bob, name);
      await untilStatus(bob, taskId, "FAILURE");

      const dashboard = new DashboardPage(page);
      await dashboard.signIn("Bob Example");
      await dashboard.open();
      await expect(page.locator("main.app")).not.toHaveAttribute("aria-busy", /.*/, { timeout: 15_000 });
      // His newest failure: this one, or one another journey of his failed meanwhile.
      const card = dashboard.lastFailure;
      await expect(card).toBeVisible();
      await card.getByText("Raw error from Azure").click();
      await expect(card.locator(".raw-error pre")).toBeVisible();
      await expectNoAxeViolations(page, "the dashboard with a failure's card");
    });

    test("a running create's banner and its Stop question", async ({ browser, page }) => {
      const dashboard = new DashboardPage(page);
      await dashboard.signIn();
      // The sandbox's create lasts seconds: it starts once the page is ready to show it.
      const alice = await signedInRequest(browser, "alice");
      const name = uniqueName("e2e-axe-run");
      const taskId = await startCreate(alice, name);
      try {
        await dashboard.open();
        const banner = dashboard.banner(name);
        await expect(banner).toContainText(/AKS state: Creating/);
        await expectNoAxeViolations(page, "a running create's banner");
        await banner.getByRole("button", { name: "Stop provisioning" }).click();
        const question = page.getByRole("alertdialog", { name: `Stop creating ${name}?` });
        await expect(question).toBeVisible();
        await expectNoAxeViolations(page, "the Stop question");
        // "Keep running"; by now the create may have finished and taken its question with it.
        await page.keyboard.press("Escape");
      } finally {
        // Cleanup: a create that already finished answers without stopping anything.
        await alice.post(`/api/aks/cancel-provision/${taskId}`);
      }
    });
  });
}
