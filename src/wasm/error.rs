//! The single funnel from [`crate::Error`] to a JavaScript `Error`, and the
//! panic hook.
//!
//! Every exported function returns `Result<_, JsValue>`; `?` on a core result
//! goes through the `From` impl below, so every failure reaching JavaScript is
//! an `Error` whose `name` is `"FlaneurError"`, whose `code` is
//! [`crate::Error::code`] (`CATALOG_INVALID`, `BAD_ARGUMENT`, `BUSY`, …) and
//! whose `message` is the error's text as written for people.

use wasm_bindgen::JsValue;

use crate::Error;

impl From<Error> for JsValue {
    fn from(err: Error) -> JsValue {
        let js = js_sys::Error::new(&err.to_string());
        js.set_name("FlaneurError");
        // Setting a property on a fresh Error object cannot fail.
        let _ =
            js_sys::Reflect::set(&js, &JsValue::from_str("code"), &JsValue::from_str(err.code()));
        js.into()
    }
}

/// A bad argument from JavaScript, named by `what`, as a core error.
pub(crate) fn bad_argument(what: &str, detail: impl std::fmt::Display) -> Error {
    Error::BadArgument(format!("{what}: {detail}"))
}

/// Makes a panic (which nothing should cause) show in the console as a
/// coded `FlaneurError` (`INTERNAL`) with its message and place, instead of
/// an opaque `unreachable` trap. Installed once, by the first `open`;
/// the `panic-hook` feature (on by default) compiles it in.
pub(crate) fn install_panic_hook() {
    #[cfg(feature = "panic-hook")]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            std::panic::set_hook(Box::new(|info| {
                let err = Error::Internal { reason: format!("panic: {info}") };
                web_sys::console::error_1(&JsValue::from(err));
            }));
        });
    }
}
