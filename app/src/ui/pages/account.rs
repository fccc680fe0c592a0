use crate::dto::AppError;
use crate::ui::ViewerResource;
use crate::ui::components::notice::ErrorView;
use leptos::prelude::*;
use leptos_meta::Title;

/// The customer's home: who they are and what they have ordered.
#[component]
pub fn AccountPage() -> impl IntoView {
    let viewer = expect_context::<ViewerResource>();
    view! {
        <Title text="Your account" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Some(user)) => view! {
                        <section class="space-y-6">
                            <div>
                                <h1 class="text-2xl font-semibold">"Hello, "{user.first_name.clone()}</h1>
                                <p class="text-stone-600">"Signed in as "{user.email.clone()}</p>
                            </div>
                            <div class="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-center">
                                <h2 class="font-medium">"Send flowers on the days that matter"</h2>
                                <p class="mt-1 text-sm text-stone-600">"Book one delivery, a prepaid plan or a subscription."</p>
                                <div class="mt-4 flex flex-wrap justify-center gap-3">
                                    <a href="/order" class="rounded-md bg-rose-700 px-4 py-2 font-medium text-white hover:bg-rose-800">"Order flowers"</a>
                                    <a href="/orders" class="rounded-md border border-stone-300 px-4 py-2 font-medium hover:bg-stone-100">"Your orders"</a>
                                </div>
                            </div>
                        </section>
                    }.into_any(),
                    Ok(None) => view! { <ErrorView error=AppError::Unauthenticated /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
