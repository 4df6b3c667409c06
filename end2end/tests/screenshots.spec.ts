import { expect, test, type Page } from "@playwright/test";
import path from "node:path";
import { expectNoAxeViolations } from "./fixtures/axe";
import { CreateClusterModal } from "./fixtures/create_cluster_modal";
import { DashboardPage } from "./fixtures/dashboard_page";
import { signedInRequest, startCreate, uniqueName, untilStatus, VIEWPORTS } from "./fixtures/journey";

// Issue 19: screenshots of the dashboard, the activity list, the modal, a running banner and each
// card, at the
// desktop width and on a phone, light and dark, written to target/screenshots/ for a reviewer
// (`<state>-<width>-<scheme>.png`). axe checks each state in both colour schemes, so dark mode
// keeps its contrast too.

const SHOTS = path.join(__dirname, "..", "..", "target", "screenshots");

/** The page (all of it, or the window where a dialog covers it) as `state`, then axe on it. */
async function shoot(page: Page, state: string, width: number, scheme: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${state}-${width}-${scheme}.png`), fullPage });
  await expectNoAxeViolations(page, `${state} (${width} px, ${scheme})`);
}

for (const viewport of VIEWPORTS) {
  for (const colorScheme of ["light", "dark"] as const) {
    test.describe(`at ${viewport.width} px, ${colorScheme}`, () => {
      test.use({ viewport, colorScheme });

      test("the dashboard with a failure card, and the create modal", async ({ browser, page }) => {
        // Bob is a Reader: his create fails at its first write, and his dashboard remembers it.
        const bob = await signedInRequest(browser, "bob");
        const taskId = await startCreate(bob, uniqueName("e2e-shot"));
        await untilStatus(bob, taskId, "FAILURE");
        const dashboard = new DashboardPage(page);
        await dashboard.signIn("Bob Example");
        await dashboard.open();
        await expect(dashboard.lastFailure).toBeVisible();
        await shoot(page, "dashboard-with-failure-card", viewport.width, colorScheme);

        await dashboard.activity.click();
        await expect(dashboard.activityList.getByRole("listitem").first()).toBeVisible();
        await shoot(page, "activity-list", viewport.width, colorScheme, false);
        await page.keyboard.press("Escape");

        await dashboard.createCluster.click();
        const modal = new CreateClusterModal(page);
        await expect(modal.clusterName).toBeVisible();
        await modal.clusterName.fill(uniqueName("e2e-shot-form"));
        await expect(modal.preflight).toHaveAttribute("aria-busy", "false");
        await shoot(page, "create-modal", viewport.width, colorScheme, false);
      });

      test("a running banner, then the card of its stop", async ({ browser, page }) => {
        const alice = await signedInRequest(browser, "alice");
        const name = uniqueName("e2e-shot-run");
        const taskId = await startCreate(alice, name);
        const dashboard = new DashboardPage(page);
        await dashboard.signIn();
        await dashboard.open();
        const banner = dashboard.banner(name);
        await expect(banner).toContainText(/AKS state: Creating/);
        await banner.screenshot({ path: path.join(SHOTS, `running-banner-${viewport.width}-${colorScheme}.png`) });
        await expectNoAxeViolations(page, `a running banner (${viewport.width} px, ${colorScheme})`);

        expect((await alice.post(`/api/aks/cancel-provision/${taskId}`)).status()).toBe(200);
        const cancelled = page.locator(".cancelled-notice").filter({ hasText: `Provisioning ${name} was cancelled.` });
        await expect(cancelled).toBeVisible({ timeout: 15_000 });
        await cancelled.screenshot({
          path: path.join(SHOTS, `cancelled-card-${viewport.width}-${colorScheme}.png`),
        });
        await expectNoAxeViolations(page, `a cancelled card (${viewport.width} px, ${colorScheme})`);
      });
    });
  }
}
