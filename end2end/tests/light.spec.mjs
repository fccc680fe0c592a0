// Light pages (issue 10): the share link survives log-in and sign-up, the whole customer journey
// works with JavaScript off, and pages without islands load no wasm.
import { test, expect } from '@playwright/test';
import { fillOrder } from './helpers.mjs';

test("a partner's share link survives log-in and sign-up", async ({ page }, info) => {
  await page.goto('/order?code=SPRING5');
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page).toHaveURL(/\/signup\?next=/);
  await page.getByLabel('First name').fill('Sam');
  await page.getByLabel('Last name').fill('Share');
  await page.getByLabel('Email').fill(`sam.${Date.now()}.${info.project.name}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/order\?code=SPRING5$/);
  // The plan fields show for the kinds that use them (CSS only: this page has no script).
  await expect(page.getByLabel('How often')).toBeHidden();
  await page.getByRole('radio', { name: /Subscription/ }).check();
  await expect(page.getByLabel('How often')).toBeVisible();
  await expect(page.getByLabel('For how long')).toBeHidden();
  await fillOrder(page, { kind: 'One delivery', budget: '75' });
  await expect(page).toHaveURL(/\/checkout\/\d+\?code=SPRING5$/);
  await expect(page.getByLabel('Discount code')).toHaveValue('SPRING5');
  await page.screenshot({ path: `screenshots/${info.project.name}-share-link-checkout.png`, fullPage: true });
});

test('the whole customer journey works with JavaScript off', async ({ browser }, info) => {
  const context = await browser.newContext({ javaScriptEnabled: false, ...(info.project.use.viewport ? { viewport: info.project.use.viewport } : {}) });
  const page = await context.newPage();
  const email = `nojs.${Date.now()}.${info.project.name}@example.com`;
  await page.goto('/signup');
  await page.getByLabel('First name').fill('Noa');
  await page.getByLabel('Last name').fill('Script');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('viewer-name')).toHaveText('Noa Script');

  // A prepaid plan: "How often" and "For how long" are there to choose without a script.
  await page.goto('/order');
  await fillOrder(page, { kind: 'Prepaid plan', budget: '60.50', frequency: 'Every three months', years: '2 years' });
  await expect(page).toHaveURL(/\/checkout\/\d+$/);
  await expect(page.getByText('Prepaid plan: every three months for 2 years')).toBeVisible();
  await expect(page.getByTestId('total')).toHaveText('$484.00');
  await page.getByLabel('Discount code').fill('NOT-A-CODE');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText("We don't know the code NOT-A-CODE")).toBeVisible();
  await page.getByRole('button', { name: 'Pay (test mode)' }).click();
  await expect(page).toHaveURL(/\/orders\?paid=\d+$/);
  await expect(page.getByText('Payment received')).toBeVisible();
  await page.screenshot({ path: `screenshots/${info.project.name}-no-js-paid.png`, fullPage: true });
  await context.close();
});

test('pages without islands load no wasm', async ({ page }) => {
  const wasm = [];
  // The partner sign-up's 1 KB booking-name check (/slug-check.js) is the one script allowed here.
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm') || (r.url().endsWith('.js') && !r.url().endsWith('/slug-check.js'))) wasm.push(r.url());
  });
  for (const path of ['/', '/signup', '/login', '/partner/register']) {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
  }
  expect(wasm).toEqual([]);
  // No page scrolls sideways on this viewport.
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(sideways).toBe(false);
});

test('small things a customer notices', async ({ page }, info) => {
  // "Become a partner florist" opens the form as a delivery florist.
  await page.goto('/');
  await page.getByRole('link', { name: 'Become a partner florist' }).click();
  await expect(page.getByLabel('Partner type')).toHaveValue('delivery');
  // Protected pages send you to log in (a 303), and the page you wanted comes back after.
  const response = await page.request.get('/orders', { maxRedirects: 0 });
  expect(response.status()).toBe(303);
  expect(response.headers()['location']).toBe('/login?next=/orders');

  await page.goto('/signup');
  await page.getByLabel('First name').fill('Lia');
  await page.getByLabel('Last name').fill('Little');
  await page.getByLabel('Email').fill(`lia.${Date.now()}.${info.project.name}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.goto('/order');
  // The budget names its currency and asks for a decimal keypad; the country matches the currency.
  const budget = page.getByLabel('Budget per delivery (USD)');
  await expect(budget).toHaveAttribute('inputmode', 'decimal');
  await expect(page.getByLabel('Country')).toHaveValue('US');
  await fillOrder(page, { budget: '75' });
  // Checkout has a way back to the order form.
  await page.getByRole('link', { name: /Start a different order/ }).click();
  await expect(page).toHaveURL(/\/order$/);
  await page.goBack();
  await page.getByRole('button', { name: 'Pay (test mode)' }).click();
  // A paid one-off delivery is "Paid", not "Active".
  await expect(page.getByTestId('order').first()).toContainText('Paid');
  await expect(page.getByTestId('order').first()).not.toContainText('Active');
});
