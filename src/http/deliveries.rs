//! A florist's answers to a delivery request (`POST …/respond`), delivery photos for admins, and
//! the booking-link cookie.
//!
//! The answers are plain form posts, not server functions: "mark delivered" carries a photo of up
//! to 8 MB (multipart), and the request page sends no Referer (its URL holds the link's secret),
//! so every answer returns to the page with `303 See Other` and a code in the query (`?done=…`
//! or `?e=…`) that the page turns into a message. GET never changes anything.

use app::server::auth::AuthSession;
use app::server::context::{AppState, ClientIp};
use app::server::services::deliveries::{self, Key, Photo};
use app::server::services::florists;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;

/// `POST /partner/delivery-request/<token>/respond`: an answer through an emailed link.
pub async fn respond_by_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let ip = request
        .extensions()
        .get::<ClientIp>()
        .map_or_else(|| "unknown".to_owned(), |ip| ip.0.to_string());
    if let Err(e) = state.limits.delivery_pages.check(&ip) {
        return (StatusCode::TOO_MANY_REQUESTS, e.to_string()).into_response();
    }
    answer(&state, Key::Token(token), request).await
}

/// `POST /partner/deliveries/<id>/respond`: an answer from the florist's dashboard, signed in.
pub async fn respond_signed_in(
    State(state): State<AppState>,
    auth: AuthSession,
    Path(id): Path<i64>,
    request: Request,
) -> Response {
    let Some(user) = auth.user else {
        return Redirect::to(&format!("/login?next=/partner/deliveries/{id}")).into_response();
    };
    answer(
        &state,
        Key::Owner {
            id,
            user_id: user.id,
        },
        request,
    )
    .await
}

async fn answer(state: &AppState, key: Key, request: Request) -> Response {
    let page = key.page_path();
    let (fields, photo) = match read_form(state, request).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let field = |name: &str| fields.get(name).map_or("", String::as_str);
    let result = deliveries::respond(
        state,
        &key,
        field("action"),
        field("reason"),
        field("note"),
        photo,
        chrono::Utc::now(),
    )
    .await;
    match result {
        Ok(Ok(status)) => Redirect::to(&format!("{page}?done={}", status.as_str())).into_response(),
        Ok(Err(problem)) => Redirect::to(&format!("{page}?e={}", problem.code())).into_response(),
        // The page itself explains an unknown link.
        Err(app::dto::AppError::NotFound) => Redirect::to(&page).into_response(),
        Err(error) => (
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            error.to_string(),
        )
            .into_response(),
    }
}

type Form = (HashMap<String, String>, Option<Photo>);

/// The answer's fields, and the photo when the form sent one (multipart).
async fn read_form(state: &AppState, request: Request) -> Result<Form, Response> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let unreadable = || {
        (
            StatusCode::BAD_REQUEST,
            "We could not read that form. Go back, reload the page and try again.",
        )
            .into_response()
    };
    if !multipart {
        let axum::Form(fields) =
            axum::Form::<HashMap<String, String>>::from_request(request, state)
                .await
                .map_err(|_| unreadable())?;
        return Ok((fields, None));
    }
    let mut parts = Multipart::from_request(request, state)
        .await
        .map_err(|_| unreadable())?;
    let (mut fields, mut photo) = (HashMap::new(), None);
    loop {
        let part = match parts.next_field().await {
            Ok(Some(part)) => part,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err((
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "That photo is too big (over 8 MB). Go back, choose a smaller one and send it again.",
                )
                    .into_response());
            }
            Err(_) => return Err(unreadable()),
        };
        let name = part.name().unwrap_or_default().to_owned();
        if name == "photo" {
            let bytes = part.bytes().await.map_err(|_| unreadable())?;
            // A file input left empty still sends an empty part.
            if !bytes.is_empty() {
                photo = Some(Photo {
                    bytes: bytes.to_vec(),
                });
            }
        } else {
            let text = part.text().await.map_err(|_| unreadable())?;
            fields.insert(name, text);
        }
    }
    Ok((fields, photo))
}

/// `GET /admin/delivery-photos/<request id>`: the florist's proof photo, admins only.
pub async fn photo(
    State(state): State<AppState>,
    auth: AuthSession,
    Path(id): Path<i64>,
) -> Response {
    if !auth.user.as_ref().is_some_and(|u| u.is_admin) {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    }
    match deliveries::photo(&state, id).await {
        Ok((bytes, kind)) => (
            [
                (header::CONTENT_TYPE, kind),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}

/// Remembers the florist of a booking link: any page opened with `?delivery_partner=<slug>` sets
/// a 30-day cookie naming an active florist (an unknown slug is ignored), read when the visitor
/// signs up. The page itself is served as usual.
pub async fn booking_link(
    State(state): State<AppState>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let slug = (request.method() == Method::GET)
        .then(|| request.uri().query())
        .flatten()
        .and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "delivery_partner")
                .map(|(_, v)| v.into_owned())
        });
    let florist = match slug {
        Some(slug) => florists::resolve_slug(&state, &slug).await.ok().flatten(),
        None => None,
    };
    let secure = state.settings.secure_cookies;
    let mut request = request;
    if let Some(florist) = &florist
        && let Ok(value) =
            header::HeaderValue::from_str(&format!("{}={}", florists::BOOKING_COOKIE, florist.id))
    {
        // This very page (the sign-up page, say) already knows the florist.
        request.headers_mut().append(header::COOKIE, value);
    }
    let mut response = next.run(request).await;
    if let Some(florist) = florist {
        let cookie = format!(
            "{}={}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax{}",
            florists::BOOKING_COOKIE,
            florist.id,
            if secure { "; Secure" } else { "" }
        );
        if let Ok(value) = header::HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}
