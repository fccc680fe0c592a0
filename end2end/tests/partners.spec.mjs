import { test, expect } from '@playwright/test';
import { fillOrder, hydrated, runJob, signUp } from './helpers.mjs';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'admin@e2e.test', password: process.env.E2E_ADMIN_PASSWORD || 'e2e admin password' };

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

test('partner registers, admin approves, a customer uses the code, the commission is approved and paid out', async ({ page }, info) => {
  test.setTimeout(120_000);
  const stamp = `${Date.now()}`;
  const partnerEmail = `rosie.${stamp}.${info.project.name}@example.com`;
  const business = `Rosie ${info.project.name} ${stamp.slice(-5)}`;
  // The pages' Content-Security-Policy allows no inline style: anything refused would be drawn wrong.
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) refused.push(m.text()); });

  // 1. The partner registers from the landing page and lands on a dashboard awaiting approval.
  await page.goto('/');
  await page.getByRole('link', { name: 'Join as an affiliate' }).click();
  await expect(page).toHaveURL(/\/partner\/register\?type=non_delivery$/);
  await page.getByLabel('Business or brand name').fill(business);
  await page.getByLabel('First name').fill('Rosie');
  await page.getByLabel('Last name').fill('Reed');
  await page.getByLabel('Email').fill(partnerEmail);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Join as a partner' }).click();
  await expect(page).toHaveURL(/\/partner\/dashboard$/);
  await expect(page.getByText('Awaiting approval.')).toBeVisible();
  await expect(page.getByTestId('no-commissions')).toBeVisible();
  const code = (await page.getByTestId('partner-code').textContent()).trim();
  expect(code).toMatch(/^ROSIE-/);
  // The code does not work yet, so there is no link to share.
  await expect(page.getByTestId('share-link')).toHaveCount(0);
  await logOut(page);

  // 2. The admin home says a partner waits and leads to them; approving asks first.
  await logIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId('partners-waiting')).toContainText(/partners? to review/);
  await page.getByRole('link', { name: /Partners/ }).click();
  await expect(page).toHaveURL(/\/admin\/partners\?status=pending$/);
  await page.getByRole('link', { name: business }).click();
  await expect(page.getByRole('heading', { name: business })).toBeVisible();
  await page.getByText('Approve…').click();
  await page.getByRole('button', { name: 'Yes, approve' }).click();
  await expect(page.getByTestId('partner-status')).toHaveText('Active');
  await logOut(page);

  // 3. A new customer orders, applies the code at checkout and pays in test mode.
  await signUp(page, info, 'Cara', 'Customer');
  await page.goto('/order');
  await fillOrder(page, { budget: '75' });
  await expect(page).toHaveURL(/\/checkout\/\d+$/);
  await hydrated(page);
  await page.getByLabel('Discount code').fill('NOT-A-CODE');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText("We don't know the code NOT-A-CODE")).toBeVisible();
  await page.getByLabel('Discount code').fill(code.toLowerCase());
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('code-applied')).toContainText(business);
  await expect(page.getByTestId('total')).toHaveText('$70.00');
  await expect(page).toHaveURL(/\/checkout\/\d+$/); // applied in place, no reload
  await page.screenshot({ path: `screenshots/${info.project.name}-checkout-with-code.png`, fullPage: true });
  await page.getByRole('button', { name: 'Pay (test mode)' }).click();
  await expect(page).toHaveURL(/\/orders\?paid=\d+$/);
  await logOut(page);

  // 4. The partner sees the use and a pending commission (5% of $75 = $3.75).
  await logIn(page, partnerEmail);
  await page.goto('/partner/dashboard');
  await hydrated(page);
  await expect(page.getByRole('button', { name: 'Copy code' })).toBeVisible();
  await expect(page.getByTestId('uses')).toHaveText('1');
  await expect(page.getByTestId('pending-total')).toHaveText('$3.75');
  await expect(page.getByTestId('commission')).toHaveCount(1);
  // The row names the customer's order, and on a phone it stacks: nothing is off-screen.
  await expect(page.getByTestId('commission')).toContainText(/Order #\d+ · \$70\.00/);
  const row = await page.getByTestId('commission').boundingBox();
  expect(row.x + row.width).toBeLessThanOrEqual(page.viewportSize().width);
  await page.screenshot({ path: `screenshots/${info.project.name}-partner-dashboard.png`, fullPage: true });
  await logOut(page);

  // 5. The admin approves it from the review page, gives the partner its own terms and clears a risk flag.
  await logIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/admin/partners?q=${encodeURIComponent(code)}`);
  await page.getByRole('link', { name: business }).click();
  await page.getByRole('link', { name: "Review this partner's commissions" }).click();
  await expect(page.getByTestId('commission')).toHaveCount(1);
  await page.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(page.getByText('Nothing to review')).toBeVisible();
  // The program holds commissions 7 days and pays from $20.00; this partner gets its own terms
  // (no holding period, no minimum), so the run below pays the $3.75 today.
  await page.goto(`/admin/partners?q=${encodeURIComponent(code)}`);
  await page.getByRole('link', { name: business }).click();
  await expect(page.getByTestId('terms-holding')).toHaveText('7 days');
  await page.getByLabel('Holding period (days)').fill('0');
  await page.getByLabel('Minimum payout').fill('0');
  await page.getByRole('button', { name: 'Save terms' }).click();
  await expect(page.getByTestId('terms-holding')).toHaveText('0 days');
  await expect(page.getByTestId('terms-minimum')).toHaveText('$0.00');
  // The partner and the customer came from one address (one browser here), so the risk check held
  // the commission; the partner's page says why, and the admin clears it on the risk page.
  const flag = page.getByTestId('risk-flag');
  await expect(flag).toHaveCount(1);
  await expect(flag.getByTestId('risk-detail')).toContainText("signed up from the partner's address");
  await page.goto('/admin');
  await expect(page.getByTestId('risk-open')).toContainText(/^[1-9]\d* open flags?$/);
  await page.goto('/admin/risk');
  const ours = page.getByTestId('risk-flag').filter({ hasText: business });
  await expect(ours.getByTestId('risk-status')).toHaveText('Open');
  await ours.getByTestId('risk-clear').click();
  await expect(page.getByTestId('risk-resolved')).toBeVisible();
  await expect(ours.getByTestId('risk-status')).toHaveText('Cleared');
  await page.screenshot({ path: `screenshots/${info.project.name}-admin-risk.png`, fullPage: true });
  await logOut(page);

  // 6. The dashboard shows it approved.
  await logIn(page, partnerEmail);
  await page.goto('/partner/dashboard');
  await expect(page.getByTestId('approved-total')).toHaveText('$3.75');
  await expect(page.getByTestId('pending-total')).toHaveText('$0.00');
  await page.screenshot({ path: `screenshots/${info.project.name}-partner-dashboard-approved.png`, fullPage: true });

  // 7. The partner sets up payouts (the simulator stands in for Stripe's onboarding).
  await expect(page.getByTestId('payout-setup')).toContainText('Set up payouts');
  await page.getByTestId('payout-setup-button').click();
  await expect(page).toHaveURL(/\/partner\/payout-setup\/simulated$/);
  await page.getByRole('button', { name: 'Complete onboarding' }).click();
  await expect(page).toHaveURL(/\/partner\/payouts\?done=ready$/);
  await expect(page.getByTestId('payouts-notice')).toContainText('Payouts are set up');
  await expect(page.getByTestId('payouts-waiting')).toContainText('$3.75');
  await expect(page.getByTestId('no-payouts')).toBeVisible();

  // 8. The monthly commission run (as an operator runs it) pays the approved commission.
  const run = await runJob(info, new URL(page.url()).origin, ['jobs', 'payouts', '--type', 'commission']);
  expect(run).toMatch(/sent \(\$[\d.,]+\)/);

  // 9. The partner sees the payout, sent, and its one line.
  await page.goto('/partner/payouts');
  await expect(page.getByTestId('payout')).toHaveCount(1);
  await expect(page.getByTestId('payout')).toContainText('$3.75');
  await expect(page.getByTestId('payout-status')).toHaveText('Sent');
  await page.screenshot({ path: `screenshots/${info.project.name}-partner-payouts.png`, fullPage: true });
  await page.getByTestId('payout').getByRole('link').click();
  await expect(page.getByTestId('payout-line')).toHaveCount(1);
  await expect(page.getByTestId('payout-line')).toContainText(/Referral commission, order #\d+/);
  await page.screenshot({ path: `screenshots/${info.project.name}-partner-payout-detail.png`, fullPage: true });

  // 10. The ledger shows the commission earned and paid out, and downloads as CSV.
  await page.goto('/partner/ledger');
  await expect(page.getByText(/Commission #\d+ earned \(referral\)/)).toBeVisible();
  await expect(page.getByText(/Payout #\d+ sent/)).toBeVisible();
  await page.screenshot({ path: `screenshots/${info.project.name}-partner-ledger.png`, fullPage: true });
  const csv = await page.request.get('/partner/exports/ledger.csv');
  expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
  expect(await csv.text()).toMatch(/earned,\d+,Commission #\d+ earned \(referral\),3\.75,3\.75/);
  // Results by period: this month's commission and payout; picking "This year" keeps them.
  await page.goto('/partner/dashboard');
  await page.getByTestId('metrics-link').click();
  await expect(page.getByTestId('metric-earned')).toHaveText('$3.75');
  await expect(page.getByTestId('metric-paid-out')).toHaveText('$3.75');
  await expect(page.getByTestId('metric-new-customers')).toHaveText('1');
  // The chart's labels sit in one row under the bars, first to last.
  const labels = page.getByTestId('chart-labels').locator('span');
  const [first, last] = [await labels.first().boundingBox(), await labels.last().boundingBox()];
  expect(last.y).toBe(first.y);
  expect(last.x).toBeGreaterThan(first.x);
  await page.getByTestId('period-year').click();
  await expect(page.getByTestId('period-year')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('metric-earned')).toHaveText('$3.75');
  await page.screenshot({ path: `screenshots/${info.project.name}-partner-metrics.png`, fullPage: true });
  await logOut(page);

  // 11. The admin's activity log has the approvals, the terms change and the cleared flag.
  await logIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/admin/activity');
  const action = (name) => page.getByTestId('activity-action').filter({ hasText: name }).first();
  await expect(action('partner.terms')).toBeVisible();
  await expect(action('commission.approve')).toBeVisible();
  await expect(action('risk.clear')).toBeVisible();
  await page.screenshot({ path: `screenshots/${info.project.name}-admin-activity.png`, fullPage: true });

  // 12. The program's results list the partner among this month's top partners.
  await page.goto('/admin/metrics');
  await expect(page.getByTestId('top-partner-name').filter({ hasText: business })).toBeVisible();
  await page.screenshot({ path: `screenshots/${info.project.name}-admin-metrics.png`, fullPage: true });
  expect(refused).toEqual([]);
});
