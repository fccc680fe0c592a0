// Shared steps for the browser tests.
import { expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

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

/** Runs a `futureflower` command once, as an operator would, with the server's settings (run from
 *  end2end/, like the server). Retries while the server's own run of that job holds its lease. */
export async function runJob(info, siteUrl, args) {
  const end2end = resolve(info.project.testDir, '..');
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${process.env.E2E_DATA_DIR}/e2e.db`,
    MAIL_DIR: process.env.E2E_MAIL_DIR,
    SITE_URL: siteUrl,
    LEPTOS_SITE_ROOT: '../target/site',
    RUST_LOG: 'warn',
  };
  let out = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const run = spawnSync(resolve(end2end, process.env.E2E_SERVER), args, {
      cwd: end2end, env, encoding: 'utf8', timeout: 60_000,
    });
    out = `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    if (run.status === 0) return out;
    if (!/another (instance|payout run)/.test(run.stderr || '')) break;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  throw new Error(`futureflower ${args.join(' ')} failed:\n${out}`);
}
