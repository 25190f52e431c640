//! Which links a catalog may carry: http(s) and relative URLs only, so that a
//! feed's `javascript:` or `data:` link never becomes a link on the page.

/// Whether `link` is an `http:` or `https:` URL, or a relative one (a path, a
/// query, a fragment, or `//host/…`, which takes the page's scheme). Anything
/// with another scheme is refused, and so is any control character or
/// surrounding white space, which browsers strip before reading the scheme
/// (`" javascript:…"`, `"java\tscript:…"`).
///
/// ```
/// use flaneur::catalog::link::is_safe_link;
/// let links = ["https://shop.example/p/1", "HTTP://x.example", "/p/1", "p/1?c=2#top"];
/// for ok in links.into_iter().chain(["//cdn.example/a.png"]) {
///     assert!(is_safe_link(ok), "{ok}");
/// }
/// let scripts = ["javascript:alert(1)", " javascript:alert(1)", "java\tscript:x", "vbscript:x"];
/// for bad in scripts.into_iter().chain(["data:text/html,x"]) {
///     assert!(!is_safe_link(bad), "{bad:?}");
/// }
/// ```
pub fn is_safe_link(link: &str) -> bool {
    if link.chars().any(|c| c.is_control()) || link.trim() != link {
        return false;
    }
    // A scheme is what stands before a ':' that comes before any '/', '?' or '#'.
    let head = link.split(['/', '?', '#']).next().unwrap_or("");
    match head.split_once(':') {
        None => true,
        Some((scheme, _)) => {
            scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
        }
    }
}
