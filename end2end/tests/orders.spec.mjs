import { test, expect } from '@playwright/test';
import { hydrated, signUp } from './helpers.mjs';

function inDays(n) {
  const d = new Date();
  d.setDate(d.getDate() + n);
  return d.toISOString().slice(0, 10);
}

async function order(page, { kind, budget, frequency, years }) {
  await page.goto('/order');
  await hydrated(page);
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
  await page.getByLabel('Card message (optional)').fill('Happy birthday!');
  await page.getByRole('button', { name: 'Review and pay' }).click();
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
  await hydrated(page);
  await page.getByLabel('Budget per delivery').fill('5');
  await page.getByRole('button', { name: 'Review and pay' }).click();
  await expect(page.getByText(/Choose a budget between/)).toBeVisible();
  await expect(page.getByText("Enter the recipient's name.")).toBeVisible();
  await expect(page).toHaveURL(/\/order$/);
  await page.screenshot({ path: `screenshots/${info.project.name}-order-errors.png`, fullPage: true });
});
