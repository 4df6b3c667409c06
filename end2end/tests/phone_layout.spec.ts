import { expect, test, type Locator } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { DashboardPage } from "./fixtures/dashboard_page";
import { openModal, signedInRequest, startCreate, uniqueName, untilStatus, VIEWPORTS } from "./fixtures/journey";

// Issue 19, point 7: the layout holds on a phone and at the desktop width: link buttons in a card
// never overlap, a cluster's state stays in its column, the header stays compact, and the create
// modal's buttons stay in sight while its form scrolls.

type Box = { x: number; y: number; width: number; height: number };

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

async function boxes(locator: Locator): Promise<Box[]> {
  const found: Box[] = [];
  for (const element of await locator.all()) {
    const box = await element.boundingBox();
    if (box) found.push(box);
  }
  return found;
}

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport });

    test("a failure card's link buttons never overlap, and the header stays compact", async ({ browser, page }) => {
      // Bob is a Reader: Azure refuses his create's first write, so his dashboard shows the card
      // with its portal, docs and command actions.
      const bob = await signedInRequest(browser, "bob");
      const taskId = await startCreate(bob, uniqueName("e2e-layout"));
      await untilStatus(bob, taskId, "FAILURE");
      const dashboard = new DashboardPage(page);
      await dashboard.signIn("Bob Example");
      await dashboard.open();
      const card = dashboard.lastFailure;
      await expect(card).toBeVisible();
      const actions = await boxes(card.locator(".error-card-actions > li > a, .error-card-buttons > button"));
      expect(actions.length).toBeGreaterThan(1);
      for (const [index, box] of actions.entries()) {
        for (const other of actions.slice(index + 1)) {
          expect(overlap(box, other), `${JSON.stringify(box)} and ${JSON.stringify(other)}`).toBe(false);
        }
      }
      // The header takes at most a seventh of a phone's screen (it took 171 px of 844).
      const header = await page.locator(".page-header").boundingBox();
      expect(header?.height ?? Infinity).toBeLessThanOrEqual(viewport.height / 7);
      await expectNoAxeViolations(page, "the dashboard with a failure card");
    });

    test("a cluster's state stays in its column, with the power state beside it", async ({ page }) => {
      const dashboard = new DashboardPage(page);
      await dashboard.signIn();
      await dashboard.open();
      const cell = dashboard.clusterRow("aks-platform").getByRole("cell").filter({ hasText: "Succeeded" });
      const pill = await cell.locator(".state").boundingBox();
      const power = await cell.getByText("Running").boundingBox();
      const value = await cell.locator(".state-cell").boundingBox();
      expect(pill && power && value).toBeTruthy();
      if (!pill || !power || !value) return;
      // Both sit in the value's box (on a phone: right of the label column), and the pill is no
      // wider than its word needs.
      expect(power.x).toBeGreaterThanOrEqual(value.x);
      expect(pill.x).toBeGreaterThanOrEqual(value.x);
      expect(pill.width).toBeLessThan(140);
    });

    test("the create modal's buttons stay in sight while its form scrolls", async ({ page }) => {
      const { modal } = await openModal(page);
      await modal.clusterName.fill(uniqueName("e2e-sticky"));
      await modal.expectSubmitLabel("Create cluster");
      // The form is taller than a phone's screen; at its top, the submit button is on screen.
      await modal.clusterName.focus();
      const form = await modal.dialog.locator("form").boundingBox();
      const submit = await modal.submit.boundingBox();
      if (viewport.width < 640) expect(form?.height ?? 0).toBeGreaterThan(viewport.height);
      expect(submit?.y ?? -1).toBeGreaterThanOrEqual(0);
      expect((submit?.y ?? Infinity) + (submit?.height ?? 0)).toBeLessThanOrEqual(viewport.height);
    });
  });
}
