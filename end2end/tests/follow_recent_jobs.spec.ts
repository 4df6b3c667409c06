import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { DashboardPage } from "./fixtures/dashboard_page";
import { provisionBody, signedInRequest, startCreate, uniqueName, untilStatus, VIEWPORTS } from "./fixtures/journey";

// Issue 19, point 1: the header's Activity button (the portal's bell) counts the user's running
// creates and lists their jobs of the last 24 hours, newest first, in the words of their
// banners; a running line moves live; a create started elsewhere joins the page; Show brings a
// job's card back and focuses it; ESC closes the list and gives focus back to the button. At the
// desktop width and on a phone.
//
// Other journeys of Alice's run alongside, so the lines are found by this test's cluster names
// and the count is only known to be at least one.

const CREATE_TIMEOUT = 25_000;

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport });

    test("the list shows every status live, Show brings a card back, ESC closes it", async ({ page, browser }) => {
      const alice = await signedInRequest(browser, "alice");
      // A create Azure refuses (the sandbox supports no Kubernetes 1.20).
      const refused = uniqueName("e2e-act-refused");
      const refusedStart = await alice.post("/api/aks/provision", {
        data: { ...provisionBody(refused), kubernetes_version: "1.20" },
      });
      expect(refusedStart.status()).toBe(200);
      await untilStatus(alice, (await refusedStart.json()).task_id, "FAILURE");

      const dashboard = new DashboardPage(page);
      await dashboard.signIn();
      const running = uniqueName("e2e-act-running");
      await startCreate(alice, running);
      await dashboard.open();
      await expect(dashboard.banner(running)).toBeVisible();

      // A create started elsewhere (another tab or device) after the page loaded.
      const elsewhere = uniqueName("e2e-act-elsewhere");
      await startCreate(alice, elsewhere);

      const button = dashboard.activity;
      const list = dashboard.activityList;
      const line = (name: string) => dashboard.activityLine(name);
      await expect(button).toHaveAccessibleName(/^Activity, [1-9]\d* running$/);
      await expect(button).toHaveAttribute("aria-expanded", "false");
      await button.click();
      await expect(button).toHaveAttribute("aria-expanded", "true");
      await expect(list).toBeVisible();
      await expect(line(running)).toContainText(/\d\/5 \w+/);
      await expect(line(running)).toContainText(`rg-${running} · eastus`);
      await expect(line(running)).toContainText(/running \d+/);
      await expect(line(refused)).toContainText(/ended (just now|\d+ min ago)/);
      const box = await list.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= viewport.width).toBeTruthy();
      await expectNoAxeViolations(page, "the open activity list");

      // The list found the create started elsewhere running: the page follows it, as a reload would.
      await expect(line(elsewhere)).toContainText(/running \d+/);
      await expect(dashboard.banner(elsewhere)).toBeVisible();

      // The running line follows the create to its end without a reload.
      await expect(line(running)).toContainText("Ready", { timeout: CREATE_TIMEOUT });

      // Show brings the refused create's card onto the page, with focus; the line used its words.
      await line(refused)
        .getByRole("button", { name: `Show ${refused}` })
        .click();
      await expect(list).toBeHidden();
      const card = dashboard.errorCard(refused);
      await expect(card).toBeVisible();
      const title = card.getByRole("heading");
      await expect(title).toBeFocused();
      await button.click();
      await expect(line(refused)).toContainText((await title.textContent()) ?? "?");

      // ESC closes the list and focus returns to its button; a Tab out of it and a press
      // elsewhere close it too.
      await page.keyboard.press("Escape");
      await expect(list).toBeHidden();
      await expect(button).toBeFocused();
      await button.click();
      await list.getByRole("button").last().focus();
      await page.keyboard.press("Tab");
      await expect(list).toBeHidden();
      await button.click();
      await expect(list).toBeVisible();
      await dashboard.heading.click();
      await expect(list).toBeHidden();
    });
  });
}
