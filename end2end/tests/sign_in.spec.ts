import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { DashboardPage } from "./fixtures/dashboard_page";

test("a visitor signs in through the sandbox's provider, sees who they are, and signs out", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expectNoAxeViolations(page, "the sign-in page");

  // The dashboard's page has one way in: the provider's page, on the sandbox cloud's origin.
  await page.getByRole("link", { name: "Sign in with the sandbox's Entra ID" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in as Alice Example" })).toBeVisible();
  const dashboard = new DashboardPage(page);
  const provider = await dashboard.chooseOnProvider("Bob Example");
  expect(provider).not.toBe(new URL(page.url()).origin);
  await expect(dashboard.heading).toBeVisible();
  await expect(page.getByText("Signed in as")).toBeVisible();
  await expect(page.locator(".user-menu")).toContainText("Bob Example");
  await expectNoAxeViolations(page, "the signed-in dashboard");

  // Signing out ends the provider's session too, which sends the browser back to /sign-in.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("signing out empties the last-failure slot, and another user's slot is never shown", async ({ page }) => {
  const slot = "elb_last_failed_provision_v1";
  const aliceFailure = JSON.stringify({
    owner: "a11ce000-0000-4000-8000-000000000001",
    raw: "QuotaExceeded: Operation could not be completed as it results in exceeding approved Total Regional Cores quota.",
    clusterName: "aks-alices-secret",
    region: "koreacentral",
    resourceGroup: "rg-alice",
    subscriptionId: "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f",
    when: Date.now() - 60_000,
  });
  const dashboard = new DashboardPage(page);
  await dashboard.signIn("Bob Example");
  await page.evaluate(([key, value]) => localStorage.setItem(key, value), [slot, aliceFailure]);
  await dashboard.open();
  // Alice's entry goes; the slot may then hold Bob's own last failure from his server history
  // (another journey has Azure refuse a create of his).
  await expect
    .poll(() => page.evaluate((key) => localStorage.getItem(key) ?? "", slot))
    .not.toContain("aks-alices-secret");
  await expect(page.getByText("aks-alices-secret")).toHaveCount(0);

  await page.evaluate(([key, value]) => localStorage.setItem(key, value), [slot, aliceFailure]);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  expect(await page.evaluate((key) => localStorage.getItem(key), slot)).toBeNull();
});

test("the API refuses callers without a session", async ({ request }) => {
  const response = await request.post("/api/list_clusters");
  expect(response.status()).toBe(401);
  expect(await response.json()).toMatchObject({ code: "unauthenticated" });
});
