import { expect, test, type Page } from "@playwright/test";
import { openModal, uniqueName } from "./fixtures/journey";

// The page works under its own Content-Security-Policy (docs/PRODUCT.md "Limits and hardening"):
// scripts run only with the response's nonce, WASM compiles, and nothing in the main journey
// (sign-in, dashboard, hydration, the create modal and its live checks) is refused.

/** Records every CSP violation the page reports, from its first script on. */
async function recordViolations(page: Page): Promise<string[]> {
  const reported: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (/Content[ -]Security[ -]Policy|Refused to/i.test(text)) reported.push(`console: ${text}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`Refused to load: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return reported;
}

test("the dashboard hydrates and the create modal runs under the CSP with no violation", async ({ page }) => {
  const violations = await recordViolations(page);
  const response = await page.goto("/sign-in");
  const policy = response?.headers()["content-security-policy"] ?? "";
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' 'wasm-unsafe-eval'/);
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);

  const { modal } = await openModal(page);
  // Live validation runs in the WASM bundle: it answers only if hydration ran.
  await modal.clusterName.fill("-nope");
  await expect(modal.dialog.getByText("must start and end with a letter or digit")).toBeVisible();
  // The live pre-flight is a server function the bundle calls: the button follows its answer.
  await modal.fill({ name: uniqueName("e2e-csp"), workerNodes: 1 });
  await modal.expectSubmitLabel("Create cluster");
  await modal.closeDiscarding();

  expect(violations).toEqual([]);
});
