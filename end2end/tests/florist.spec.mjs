// The delivery florist's journey: a florist signs up for a suburb and is approved; a customer orders
// a delivery for today there; the delivery job cannot offer it so late, so it waits for an admin,
// who sends it to the florist by hand; the florist answers from the emailed link on a phone with
// JavaScript off: accepts, sees the recipient, marks it delivered with a photo.
import { test, expect } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runJob, signUp } from './helpers.mjs';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'admin@e2e.test', password: process.env.E2E_ADMIN_PASSWORD || 'e2e admin password' };
/** A valid 1x1 PNG (it starts with the PNG signature the server checks for). */
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // \x89PNG\r\n\x1a\n

async function logIn(page, email, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
}

async function logOut(page) {
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' })).toBeVisible();
}

/** Today, `YYYY-MM-DD` in UTC (the e2e server's business time zone; ORDER_LEAD_DAYS=0). */
function todayUtc() {
  return new Date().toISOString().slice(0, 10);
}

/** The request link in the newest delivery-request mail to `email` (a `.eml` the server's mail
 *  sender writes under MAIL_DIR within a second or so), with the whole mail. */
async function deliveryRequestMailFor(email) {
  const dir = process.env.E2E_MAIL_DIR;
  for (let i = 0; i < 100; i++) {
    const files = existsSync(dir)
      ? readdirSync(dir).filter((f) => f.endsWith('.eml') && f.includes(`-delivery_offer-${email}-`))
      : [];
    if (files.length > 0) {
      const eml = readFileSync(join(dir, files.sort().at(-1)), 'utf8');
      // The text part has the link alone on a line: <SITE_URL>/partner/delivery-request/<43-char token>.
      const link = eml.match(/^(https?:\/\/\S+\/partner\/delivery-request\/[A-Za-z0-9_-]{43})\r?$/m);
      if (link) return { link: link[1], eml };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no delivery_offer mail for ${email} in ${dir}`);
}

test('a florist gets a same-day delivery from an admin and answers it on a phone without JavaScript', async ({ page, browser }, info) => {
  test.setTimeout(120_000);
  const stamp = `${Date.now()}`;
  const tag = `${info.project.name} ${stamp.slice(-6)}`;
  const floristEmail = `fiona.${stamp}.${info.project.name}@example.com`;
  const business = `Fiona Flowers ${tag}`;
  const slug = `fiona-${info.project.name}-${stamp.slice(-6)}`;
  const suburb = `Florist Suburb ${tag}`;

  // 1. The florist registers for one suburb and lands on a dashboard with their booking link.
  await page.goto('/partner/register?type=delivery');
  await expect(page.getByLabel('Partner type')).toHaveValue('delivery');
  await page.getByLabel('Business or brand name').fill(business);
  await page.getByLabel('Booking link name').fill(slug);
  // The shop and the first service area both have "Suburb" and "City": by name, not by label.
  await page.locator('[name="street_address"]').fill('1 Petal Street');
  await page.locator('[name="suburb"]').fill('Flower Town');
  await page.locator('[name="city"]').fill('Sydney');
  await page.locator('[name="state"]').fill('NSW');
  await page.locator('[name="postcode"]').fill('2000');
  await page.locator('select[name="country"]').selectOption('AU');
  await page.locator('[name="areas[0][suburb]"]').fill(suburb);
  await page.locator('[name="areas[0][city]"]').fill('Sydney');
  await page.locator('[name="areas[0][state]"]').fill('NSW');
  await page.locator('[name="areas[0][postcode]"]').fill('2999');
  await page.locator('select[name="areas[0][country]"]').selectOption('AU');
  await page.getByLabel('First name').fill('Fiona');
  await page.getByLabel('Last name').fill('Florist');
  await page.getByLabel('Email').fill(floristEmail);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Join as a partner' }).click();
  await expect(page).toHaveURL(/\/partner\/dashboard$/);
  const siteUrl = new URL(page.url()).origin; // the server's SITE_URL (Playwright's baseURL)
  await expect(page.getByTestId('booking-link')).toHaveText(`${siteUrl}/?delivery_partner=${slug}`);
  await page.screenshot({ path: `screenshots/${info.project.name}-florist-dashboard.png`, fullPage: true });
  await logOut(page);

  // The admin approves the florist.
  await logIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/admin/partners?q=${encodeURIComponent(floristEmail)}`);
  await page.getByRole('link', { name: business }).click();
  await expect(page).toHaveURL(/\/admin\/partners\/\d+$/);
  const partnerId = page.url().match(/\/admin\/partners\/(\d+)$/)[1];
  await expect(page.getByRole('heading', { name: business })).toBeVisible();
  await page.getByText('Approve…').click();
  await page.getByRole('button', { name: 'Yes, approve' }).click();
  await expect(page.getByTestId('partner-status')).toHaveText('Active');
  await logOut(page);

  // 2. A customer orders one delivery for today in that suburb and pays in test mode.
  await signUp(page, info, 'Cara', 'Customer');
  await page.goto('/order');
  const today = todayUtc();
  await expect(page.getByLabel('First delivery date')).toHaveAttribute('min', today); // ORDER_LEAD_DAYS=0
  await page.getByRole('radio', { name: /One delivery/ }).check();
  await page.getByLabel('Budget per delivery').fill('75.35');
  await page.getByLabel('First delivery date').fill(today);
  await page.getByLabel("Recipient's name").fill('Grace Lee');
  await page.getByLabel('Street address').fill('12 Rose Lane');
  await page.getByLabel('Suburb').fill(suburb);
  await page.getByLabel('City').fill('Sydney');
  await page.getByLabel('Postcode').fill('2999');
  await page.getByLabel('Country').selectOption('AU');
  await page.getByLabel("Recipient's phone (optional)").fill('0400 000 111');
  await page.getByLabel('Occasion (optional)').selectOption('birthday');
  await page.getByLabel('Card message (optional)').fill('Happy birthday, Grace!');
  await page.getByRole('button', { name: 'Review and pay' }).click();
  await expect(page).toHaveURL(/\/checkout\/\d+$/);
  await expect(page.getByTestId('total')).toHaveText('$75.35');
  await page.getByRole('button', { name: 'Pay (test mode)' }).click();
  await expect(page).toHaveURL(/\/orders\?paid=\d+$/);
  await logOut(page);

  // 3. The job runs (too close to the day to offer it, so it waits for an admin), and the admin
  //    sends it to the florist.
  const jobOutput = await runJob(info, siteUrl, ['jobs', 'delivery-notifications']);
  await info.attach('delivery-job-output', { body: jobOutput, contentType: 'text/plain' });
  await logIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/admin/deliveries');
  await expect(page.getByRole('heading', { name: /Deliveries needing a florist/ })).toBeVisible();
  const row = page.getByTestId('needs-florist').filter({ hasText: suburb });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Too close to the day');
  await row.getByLabel('Florist').selectOption({ label: `${business} (covers ${suburb})` });
  await page.screenshot({ path: `screenshots/${info.project.name}-admin-deliveries.png`, fullPage: true });
  await row.getByRole('button', { name: 'Send the request' }).click();
  await expect(page.getByTestId('needs-florist').filter({ hasText: suburb })).toHaveCount(0);

  // 4. The florist's mail has the link to the request.
  const { link, eml } = await deliveryRequestMailFor(floristEmail);
  expect(eml).toMatch(/^Subject: Delivery request:/m);
  expect(link.startsWith(`${siteUrl}/partner/delivery-request/`)).toBe(true);

  // 5. On the florist's phone, JavaScript off, no log-in: the request, then accept, then delivered.
  const phone = await browser.newContext({
    javaScriptEnabled: false, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
  });
  const florist = await phone.newPage();
  const requested = [];
  florist.on('request', (r) => requested.push(r.url()));
  await florist.goto(link);
  await florist.waitForLoadState('networkidle');
  const request = florist.getByTestId('delivery-request');
  await expect(request).toHaveAttribute('data-status', 'pending');
  await expect(florist.getByTestId('pay')).toHaveText('$75.35');
  await expect(florist.getByTestId('answer-by')).toBeVisible();
  await expect(request).toContainText(suburb);
  await expect(request).toContainText('Birthday');
  // Until it is accepted the florist sees the area, not the recipient.
  await expect(florist.getByTestId('recipient')).toHaveCount(0);
  await expect(florist.getByText('0400 000 111')).toHaveCount(0);
  await expect(florist.getByText('Decline…')).toBeVisible();
  // Made for the phone: the main button fits the screen.
  const accept = florist.getByRole('button', { name: 'Accept this delivery' });
  const box = await accept.boundingBox();
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await florist.screenshot({ path: `screenshots/${info.project.name}-florist-pending.png`, fullPage: true });

  await accept.click();
  await expect(florist).toHaveURL(/\?done=accepted$/);
  await expect(request).toHaveAttribute('data-status', 'accepted');
  await expect(florist.getByTestId('done')).toContainText('The delivery is yours');
  const recipient = florist.getByTestId('recipient');
  await expect(recipient).toContainText('Grace Lee');
  await expect(recipient).toContainText('12 Rose Lane');
  await expect(recipient).toContainText('0400 000 111');
  await expect(recipient.getByRole('link', { name: '0400 000 111' })).toHaveAttribute('href', 'tel:0400000111');
  await expect(florist.getByRole('button', { name: 'Accept this delivery' })).toHaveCount(0);
  await florist.screenshot({ path: `screenshots/${info.project.name}-florist-accepted.png`, fullPage: true });

  // It is the delivery day: mark it delivered, with a photo.
  expect(PNG_1X1.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  await expect(florist.getByLabel('Photo of the delivery (optional)')).toBeVisible();
  await florist.setInputFiles('#photo', { name: 'proof.png', mimeType: 'image/png', buffer: PNG_1X1 });
  await florist.getByRole('button', { name: 'Mark delivered' }).click();
  await expect(florist).toHaveURL(/\?done=delivered$/);
  await expect(request).toHaveAttribute('data-status', 'delivered');
  await expect(florist.getByTestId('done')).toHaveText('Marked delivered. Thank you!');
  await expect(florist.getByTestId('answered')).toContainText('You marked this delivered');
  await expect(florist.getByText('Your photo was received.')).toBeVisible();
  await expect(florist.getByRole('button', { name: 'Mark delivered' })).toHaveCount(0);
  await florist.screenshot({ path: `screenshots/${info.project.name}-florist-delivered.png`, fullPage: true });

  // The page needs no script: no wasm bundle, no script file, not even preloaded.
  expect(requested.filter((u) => /\.wasm(\?|$)/.test(u) || /\.js(\?|$)/.test(u))).toEqual([]);
  await expect(florist.locator('script[src], link[href$=".wasm"], link[rel="modulepreload"]')).toHaveCount(0);

  // 6. A link cut short says so, with a 404.
  const unknown = await florist.goto(`${siteUrl}/partner/delivery-request/not-a-real-token`);
  expect(unknown.status()).toBe(404);
  await expect(florist.getByTestId('unknown-request')).toContainText("We can't find this delivery request");
  await florist.screenshot({ path: `screenshots/${info.project.name}-florist-unknown-link.png`, fullPage: true });
  await phone.close();

  // 7. The admin sees the florist's record, with the photo.
  await page.goto(`/admin/partners/${partnerId}`);
  const record = page.getByTestId('florist-record');
  await expect(record).toBeVisible();
  await expect(record).toContainText(slug);
  const photoLink = record.getByRole('link', { name: 'View photo' });
  await expect(photoLink).toHaveCount(1);
  const photo = await page.request.get(await photoLink.getAttribute('href'));
  expect(photo.ok()).toBe(true);
  expect((await photo.body()).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  await page.screenshot({ path: `screenshots/${info.project.name}-admin-florist-record.png`, fullPage: true });
});
