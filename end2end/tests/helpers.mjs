// Shared steps for the browser tests.
import { expect } from '@playwright/test';

/** Waits until the wasm bundle has hydrated the page, so clicks go through the Leptos app. */
export async function hydrated(page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 15_000 });
}

/** Signs up a fresh customer and returns their email. */
export async function signUp(page, info, first = 'Ann', last = 'Lee') {
  const email = `${first.toLowerCase()}.${Date.now()}.${info.project.name}@example.com`;
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('First name').fill(first);
  await page.getByLabel('Last name').fill(last);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);
  return email;
}
