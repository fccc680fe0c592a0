import { test, expect } from '@playwright/test';
import { fillOrder, signUp } from './helpers.mjs';

async function order(page, { kind, budget, frequency, years }) {
  await page.goto('/order');
  await fillOrder(page, { kind, budget, frequency, years, message: 'Happy birthday!' });
  await expect(page).toHaveURL(/\/checkout\/\d+$/);
}

test('a customer orders each kind and pays in test mode', async ({ page }, info) => {
  await signUp(page, info);

  await order(page, { kind: 'One delivery', budget: '75' });
  await expect(page.getByText('Test mode.')).toBeVisible();
  await expect(page.getByTestId('total')).toHaveText('$75.00');
  await page.screenshot({ path: `screenshots/${info.project.name}-checkout.png`, fullPage: true });
  await page.getByRole('button', { name: 'Pay (test mode)' }).click();
  await expect(page).toHaveURL(/\/orders\?paid=\d+$/);
  await expect(page.getByText('Payment received')).toBeVisible();

  await order(page, { kind: 'Prepaid plan', budget: '60.50', frequency: 'Every three months', years: '2 years' });
  await expect(page.getByTestId('total')).toHaveText('$484.00');
  await page.getByRole('button', { name: 'Pay (test mode)' }).click();
  await expect(page).toHaveURL(/\/orders\?paid=\d+$/);

  await order(page, { kind: 'Subscription', budget: '55', frequency: 'Every month' });
  await page.getByRole('button', { name: 'Pay (test mode)' }).click();
  await expect(page).toHaveURL(/\/orders\?paid=\d+$/);

  const orders = page.getByTestId('order');
  await expect(orders).toHaveCount(3);
  await expect(page.getByText('Prepaid plan: every three months for 2 years')).toBeVisible();
  await expect(page.getByText('and 2 more')).toBeVisible(); // 8 deliveries, 6 listed
  await expect(page.getByText('Awaiting payment')).toHaveCount(0);
  await expect(page.getByTestId('payments').first()).toContainText('Paid');
  await page.screenshot({ path: `screenshots/${info.project.name}-my-orders.png`, fullPage: true });
});

test('the order form explains what to fix', async ({ page }, info) => {
  await signUp(page, info, 'Bea', 'Wrong');
  await page.goto('/order');
  await page.getByLabel('Budget per delivery').fill('5');
  await page.getByRole('button', { name: 'Review and pay' }).click();
  // The browser stops it first (this page has no script), and what was typed stays.
  await expect(page).toHaveURL(/\/order$/);
  expect(await page.getByLabel('Budget per delivery').evaluate((el) => el.validity.rangeUnderflow)).toBe(true);
  await expect(page.getByLabel('Budget per delivery')).toHaveValue('5');
  // Past the browser's checks, the server explains every problem in words.
  await page.locator('form', { has: page.getByRole('button', { name: 'Review and pay' }) }).evaluate((form) => { form.noValidate = true; });
  await page.getByRole('button', { name: 'Review and pay' }).click();
  await expect(page.getByText(/Choose a budget between/)).toBeVisible();
  await expect(page.getByText("Enter the recipient's name.")).toBeVisible();
  await expect(page).toHaveURL(/\/order\?/);
  await page.screenshot({ path: `screenshots/${info.project.name}-order-errors.png`, fullPage: true });
});
