import { expect, test } from "@playwright/test";
import { DashboardPage } from "./fixtures/dashboard_page";

test("a visitor signs in as a demo user, sees who they are, and signs out", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  await page.getByRole("button", { name: "Continue as Bob Example" }).click();
  const dashboard = new DashboardPage(page);
  await expect(dashboard.heading).toBeVisible();
  await expect(page.getByText("Signed in as")).toBeVisible();
  await expect(page.locator(".user-menu")).toContainText("Bob Example");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("the API refuses callers without a session", async ({ request }) => {
  const response = await request.post("/api/list_clusters");
  expect(response.status()).toBe(401);
  expect(await response.json()).toMatchObject({ code: "unauthenticated" });
});
