import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { DashboardPage } from "./fixtures/dashboard_page";
import { attachScreenshot, signedInRequest, startCreate, uniqueName } from "./fixtures/journey";

// App roles (issue 15; docs/PRODUCT.md §5): Dana, who holds Dashboard.Admin, sees Alice's running
// create in "All users' jobs", stops it behind the usual question, and Alice's card then says who
// stopped it. Bob, without the role, never gets the section and is refused its list.

const SETTLE_TIMEOUT = 15_000;

test("an administrator stops another user's create and its owner is told who did", async ({
  browser,
  page,
}, testInfo) => {
  const alice = await signedInRequest(browser, "alice");
  const bob = await signedInRequest(browser, "bob");
  const name = uniqueName("e2e-admin");
  const taskId = await startCreate(alice, name);

  expect((await bob.get("/api/admin/jobs")).status()).toBe(403);

  // Alice watches her create in her own browser.
  const alicePage = await (await browser.newContext({ baseURL: testInfo.project.use.baseURL })).newPage();
  const aliceDashboard = new DashboardPage(alicePage);
  await aliceDashboard.signIn("Alice Example");
  await aliceDashboard.open();
  await expect(aliceDashboard.banner(name)).toBeVisible();

  // Dana's dashboard lists it with its owner; the Stop is named after the cluster and its owner.
  const dashboard = new DashboardPage(page);
  await dashboard.signIn("Dana Admin");
  await dashboard.open();
  const section = page.getByRole("region", { name: "All users' jobs" });
  const running = section.getByRole("table", { name: "Running jobs" });
  const row = running.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Alice Example");
  await expect(row).toContainText("eastus");
  const stop = row.getByRole("button", { name: `Stop ${name} of Alice Example` });
  await stop.click();
  const question = page.getByRole("alertdialog", { name: `Stop creating ${name} for Alice Example?` });
  await expect(question).toContainText("Part of the cluster may already exist on Azure");
  await expect(question.getByRole("button", { name: "Keep running" })).toBeFocused();
  await attachScreenshot(testInfo, "admin stop question", await page.screenshot());
  await expectNoAxeViolations(page, "admin stop question");
  await question.getByRole("button", { name: "Stop provisioning" }).click();
  await expect(async () => {
    await section.getByRole("button", { name: "Refresh" }).click();
    await expect(running.getByRole("row").filter({ hasText: name })).toHaveCount(0, { timeout: 1_000 });
  }).toPass({ timeout: SETTLE_TIMEOUT });

  // Alice's open page turns her banner into the cancelled card naming Dana; her task says so too.
  const card = aliceDashboard.errorCard(name);
  await expect(card).toContainText("Stopped by an administrator, Dana Admin", { timeout: SETTLE_TIMEOUT });
  const task = await (await alice.get(`/api/tasks/${taskId}`)).json();
  expect(task).toMatchObject({ status: "REVOKED", stopped_by: { display_name: "Dana Admin", administrator: true } });
  await attachScreenshot(testInfo, "alice's card", await alicePage.screenshot());
  await expectNoAxeViolations(alicePage, "alice's card");

  // Bob's dashboard has no such section.
  const bobPage = await (await browser.newContext({ baseURL: testInfo.project.use.baseURL })).newPage();
  const bobDashboard = new DashboardPage(bobPage);
  await bobDashboard.signIn("Bob Example");
  await bobDashboard.open();
  await expect(bobPage.getByRole("region", { name: "All users' jobs" })).toHaveCount(0);
});
