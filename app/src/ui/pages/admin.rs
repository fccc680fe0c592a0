use crate::api::admin::get_admin_overview;
use crate::dto::admin::AdminOverview;
use crate::ui::components::notice::ErrorView;
use leptos::prelude::*;
use leptos_meta::Title;

/// Admin home: only admins see it; everyone else gets the log-in page or a 404.
#[component]
pub fn AdminHomePage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_admin_overview());
    view! {
        <Title text="Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(data) => view! { <Overview data /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(data: AdminOverview) -> impl IntoView {
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
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h1 class="text-2xl font-semibold">"Admin"</h1>
                <nav aria-label="Admin sections" class="flex flex-wrap gap-2">
                    {[("/admin/orders", "Orders"), ("/admin/partners", "Partners"), ("/admin/commissions", "Commissions"), ("/admin/settings", "Program settings")]
                        .into_iter().map(|(href, label)| view! {
                            <a href=href class="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-100">{label}</a>
                        }).collect_view()}
                </nav>
            </div>
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
                        <div class="mt-3 overflow-x-auto rounded-lg border border-stone-200 bg-white">
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
