import { test, expect } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signUp } from './helpers.mjs';

/** The reset link in the newest password-reset mail to `email`, from the .eml file the server
 *  wrote under MAIL_DIR (as a newcomer running ./run.sh finds it in data/mail). */
async function resetLinkFor(email) {
  const dir = process.env.E2E_MAIL_DIR;
  for (let i = 0; i < 75; i++) {
    const files = existsSync(dir)
      ? readdirSync(dir).filter((f) => f.endsWith('.eml') && f.includes(`-password_reset-${email}-`))
      : [];
    if (files.length > 0) {
      const eml = readFileSync(join(dir, files.sort().at(-1)), 'utf8');
      const link = eml.match(/https?:\/\/\S+\/reset-password\/[A-Za-z0-9_-]+/);
      if (link) return link[0];
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no password-reset mail for ${email} in ${dir}`);
}

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

test('forgot password: the emailed link sets a new password and logs you in; the old one fails', async ({ page }, info) => {
  const email = await signUp(page, info, 'Rita', 'Reset');
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByTestId('reset-sent')).toContainText('Check your email.');
  await page.screenshot({ path: `screenshots/${info.project.name}-reset-sent.png`, fullPage: true });

  await page.goto(await resetLinkFor(email));
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  // A weak password comes back to the same form (the page sends no Referer).
  await page.getByLabel('New password').fill('short');
  await page.getByRole('button', { name: 'Set new password and log in' }).click();
  await expect(page.getByText('Use at least 10 characters for your password.')).toBeVisible();
  await page.getByLabel('New password').fill('a brand new sentence');
  await page.getByRole('button', { name: 'Set new password and log in' }).click();
  await expect(page).toHaveURL(/\/account\?password=reset$/);
  await expect(page.getByTestId('password-changed')).toContainText('Your new password is set');
  await page.screenshot({ path: `screenshots/${info.project.name}-reset-done.png`, fullPage: true });

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('That email and password do not match an account.');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a brand new sentence');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/account$/);
});
