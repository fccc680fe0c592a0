use crate::api::admin::get_admin_overview;
use crate::api::controls::list_risk_flags;
use crate::dto::AppError;
use crate::dto::admin::AdminOverview;
use crate::dto::controls::RiskFlagLine;
use crate::ui::components::notice::ErrorView;
use leptos::prelude::*;
use leptos_meta::Title;

/// Admin home: only admins see it; everyone else gets the log-in page or a 404.
#[component]
pub fn AdminHomePage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_admin_overview());
    // For the open-flag count on the risk card.
    let risk = Resource::new(|| (), |_| list_risk_flags(None));
    view! {
        <Title text="Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(data) => view! { <Overview data risk /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(
    data: AdminOverview,
    risk: Resource<Result<Vec<RiskFlagLine>, AppError>>,
) -> impl IntoView {
    let stat = |label: &'static str, value: i64| {
        view! {
            <div class="rounded-lg border border-stone-200 bg-white p-4">
                <dt class="text-sm text-stone-500">{label}</dt>
                <dd class="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
            </div>
        }
    };
    view! {
        <section class="space-y-8">
            <h1 class="text-2xl font-semibold">"Admin"</h1>
            // Every review page, with what waits there.
            <nav aria-label="Admin sections">
                <ul class="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
                    {[
                        ("/admin/partners", "?status=pending", "Partners", "Approve new partners", data.partners_to_review, ("partner to review", "partners to review"), "partners-waiting"),
                        ("/admin/commissions", "?status=pending", "Commissions", "Approve or reject commissions", data.commissions_to_review, ("commission to review", "commissions to review"), "commissions-waiting"),
                        ("/admin/orders", "?status=needs_review", "Orders", "Orders, payments and subscriptions", data.payments_to_review, ("payment to review", "payments to review"), "payments-waiting"),
                        ("/admin/emails", "?status=failed", "Emails", "The outbox: sent, waiting and failed mail", data.emails_failed, ("failed mail", "failed mails"), "emails-failed"),
                        ("/admin/deliveries", "", "Deliveries", "Deliveries that need a florist", data.deliveries_waiting, ("delivery needs a florist", "deliveries need a florist"), "deliveries-waiting"),
                        ("/admin/payouts", "", "Payouts", "Payouts to partners and florists", data.payouts_needing_attention, ("payout needs a look", "payouts need a look"), "payouts-waiting"),
                    ].into_iter().map(|(page, filter, label, note, count, (one, many), testid)| {
                        // With work waiting, the link opens the list filtered to it.
                        let href = if count > 0 { format!("{page}{filter}") } else { page.to_owned() };
                        let waiting = match count {
                            0 => "Nothing waiting".to_owned(),
                            1 => format!("1 {one}"),
                            n => format!("{n} {many}"),
                        };
                        view! {
                            <li>
                                <a href=href class="block h-full rounded-lg border border-stone-200 bg-white p-4 hover:border-rose-300 hover:bg-rose-50">
                                    <span class="block font-medium text-rose-800">{label}</span>
                                    <span class="block text-sm text-stone-600">{note}</span>
                                    <span class="mt-2 block text-sm font-medium" data-testid=testid>{waiting}</span>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                    <li>
                        <a href="/admin/payouts/approval" class="block h-full rounded-lg border border-stone-200 bg-white p-4 hover:border-rose-300 hover:bg-rose-50" data-testid="approval-link">
                            <span class="block font-medium text-rose-800">"Payout approval"</span>
                            <span class="block text-sm text-stone-600">"The batch awaiting approval, and payouts held by an admin"</span>
                        </a>
                    </li>
                    <li>
                        <a href="/admin/risk" class="block h-full rounded-lg border border-stone-200 bg-white p-4 hover:border-rose-300 hover:bg-rose-50">
                            <span class="block font-medium text-rose-800">"Risk flags"</span>
                            <span class="block text-sm text-stone-600">"Referrals that look like the partner's own"</span>
                            <Suspense fallback=|| ()>
                                {move || Suspend::new(async move {
                                    risk.await.ok().map(|flags| {
                                        let open = flags.iter().filter(|f| f.status == "open").count();
                                        let text = match open {
                                            0 => "No open flag".to_owned(),
                                            1 => "1 open flag".to_owned(),
                                            n => format!("{n} open flags"),
                                        };
                                        view! { <span class="mt-2 block text-sm font-medium" data-testid="risk-open">{text}</span> }
                                    })
                                })}
                            </Suspense>
                        </a>
                    </li>
                    <li>
                        <a href="/admin/metrics" class="block h-full rounded-lg border border-stone-200 bg-white p-4 hover:border-rose-300 hover:bg-rose-50" data-testid="metrics-card">
                            <span class="block font-medium text-rose-800">"Program results"</span>
                            <span class="block text-sm text-stone-600">"Referred revenue, new customers, commissions, payouts and top partners, by period"</span>
                        </a>
                    </li>
                    <li>
                        <a href="/admin/activity" class="block h-full rounded-lg border border-stone-200 bg-white p-4 hover:border-rose-300 hover:bg-rose-50">
                            <span class="block font-medium text-rose-800">"Activity"</span>
                            <span class="block text-sm text-stone-600">"Who changed what, and when: the audit log"</span>
                        </a>
                    </li>
                    <li>
                        <a href="/admin/settings" class="block h-full rounded-lg border border-stone-200 bg-white p-4 hover:border-rose-300 hover:bg-rose-50">
                            <span class="block font-medium text-rose-800">"Program settings"</span>
                            <span class="block text-sm text-stone-600">"Commission rate, customer discount, limits"</span>
                        </a>
                    </li>
                </ul>
            </nav>
            {(data.payments_to_review > 0).then(|| view! {
                <p role="status" class="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="payments-to-review">
                    <strong>{format!("{} payment{} to review", data.payments_to_review, if data.payments_to_review == 1 { "" } else { "s" })}</strong>
                    " — the amount or currency received differs from what we asked, or the subscription had ended. "
                    <a class="font-medium underline" href="/admin/orders?status=needs_review">"Review them"</a>
                </p>
            })}
            <dl class="grid grid-cols-1 gap-3 sm:grid-cols-3">
                {stat("Customers", data.customers)}
                {stat("Sign-ups in the last 7 days", data.signups_last_7_days)}
                {stat("Admins", data.admins)}
            </dl>
            <div>
                <h2 class="text-lg font-medium">"Newest accounts"</h2>
                {if data.recent_users.is_empty() {
                    view! { <p class="mt-2 text-stone-600">"No accounts yet. They appear here as people sign up."</p> }.into_any()
                } else {
                    view! {
                        <div class="mt-3 overflow-x-auto rounded-lg border border-stone-200 bg-white" tabindex="0" role="region" aria-label="Newest accounts table">
                            <table class="min-w-full text-left text-sm">
                                <thead class="bg-stone-100 text-stone-600">
                                    <tr>
                                        <th scope="col" class="px-4 py-2 font-medium">"Name"</th>
                                        <th scope="col" class="px-4 py-2 font-medium">"Email"</th>
                                        <th scope="col" class="px-4 py-2 font-medium">"Role"</th>
                                        <th scope="col" class="px-4 py-2 font-medium">"Joined"</th>
                                    </tr>
                                </thead>
                                <tbody class="divide-y divide-stone-100">
                                    {data.recent_users.into_iter().map(|u| view! {
                                        <tr>
                                            <td class="px-4 py-2">{u.name}</td>
                                            <td class="px-4 py-2">{u.email}</td>
                                            <td class="px-4 py-2">{if u.is_admin { "Admin" } else { "Customer" }}</td>
                                            <td class="px-4 py-2 tabular-nums">{u.joined}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </div>
        </section>
    }
}
