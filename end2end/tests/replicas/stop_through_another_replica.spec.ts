import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "../fixtures/axe";
import { DashboardPage } from "../fixtures/dashboard_page";
import { openModal, uniqueName } from "../fixtures/journey";

// Two replicas of the dashboard on one PostgreSQL (replicas.sh): the create is started on the
// page one replica serves, and stopped from the page the other serves. The session, the job
// and the cancel all live in the shared database; the cancel reaches the worker on the first
// replica through PostgreSQL's notifications. The other replica's activity list shows the job.

const SETTLE_TIMEOUT = 15_000;

test("a create started on one replica is stopped from the other", async ({ page, context, baseURL }) => {
  const first = new URL(baseURL ?? "").origin;
  const other = `${new URL(first).protocol}//${new URL(first).hostname}:${Number(new URL(first).port) + 1}`;

  const { dashboard, modal } = await openModal(page);
  expect(new URL(page.url()).origin).toBe(first);
  const name = uniqueName("e2e-replicas");
  await modal.fill({ name, workerNodes: 1 });
  await modal.submit.click();
  await expect(modal.dialog).toBeHidden();
  await expect(dashboard.banner(name)).toContainText(/AKS state: Creating/);

  // The other replica: no second sign-in (the session is in the shared database), and the
  // running create is on its dashboard too.
  const otherPage = await context.newPage();
  const otherDashboard = new DashboardPage(otherPage);
  await otherDashboard.open(`${other}/`);
  expect(new URL(otherPage.url()).origin).toBe(other);
  const banner = otherDashboard.banner(name);
  await expect(banner).toContainText(/AKS state: Creating/);
  const cancels: string[] = [];
  otherPage.on("request", (request) => {
    if (request.url().includes("cancel")) cancels.push(new URL(request.url()).origin);
  });
  await banner.getByRole("button", { name: "Stop provisioning" }).click();
  const question = otherPage.getByRole("alertdialog", { name: `Stop creating ${name}?` });
  await question.getByRole("button", { name: "Stop provisioning" }).click();
  await expect(otherPage.locator(".cancelled-notice")).toContainText(`Provisioning ${name} was cancelled.`, {
    timeout: SETTLE_TIMEOUT,
  });
  expect(cancels.length).toBeGreaterThan(0);
  expect(cancels.every((origin) => origin === other)).toBe(true);
  await expectNoAxeViolations(otherPage, "the cancelled card on the other replica");
  // The other replica's activity list reads the job from the shared database.
  await otherDashboard.activity.click();
  await expect(otherDashboard.activityLine(name)).toContainText("Stopped");

  // The first page learns it from its own replica.
  await expect(page.locator(".cancelled-notice")).toContainText(`Provisioning ${name} was cancelled.`, {
    timeout: SETTLE_TIMEOUT,
  });
  // Azure was told: the cluster goes Canceling, then Canceled.
  await expect(async () => {
    await dashboard.refresh.click();
    await expect(dashboard.clusterRow(name)).toContainText("Canceled", { timeout: 1_000 });
  }).toPass({ timeout: SETTLE_TIMEOUT });
});
