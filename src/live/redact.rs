//! What of a live server may be recorded and shown: its URL with credentials and query
//! values redacted, its name from its host, and every secret it was given kept out of
//! messages.

use super::Target;

impl Target {
    /// The values that must never appear in a file, a message or a report: expanded
    /// variables, environment and header values, and the credentials and query values of
    /// the URL. Longest first, so a value holding another is replaced whole.
    pub fn secrets(&self) -> Vec<String> {
        let mut out: Vec<String> = match self {
            Target::Stdio(spec) => spec
                .env
                .values()
                .chain(&spec.written.expanded)
                .cloned()
                .collect(),
            Target::Http {
                url,
                headers,
                written,
            } => headers
                .values()
                .chain(&written.expanded)
                .cloned()
                .chain(url_secrets(url))
                .collect(),
        };
        // Values this short would blot out ordinary words; none is a credential.
        out.retain(|v| v.trim().chars().count() >= 4);
        out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        out.dedup();
        out
    }

    /// `text` with the target's URL shown redacted and every secret replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        if let Target::Http { url, .. } = self {
            if !url.is_empty() {
                out = out.replace(url.as_str(), &redact_url(url));
            }
        }
        for secret in self.secrets() {
            if out.contains(&secret) {
                out = out.replace(&secret, "***");
            }
        }
        out
    }

    /// How the target is reached, fit to show: `stdio`, or the URL as written, redacted.
    pub fn shown(&self) -> String {
        match self {
            Target::Stdio(_) => "stdio".to_string(),
            Target::Http { url, written, .. } => redact_url(written.url.as_deref().unwrap_or(url)),
        }
    }
}

/// A URL fit to show and record: userinfo replaced by `***`, every query value and the
/// fragment too; a value that is a `${VAR}` reference (a config as written) is kept.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (Some(s), r),
        None => (None, url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (tail, fragment) = match tail.split_once('#') {
        Some((t, f)) => (t, Some(f)),
        None => (tail, None),
    };
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (tail, None),
    };
    let mut out = String::with_capacity(url.len());
    if let Some(s) = scheme {
        out.push_str(s);
        out.push_str("://");
    }
    match authority.rsplit_once('@') {
        Some((_, host)) => {
            out.push_str("***@");
            out.push_str(host);
        }
        None => out.push_str(authority),
    }
    out.push_str(path);
    if let Some(q) = query {
        out.push('?');
        let pairs: Vec<String> = q
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) if v.is_empty() || variable_reference(v) => format!("{k}={v}"),
                Some((k, _)) => format!("{k}=***"),
                None if pair.is_empty() || variable_reference(pair) => pair.to_string(),
                None => "***".to_string(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
    }
    if let Some(f) = fragment.filter(|f| !f.is_empty()) {
        out.push('#');
        out.push_str(if variable_reference(f) { f } else { "***" });
    }
    out
}

/// The parts of a URL that may be credentials: its userinfo (whole, and each half) and
/// every query value.
fn url_secrets(url: &str) -> Vec<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let mut out = Vec::new();
    if let Some((userinfo, _)) = rest[..end].rsplit_once('@') {
        out.push(userinfo.to_string());
        out.extend(userinfo.split(':').map(str::to_string));
    }
    if let Some((_, q)) = rest[end..].split_once('?') {
        let q = q.split('#').next().unwrap_or("");
        for pair in q.split('&') {
            out.push(pair.split_once('=').map_or(pair, |(_, v)| v).to_string());
        }
    }
    out
}

fn variable_reference(v: &str) -> bool {
    v.starts_with("${") && v.ends_with('}') && !v[2..v.len() - 1].contains(['{', '}'])
}

/// A server's name from its URL: the host, and the port when one is given
/// (`https://user:tok@api.example.com:8443/mcp` is `api.example.com-8443`, `http://[::1]:3001`
/// is `ipv6-1-3001`). Credentials, path and query never become part of a name.
pub fn name_from_url(url: &str) -> String {
    let parsed = url.parse::<http::Uri>().ok();
    let (host, port) = if let Some(a) = parsed.as_ref().and_then(http::Uri::authority) {
        (a.host().to_string(), a.port_u16())
    } else {
        // Not a URI `http` reads: the authority by hand, without userinfo.
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = rest[..end].rsplit('@').next().unwrap_or("");
        (authority.to_string(), None)
    };
    let host = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => format!(
            "ipv6-{}",
            v6.split(':')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        ),
        None => host,
    };
    // Hosts are case-insensitive: one server, one name.
    let host = if host.is_empty() {
        "server".to_string()
    } else {
        host.to_ascii_lowercase()
    };
    match port {
        Some(p) => format!("{host}-{p}"),
        None => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_credentials_or_query_values() {
        for (url, shown) in [
            ("https://api.example.com/mcp", "https://api.example.com/mcp"),
            (
                "https://u:tok@api.example.com:8443/mcp?key=abc&x=&${V}#frag",
                "https://***@api.example.com:8443/mcp?key=***&x=&${V}#***",
            ),
            (
                "https://h/mcp?key=${env:KEY}",
                "https://h/mcp?key=${env:KEY}",
            ),
            ("https://h/mcp?bare-token", "https://h/mcp?***"),
            ("http://[::1]:3001/mcp?k=v", "http://[::1]:3001/mcp?k=***"),
            ("not a url?k=v", "not a url?k=***"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }

    #[test]
    fn servers_are_named_by_host_and_port_only() {
        for (url, name) in [
            ("https://tok:x@host.example/mcp", "host.example"),
            ("http://127.0.0.1:3001/mcp?key=1", "127.0.0.1-3001"),
            ("http://[::1]:3001/mcp", "ipv6-1-3001"),
            ("http://[fe80::1:2]/", "ipv6-fe80-1-2"),
            ("https://API.Example.com", "api.example.com"),
            ("", "server"),
        ] {
            assert_eq!(name_from_url(url), name, "{url}");
        }
    }
}
