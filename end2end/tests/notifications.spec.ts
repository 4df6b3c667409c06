import { expect, test, type Page } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { DashboardPage } from "./fixtures/dashboard_page";
import { openModal, signedInRequest, startCreate, uniqueName, VIEWPORTS } from "./fixtures/journey";

// Issue 19, point 1: a create the user follows tells them when it ends while its tab is hidden,
// with a browser notification; permission is asked for on the first create and never again;
// a visible tab gets no notification (the page says it). At the desktop width and on a phone.
//
// The browser's Notification API is replaced by a recorder before the page loads, so the test
// sees what the page asked for; the tab's visibility is driven the same way.

const CREATE_TIMEOUT = 25_000;

/** Records notifications and permission requests, and lets the test hide the tab. */
async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const state = window as unknown as {
      notices: { title: string; body: string; tag: string }[];
      permissionAsks: number;
      tabHidden: boolean;
    };
    state.notices = [];
    state.permissionAsks = 0;
    state.tabHidden = false;
    // The answer outlives a reload, as a browser's does.
    let permission = sessionStorage.getItem("recordedPermission") ?? "default";
    class RecordedNotification {
      static get permission(): string {
        return permission;
      }
      static requestPermission(): Promise<string> {
        state.permissionAsks += 1;
        permission = "granted";
        sessionStorage.setItem("recordedPermission", permission);
        return Promise.resolve(permission);
      }
      constructor(title: string, options: { body?: string; tag?: string } = {}) {
        state.notices.push({ title, body: options.body ?? "", tag: options.tag ?? "" });
      }
    }
    Object.defineProperty(window, "Notification", { value: RecordedNotification, configurable: true });
    Object.defineProperty(Document.prototype, "hidden", { get: () => state.tabHidden, configurable: true });
  });
}

async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    (window as unknown as { tabHidden: boolean }).tabHidden = value;
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

/** The notices about `cluster` (other journeys of Alice's may end while this tab is hidden). */
const notices = (page: Page, cluster: string) =>
  page.evaluate(
    (name) =>
      (window as unknown as { notices: { title: string; body: string; tag: string }[] }).notices.filter((notice) =>
        notice.title.includes(name),
      ),
    cluster,
  );
const permissionAsks = (page: Page) =>
  page.evaluate(() => (window as unknown as { permissionAsks: number }).permissionAsks);

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport });

    test("a create that ends while the tab is hidden is announced; permission is asked once", async ({
      page,
      browser,
    }) => {
      await recordNotifications(page);
      const { dashboard, modal } = await openModal(page);
      const name = uniqueName("e2e-notify");
      await modal.fill({ name, workerNodes: 1 });
      await modal.expectSubmitLabel("Create cluster");
      await modal.submit.click();
      await expect.poll(() => permissionAsks(page)).toBe(1);
      await expect(dashboard.banner(name)).toContainText(/AKS state: Creating/);

      // The user switches tabs; the create finishes meanwhile.
      await setTabHidden(page, true);
      await expect(dashboard.readyLine(name)).toBeVisible({ timeout: CREATE_TIMEOUT });
      await expectNoAxeViolations(page, "the ready line of a create that ended unseen");
      await expect
        .poll(() => notices(page, name))
        .toEqual([
          {
            title: `Cluster ${name} is ready`,
            body: `Created in eastus, resource group rg-${name}.`,
            tag: expect.any(String),
          },
        ]);

      // Back on the tab, a create that ends in sight is not announced; nor is permission asked
      // again on the next create.
      await setTabHidden(page, false);
      const alice = await signedInRequest(browser, "alice");
      const stopped = uniqueName("e2e-notify-stop");
      const taskId = await startCreate(alice, stopped);
      await page.reload();
      const seen = new DashboardPage(page);
      await expect(seen.banner(stopped)).toBeVisible();
      expect((await alice.post(`/api/aks/cancel-provision/${taskId}`)).status()).toBe(200);
      await expect(page.locator(".cancelled-notice").filter({ hasText: stopped })).toBeVisible({ timeout: 15_000 });
      expect(await notices(page, stopped)).toEqual([]);

      await seen.createCluster.click();
      await expect(modal.clusterName).toBeVisible();
      await modal.fill({ name: uniqueName("e2e-notify-again"), workerNodes: 1 });
      await modal.expectSubmitLabel("Create cluster");
      await modal.submit.click();
      await expect(modal.livePanel).toBeVisible();
      // The count restarted with the reload: this page has not asked.
      expect(await permissionAsks(page)).toBe(0);
    });
  });
}
