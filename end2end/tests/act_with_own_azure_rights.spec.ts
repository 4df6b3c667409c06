import { expect, test } from "@playwright/test";
import { CreateClusterModal } from "./fixtures/create_cluster_modal";
import { expectNoAxeViolations } from "./fixtures/axe";
import { DashboardPage } from "./fixtures/dashboard_page";
import {
  attachScreenshot,
  startCreate,
  signedInRequest,
  SUBSCRIPTION,
  uniqueName,
  untilStatus,
} from "./fixtures/journey";

// Issue 15's journey: people sign in through the sandbox's Entra-shaped provider, and Azure's own
// RBAC (the sandbox's role assignments, per token oid) decides what each may do, because the
// dashboard calls ARM on their behalf. One test per story; the administrator's stop of another
// user's create is in stop_another_users_job.spec.ts.

const BOB = "b0b00000-0000-4000-8000-000000000002";
// The sandbox's create takes SANDBOX_CREATE_SECONDS (10 s in playwright.config.ts).
const CREATE_TIMEOUT = 25_000;
const FAILURE_TIMEOUT = 20_000;

test("alice signs in on the provider's page and her create succeeds", async ({ page }, testInfo) => {
  const dashboard = new DashboardPage(page);
  await dashboard.signIn("Alice Example");
  await dashboard.open();
  await expect(page.locator(".user-menu")).toContainText("Alice Example");

  await dashboard.createCluster.click();
  const modal = new CreateClusterModal(page);
  const name = uniqueName("e2e-alice");
  await modal.fill({ name, workerNodes: 1 });
  // Alice is a Contributor on the subscription: the group she would create is hers to write.
  await expect(modal.resourceGroupRow).toHaveClass(/check-ok/);
  await modal.expectSubmitLabel("Create cluster");
  await modal.submit.click();
  await expect(dashboard.banner(name)).toBeVisible();
  await expect(dashboard.readyLine(name)).toBeVisible({ timeout: CREATE_TIMEOUT });
  await expect(dashboard.clusterRow(name)).toContainText("Succeeded");
  await attachScreenshot(testInfo, "alice's cluster is ready", await page.screenshot());
  await expectNoAxeViolations(page, "alice's cluster is ready");
});

test("bob, a Reader, is refused by the pre-flight, and by Azure's RBAC when he forces a create", async ({
  browser,
  page,
}, testInfo) => {
  // In the modal: a group that exists and that his role assignments do not let him write.
  const dashboard = new DashboardPage(page);
  await dashboard.signIn("Bob Example");
  await dashboard.open();
  await dashboard.createCluster.click();
  const modal = new CreateClusterModal(page);
  await modal.fill({ name: uniqueName("e2e-bob"), workerNodes: 1 });
  await modal.resourceGroup.fill("rg-platform");
  await expect(modal.resourceGroupRow).toHaveClass(/check-fail/);
  await expect(modal.resourceGroupRow).toContainText(
    "Your Azure role assignments do not let you write to resource group rg-platform",
  );
  await modal.expectSubmitLabel("Fix errors above");
  await modal.submit.click({ force: true });
  await expect(modal.resourceGroupRow).toBeFocused();
  await expect(modal.livePanel).toBeHidden();
  await attachScreenshot(testInfo, "bob's pre-flight", await modal.dialog.screenshot());
  await expectNoAxeViolations(page, "bob's pre-flight");
  await modal.closeDiscarding();

  // Through the API, with a group that does not exist yet (nothing for the pre-flight to read):
  // the sandbox's ARM refuses the write naming Bob's object id, as Azure does.
  const bob = await signedInRequest(browser, "bob");
  const name = uniqueName("e2e-bob-forced");
  const taskId = await startCreate(bob, name);
  await untilStatus(bob, taskId, "FAILURE", FAILURE_TIMEOUT);
  const task = await (await bob.get(`/api/tasks/${taskId}`)).json();
  expect(JSON.stringify(task)).toContain("AuthorizationFailed");
  expect(JSON.stringify(task)).toContain(BOB);

  // His dashboard shows the permission card with the role assignment to ask for.
  await dashboard.open();
  const card = page.locator("section.error-card").filter({ hasText: name }).first();
  await expect(card).toHaveAttribute("data-category", "rg_permission");
  await expect(card.locator("code.command-line")).toContainText(
    `az role assignment create --assignee ${BOB} --role Contributor --scope /subscriptions/${SUBSCRIPTION}`,
  );
  await attachScreenshot(testInfo, "bob's permission card", await page.screenshot());
  await expectNoAxeViolations(page, "bob's permission card");
});

test("after sign-out, Back shows the sign-in page, not the dashboard", async ({ page }) => {
  const dashboard = new DashboardPage(page);
  await dashboard.signIn("Bob Example");
  await dashboard.open();
  await expect(page.locator(".user-menu")).toContainText("Bob Example");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  await page.goBack();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(dashboard.heading).toHaveCount(0);
  await expect(page.getByText("Bob Example")).toHaveCount(0);
});

test("a revoked refresh token asks the owner to sign in again, and the create then finishes", async ({
  page,
}, testInfo) => {
  // Carol, so that revoking her sign-in sessions touches no other test's user. She may create
  // in rg-carol only.
  const dashboard = new DashboardPage(page);
  const provider = await dashboard.signIn("Carol Example");
  await dashboard.open();
  await dashboard.createCluster.click();
  const modal = new CreateClusterModal(page);
  const name = uniqueName("e2e-revoked");
  await modal.fill({ name, workerNodes: 1 });
  await modal.resourceGroup.fill("rg-carol");
  await expect(modal.resourceGroupRow).toHaveClass(/check-ok/);
  await modal.expectSubmitLabel("Create cluster");
  await modal.submit.click();
  const banner = dashboard.banner(name);
  await expect(banner).toBeVisible();

  // Like Graph's revokeSignInSessions: her refresh tokens are dead, so the next access token the
  // worker needs (they live SANDBOX_ACCESS_TOKEN_SECONDS here) cannot be had.
  const revoked = await page.request.post(`${provider}/sandbox/entra/users/carol/revoke-sign-in-sessions`);
  expect(revoked.ok()).toBeTruthy();
  const notice = banner.getByRole("status").filter({ hasText: "Azure no longer accepts your sign-in" });
  await expect(notice).toBeVisible({ timeout: FAILURE_TIMEOUT });
  await attachScreenshot(testInfo, "sign in again", await page.screenshot());
  await expectNoAxeViolations(page, "sign in again");

  // She signs in again on the provider's page; the create goes on where it stopped.
  await notice.getByRole("link", { name: "Sign in again" }).click();
  await page.getByRole("link", { name: "Sign in with the sandbox's Entra ID" }).click();
  await dashboard.chooseOnProvider("Carol Example");
  await expect(dashboard.heading).toBeVisible();
  // The worker resumes as soon as she is signed in, and Azure kept building meanwhile: the create
  // may end before the dashboard is back (then the first HTML already lists the cluster, with no
  // banner) or after (the banner's ready line, then the list). Either way the cluster is there.
  await expect(dashboard.clusterRow(name)).toContainText("Succeeded", { timeout: CREATE_TIMEOUT });
});
