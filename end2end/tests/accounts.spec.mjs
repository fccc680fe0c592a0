import { test, expect } from '@playwright/test';

test('sign up, log out, log in, see your name', async ({ page }, info) => {
  const email = `ann.${Date.now()}.${info.project.name}@example.com`;
  const password = 'correct horse battery';

  await page.goto('/signup');
  await page.getByLabel('First name').fill('Ann');
  await page.getByLabel('Last name').fill('Lee');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Hello, Ann' })).toBeVisible();
  await expect(page.getByTestId('viewer-name')).toHaveText('Ann Lee');
  await page.screenshot({ path: `screenshots/${info.project.name}-signed-up.png`, fullPage: true });

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/$/);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Log in' })).toBeVisible();
  await expect(page.getByTestId('viewer-name')).toHaveCount(0);

  await nav.getByRole('link', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('Email').fill(email.toUpperCase());
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();

  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('viewer-name')).toHaveText('Ann Lee');
  await page.screenshot({ path: `screenshots/${info.project.name}-logged-in.png`, fullPage: true });
});

test('a wrong password says so and keeps you signed out', async ({ page }, info) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill('nobody@example.com');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('That email and password do not match an account.');
  await expect(page.getByTestId('viewer-name')).toHaveCount(0);
  await page.screenshot({ path: `screenshots/${info.project.name}-wrong-password.png`, fullPage: true });
});

test('sign-up without JavaScript still works', async ({ browser }, info) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/signup');
  await page.getByLabel('First name').fill('Noel');
  await page.getByLabel('Last name').fill('Script');
  await page.getByLabel('Email').fill(`noel.${Date.now()}.${info.project.name}@example.com`);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Use at least 10 characters for your password.')).toBeVisible();
  await page.getByLabel('First name').fill('Noel');
  await page.getByLabel('Last name').fill('Script');
  await page.getByLabel('Email').fill(`noel.${Date.now()}.${info.project.name}@example.com`);
  await page.getByLabel('Password').fill('long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('viewer-name')).toHaveText('Noel Script');
  await page.screenshot({ path: `screenshots/${info.project.name}-no-js.png`, fullPage: true });
  await context.close();
});
