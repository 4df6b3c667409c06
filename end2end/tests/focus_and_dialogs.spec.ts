import { expect, test, type Locator, type Page } from "@playwright/test";
import { expectNoAxeViolations } from "./fixtures/axe";
import { openModal, uniqueName, VIEWPORTS } from "./fixtures/journey";

// Issue 19, points 5 and 6: focus always lands somewhere sensible, ESC answers every question
// wherever focus is, a filled form is not thrown away without a question, and every question
// looks the same, its destructive answer styled as such. At the desktop width and on a phone.
// (The cancelled card taking focus from the Stop control is in cancel_create.spec.ts.)

/** A press on a backdrop's top-left corner (outside the modal on a wide screen; a phone's
 * modal fills the screen, but a question's backdrop covers it). */
async function clickBackdrop(page: Page): Promise<void> {
  await page.mouse.click(4, 4);
}

/** The question's backdrop covers the whole window, whichever dialog it opens from. */
async function expectWindowBackdrop(page: Page, question: Locator): Promise<void> {
  const backdrop = page.locator(".confirm-backdrop").filter({ has: question });
  const box = await backdrop.boundingBox();
  const viewport = page.viewportSize();
  expect(box).toEqual({ x: 0, y: 0, width: viewport?.width, height: viewport?.height });
}

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport });

    test("a filled form asks before a backdrop click, ESC or Close throws it away", async ({ page }) => {
      const { dashboard, modal } = await openModal(page);
      // The backdrop, where the modal leaves one; on a phone the modal fills the screen.
      const dismiss = viewport.width > 640 ? () => clickBackdrop(page) : () => modal.close.click();
      // Untouched, it closes at once: nothing would be lost.
      await dismiss();
      await expect(modal.dialog).toBeHidden();

      await dashboard.createCluster.click();
      await expect(modal.clusterName).toBeVisible();
      const name = uniqueName("e2e-draft");
      await modal.clusterName.fill(name);
      await dismiss();
      const question = modal.discardQuestion;
      await expect(question).toContainText("What you entered in the form is not kept.");
      await expect(question.getByRole("button", { name: "Keep editing" })).toBeFocused();
      await expect(question.getByRole("button", { name: "Discard" })).toHaveClass(/\bdanger\b/);
      await expectWindowBackdrop(page, question);
      await expectNoAxeViolations(page, "the question before a filled form is discarded");

      // A press on the question's own backdrop keeps focus in the question, so ESC still
      // answers it ("Keep editing"), and the form is as it was.
      await clickBackdrop(page);
      await expect(question.getByRole("button", { name: "Keep editing" })).toBeFocused();
      await page.keyboard.press("Escape");
      await expect(question).toBeHidden();
      await expect(modal.dialog).toBeVisible();
      await expect(modal.clusterName).toHaveValue(name);

      // Focus on the page's body, ESC still asks; "Discard" closes, focus back on the button.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press("Escape");
      await question.getByRole("button", { name: "Discard" }).click();
      await expect(modal.dialog).toBeHidden();
      await expect(dashboard.createCluster).toBeFocused();
    });

    test("Apply N nodes leaves focus on the count it changed", async ({ page }) => {
      const { modal } = await openModal(page);
      await modal.clusterName.fill(uniqueName("e2e-apply"));
      // The small subscription's koreacentral fits one 16-core worker beside the system node.
      await modal.subscription.selectOption({ label: "Contoso Sandbox (small)" });
      await modal.region.selectOption("koreacentral");
      await modal.workerSize.selectOption("Standard_D16s_v5");
      await modal.workerNodes.fill("3");
      await expect(modal.quotaRow).toHaveClass(/check-fail/);
      await expectNoAxeViolations(page, "a quota shortfall with Apply 1 node");
      await modal.applyNodes(1).click();
      await expect(modal.workerNodes).toHaveValue("1");
      await expect(modal.workerNodes).toBeFocused();
      await expect(modal.quotaRow).toHaveClass(/check-ok/);
    });
  });
}
