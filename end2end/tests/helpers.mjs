// Shared steps for the browser tests.
import { expect } from '@playwright/test';

/** Waits until the page's islands have hydrated, so clicks go through them (only pages with an
 *  island load the wasm bundle: checkout and the partner dashboard). */
export async function hydrated(page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 15_000 });
}

/** Signs up a fresh customer and returns their email. */
export async function signUp(page, info, first = 'Ann', last = 'Lee') {
  const email = `${first.toLowerCase()}.${Date.now()}.${info.project.name}@example.com`;
  await page.goto('/signup');
  await page.getByLabel('First name').fill(first);
  await page.getByLabel('Last name').fill(last);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);
  return email;
}

/** `YYYY-MM-DD`, `n` days from today. */
export function inDays(n) {
  const d = new Date();
  d.setDate(d.getDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Fills the order form (already open) for Grace Lee in Newtown and submits it. */
export async function fillOrder(page, { kind = 'One delivery', budget, frequency, years, message }) {
  await page.getByRole('radio', { name: new RegExp(kind) }).check();
  await page.getByLabel('Budget per delivery').fill(budget);
  await page.getByLabel('First delivery date').fill(inDays(10));
  if (frequency) await page.getByLabel('How often').selectOption({ label: frequency });
  if (years) await page.getByLabel('For how long').selectOption({ label: years });
  await page.getByLabel("Recipient's name").fill('Grace Lee');
  await page.getByLabel('Street address').fill('12 Rose Lane');
  await page.getByLabel('Suburb').fill('Newtown');
  await page.getByLabel('City').fill('Sydney');
  await page.getByLabel('Postcode').fill('2042');
  if (message) await page.getByLabel('Card message (optional)').fill(message);
  await page.getByRole('button', { name: 'Review and pay' }).click();
}
